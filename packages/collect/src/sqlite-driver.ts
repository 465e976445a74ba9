/**
 * Read-only SQLite for the collector. Node >= 22.13 has SQLite built in (`node:sqlite`; the VM
 * runs Node 24), so the VM needs no native module and no compiler at provisioning; Node 20 (the
 * host's floor) has none, so there better-sqlite3 does the work. Both are the same SQLite
 * library underneath (WAL snapshots, busy timeout). `OCLOG_SQLITE=better-sqlite3` forces the
 * native module where both exist, for tests and comparisons.
 */
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
  if (process.env.OCLOG_SQLITE === "better-sqlite3") return undefined;
  try {
    return require("node:sqlite") as NodeSqlite;
  } catch {
    return undefined;
  }
}

const nodeSqlite = builtIn();

/** Which SQLite binding this process uses (logged by `oclog collect` at start). */
export const SQLITE_DRIVER: "node:sqlite" | "better-sqlite3" = nodeSqlite ? "node:sqlite" : "better-sqlite3";

// SQLITE_READONLY_DIRECTORY and SQLITE_READONLY_CANTINIT (extended codes, as numbers in node:sqlite).
const WAL_INDEX_UNAVAILABLE = new Set([1544, 1288, "SQLITE_READONLY_DIRECTORY", "SQLITE_READONLY_CANTINIT"]);

/**
 * Whether `error` says a read-only connection cannot set up the WAL index: a WAL database whose
 * `-shm` is absent while its directory is read-only to us (the writer is not running and has
 * checkpointed). Nothing is lost: the rows are in the database file, readable once the writer
 * opens it again.
 */
export function isWalIndexUnavailable(error: unknown): boolean {
  const { errcode, code } = (error ?? {}) as { errcode?: number; code?: string };
  return WAL_INDEX_UNAVAILABLE.has(errcode ?? -1) || WAL_INDEX_UNAVAILABLE.has(code ?? "");
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
