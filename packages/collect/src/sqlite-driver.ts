/**
 * Read-only SQLite for the collector. Node >= 22.13 has SQLite built in (`node:sqlite`; the VM
 * runs Node 24), so the VM needs no native module and no compiler at provisioning; Node 20 (the
 * host's floor) has none, so there better-sqlite3 does the work. Both are the same SQLite
 * library underneath (WAL snapshots, busy timeout).
 */
import { statSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** An open read-only database: `all()` runs one query and returns its rows as plain objects. */
export interface ReadOnlyDatabase {
  all(sql: string, ...params: (number | string)[]): Record<string, unknown>[];
  close(): void;
}

// The part of node:sqlite used here (@types/node 20 has no types for it).
interface NodeSqlite {
  DatabaseSync: new (path: string, options: { readOnly: boolean; timeout: number }) => {
    prepare(sql: string): { all(...params: (number | string)[]): Record<string, unknown>[] };
    close(): void;
  };
}

function builtIn(): NodeSqlite | undefined {
  try {
    return require("node:sqlite") as NodeSqlite;
  } catch {
    return undefined;
  }
}

const nodeSqlite = builtIn();

/** Which SQLite binding this process uses (logged by `oclog collect` at start). */
export const SQLITE_DRIVER: "node:sqlite" | "better-sqlite3" = nodeSqlite ? "node:sqlite" : "better-sqlite3";

/**
 * Whether `error`, from opening or reading the WAL database at `path`, means that a read-only
 * connection cannot set up the WAL index: there is no `<path>-shm` and we may not create one
 * (OpenClaw is not running, its last connection closed and checkpointed, and OpenClaw's state is
 * read-only to the collector). SQLite says so as SQLITE_CANTOPEN on a read-only mount and as
 * SQLITE_READONLY_DIRECTORY/_CANTINIT on a directory we may not write. Nothing is lost: the rows
 * are in the database file, and are read once OpenClaw opens it again.
 */
export function isWalIndexUnavailable(error: unknown, path: string): boolean {
  const { errcode, code } = (error ?? {}) as { errcode?: number; code?: string };
  const primary = typeof errcode === "number" ? errcode & 0xff : undefined;
  const sqliteSays = primary === 14 || primary === 8 || /^SQLITE_(CANTOPEN|READONLY)/.test(code ?? "");
  // statSync, not existsSync: it does not depend on access() honouring the read capability.
  const exists = (p: string) => statSync(p, { throwIfNoEntry: false }) !== undefined;
  return sqliteSays && exists(path) && !exists(`${path}-shm`);
}

/** Opens `path` read-only (it must exist), waiting up to `timeoutMs` for a lock. */
export function openReadOnly(path: string, timeoutMs: number): ReadOnlyDatabase {
  if (nodeSqlite) {
    const db = new nodeSqlite.DatabaseSync(path, { readOnly: true, timeout: timeoutMs });
    return { all: (sql, ...params) => db.prepare(sql).all(...params), close: () => db.close() };
  }
  // Loaded only here: on the VM its native part is never built.
  const Database = require("better-sqlite3") as typeof import("better-sqlite3");
  const db = new Database(path, { readonly: true, fileMustExist: true, timeout: timeoutMs });
  return { all: (sql, ...params) => db.prepare(sql).all(...params) as Record<string, unknown>[], close: () => db.close() };
}
