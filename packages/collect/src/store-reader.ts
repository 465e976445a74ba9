/**
 * Reads new rows from one OpenClaw database, read-only, while OpenClaw writes to it (WAL: each
 * read sees a consistent snapshot; a row committed later is read in a later batch). Positions
 * are monotonic: audit_events.sequence is AUTOINCREMENT; transcript_events has no sequence of
 * its own across sessions, so its rowid (assigned in commit order) is the position.
 */
import { OclogError } from "@oclog/errors";
import { isWalIndexUnavailable, openReadOnly, type ReadOnlyDatabase } from "./sqlite-driver.js";
import type { Store } from "./store-discovery.js";
import { MAX_ROW_BYTES, PREFIX_SOURCE_MAX_BYTES, RAW_PREFIX, READ_BYTES } from "./row-bounds.js";

export interface TranscriptRow {
  position: number;
  session_id: string;
  seq: number;
  /** The event, unless it is over the row limit (then null, and `event_json_prefix` holds its start). */
  event_json: string | null;
  event_json_bytes: number | null;
  event_json_prefix: string | null;
  /** The compressed event, unless it is over the row limit (then null, and `event_zstd_prefix` holds its first bytes). */
  event_zstd: Uint8Array | null;
  event_zstd_bytes: number | null;
  event_zstd_prefix: Uint8Array | null;
  created_at: number;
}

export type LedgerRow = { position: number } & Record<string, unknown>;

export interface ConfigAuditRow {
  position: number;
  event_key: string;
  /** The payload, unless it is over the row limit (then null, and `payload_prefix` holds its start). */
  payload_json: string | null;
  payload_bytes: number | null;
  payload_prefix: string | null;
  created_at: number;
}

/** A database could not be opened or read (missing, locked past the timeout, unexpected schema). */
export class StoreReadError extends OclogError {
  constructor(store: Store, cause: unknown) {
    super("E_STORE_READ", `cannot read ${store.name}: ${(cause as Error).message}`, {
      context: { store: store.name },
      cause,
      hint: "check that the collector may read OpenClaw's state directory (and its -wal/-shm files)",
    });
  }
}

/** The store cannot be read just now and will be tried again (see `isWalIndexUnavailable`). */
export class StoreNotReadyError extends OclogError {
  constructor(store: Store, cause: unknown) {
    super("E_STORE_NOT_READY", `${store.name} cannot be read until OpenClaw opens it again: ${(cause as Error).message}`, { context: { store: store.name }, cause });
  }
}

/**
 * A column read only when it is within `max` bytes; past that only its size and first characters
 * (octet_length reads the size from the record header, never the value itself). SQLite holds
 * the whole value to cut its start, so past PREFIX_SOURCE_MAX_BYTES not even that is read.
 */
function bounded(column: string, as: string, max: number, prefix: number, alias = column): string {
  return [
    `octet_length(${column}) AS ${as}_bytes`,
    `iif(octet_length(${column}) > ${max}, NULL, ${column}) AS ${alias}`,
    `iif(octet_length(${column}) > ${max} AND octet_length(${column}) <= ${PREFIX_SOURCE_MAX_BYTES}, substr(${column}, 1, ${prefix}), NULL) AS ${as}_prefix`,
  ].join(", ");
}

/**
 * transcript_events' compressed column, or NULL where the table has none: 2026.8 created the
 * table with event_json alone (session_id, seq, event_json, created_at); 2026.9 added event_zstd.
 */
function zstdColumn(hasZstd: boolean): string {
  return hasZstd ? "event_zstd" : "NULL";
}

// Enough compressed bytes for the first block of an over-limit event_zstd (a block is up to 128 KiB, stored raw when incompressible).
const ZSTD_PREFIX_BYTES = 256 * 1024;

/** The kinds a SQLite store holds (trajectories are shipped from JSONL files only). */
type SqliteKind = Exclude<Store["kind"], "trajectory">;

const END_QUERIES: Record<SqliteKind, string> = {
  transcript: "SELECT coalesce(max(rowid), 0) AS position FROM transcript_events",
  ledger: "SELECT coalesce(max(sequence), 0) AS position FROM audit_events",
  "config-audit": "SELECT coalesce(max(rowid), 0) AS position FROM diagnostic_events",
};

/** Bytes a column's value brings into memory when read by `bounded` (an over-limit one: its prefix, counted as nothing). */
function loaded(column: string, max: number): string {
  return `iif(octet_length(${column}) > ${max}, 0, coalesce(octet_length(${column}), 0))`;
}

/**
 * Per kind, the sizes of the next rows without their values, so one read holds at most
 * READ_BYTES of them (500 rows at the 4 MiB limit would be 2 GB). The ledger's rows are
 * fixed columns of ids and short text, read as they are.
 */
function sizeQueries(maxRowBytes: number, hasZstd: boolean): Partial<Record<SqliteKind, string>> {
  const max = Math.floor(maxRowBytes);
  return {
    transcript: `SELECT ${loaded("event_json", max)} + ${loaded(zstdColumn(hasZstd), max)} AS bytes FROM transcript_events WHERE rowid > ? ORDER BY rowid LIMIT ?`,
    "config-audit": `SELECT ${loaded("payload_json", max)} AS bytes FROM diagnostic_events WHERE scope = 'config-audit' AND rowid > ? ORDER BY rowid LIMIT ?`,
  };
}

/** How many of the rows sized `sizes` fit in `budget` bytes (always at least one). */
export function rowsWithin(sizes: readonly number[], budget: number): number {
  let total = 0;
  for (let i = 0; i < sizes.length; i++) {
    total += sizes[i]!;
    if (total > budget) return Math.max(1, i);
  }
  return sizes.length;
}

function queries(maxRowBytes: number, hasZstd: boolean): Record<SqliteKind, string> {
  const max = Math.floor(maxRowBytes);
  return {
    transcript: `SELECT rowid AS position, session_id, seq, ${bounded("event_json", "event_json", max, RAW_PREFIX)}, ${bounded(zstdColumn(hasZstd), "event_zstd", max, ZSTD_PREFIX_BYTES, "event_zstd")}, created_at FROM transcript_events WHERE rowid > ? ORDER BY rowid LIMIT ?`,
    ledger: "SELECT sequence AS position, * FROM audit_events WHERE sequence > ? ORDER BY sequence LIMIT ?",
    "config-audit": `SELECT rowid AS position, event_key, ${bounded("payload_json", "payload", max, RAW_PREFIX)}, created_at FROM diagnostic_events WHERE scope = 'config-audit' AND rowid > ? ORDER BY rowid LIMIT ?`,
  };
}

/** The columns of transcript_events in an agent database: none when it has no such table (2026.7's holds memory and auth only). */
export function transcriptEventsColumns(db: ReadOnlyDatabase): string[] {
  return db.all("SELECT name FROM pragma_table_info('transcript_events')").map((r) => String(r.name));
}

export class StoreReader {
  readonly store: Store;
  readonly #kind: SqliteKind;
  readonly #maxRowBytes: number;
  #db: ReadOnlyDatabase | undefined;
  /** The queries for the table layout found; undefined until the table exists. */
  #plan: { query: string; sizeQuery: string | undefined } | undefined;

  /** `maxRowBytes`: larger event/payload values are not read, only their size and first characters. */
  constructor(store: Store, maxRowBytes = MAX_ROW_BYTES) {
    if (store.format !== "sqlite" || store.kind === "trajectory") throw new Error(`${store.name} is not a SQLite store`);
    this.store = store;
    this.#kind = store.kind;
    this.#maxRowBytes = maxRowBytes;
  }

  /** The queries for this database's layout (asked of the table itself, once it exists). */
  #planFor(db: ReadOnlyDatabase): { query: string; sizeQuery: string | undefined } {
    if (this.#plan) return this.#plan;
    const columns = this.#kind === "transcript" ? transcriptEventsColumns(db) : [];
    // No table yet (an agent's database is created before its tables): any plan finds nothing, and the layout is asked again.
    const layoutKnown = this.#kind !== "transcript" || columns.length > 0;
    const hasZstd = !layoutKnown || columns.includes("event_zstd");
    const plan = { query: queries(this.#maxRowBytes, hasZstd)[this.#kind], sizeQuery: sizeQueries(this.#maxRowBytes, hasZstd)[this.#kind] };
    if (layoutKnown) this.#plan = plan;
    return plan;
  }

  /** Up to `limit` rows after `position`, oldest first. */
  read(position: number, limit: number): (TranscriptRow | LedgerRow | ConfigAuditRow)[] {
    try {
      this.#db ??= openReadOnly(this.store.path, 5_000);
      const plan = this.#planFor(this.#db);
      if (plan.sizeQuery) {
        const sizes = this.#db.all(plan.sizeQuery, position, limit).map((r) => Number(r.bytes));
        if (sizes.length === 0) return [];
        limit = rowsWithin(sizes, READ_BYTES);
      }
      return this.#db.all(plan.query, position, limit) as (TranscriptRow | LedgerRow | ConfigAuditRow)[];
    } catch (error) {
      this.close();
      // OpenClaw creates a new agent's database file before its tables: nothing to read yet.
      if (/no such table/.test((error as Error).message)) return [];
      if (isWalIndexUnavailable(error, this.store.path)) throw new StoreNotReadyError(this.store, error);
      throw new StoreReadError(this.store, error);
    }
  }

  /** The highest position the store holds now (0 when empty): a cursor past it points at rows that are gone. */
  end(): number {
    try {
      this.#db ??= openReadOnly(this.store.path, 5_000);
      const row = this.#db.all(END_QUERIES[this.#kind])[0];
      return Number(row?.position ?? 0);
    } catch (error) {
      this.close();
      if (/no such table/.test((error as Error).message)) return 0;
      if (isWalIndexUnavailable(error, this.store.path)) throw new StoreNotReadyError(this.store, error);
      throw new StoreReadError(this.store, error);
    }
  }

  close(): void {
    this.#db?.close();
    this.#db = undefined;
    // A reopened database may have been migrated: its layout is asked again.
    this.#plan = undefined;
  }
}
