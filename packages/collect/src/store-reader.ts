/**
 * Reads new rows from one OpenClaw database, read-only, while OpenClaw writes to it (WAL: each
 * read sees a consistent snapshot; a row committed later is read in a later batch). Positions
 * are monotonic: audit_events.sequence is AUTOINCREMENT; transcript_events has no sequence of
 * its own across sessions, so its rowid (assigned in commit order) is the position.
 */
import { OclogError } from "@oclog/errors";
import { isWalIndexUnavailable, openReadOnly, type ReadOnlyDatabase } from "./sqlite-driver.js";
import type { Store } from "./store-discovery.js";

export interface TranscriptRow {
  position: number;
  session_id: string;
  seq: number;
  event_json: string | null;
  event_zstd: Uint8Array | null;
  created_at: number;
}

export type LedgerRow = { position: number } & Record<string, unknown>;

export interface ConfigAuditRow {
  position: number;
  event_key: string;
  payload_json: string;
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

const QUERIES = {
  transcript: "SELECT rowid AS position, session_id, seq, event_json, event_zstd, created_at FROM transcript_events WHERE rowid > ? ORDER BY rowid LIMIT ?",
  ledger: "SELECT sequence AS position, * FROM audit_events WHERE sequence > ? ORDER BY sequence LIMIT ?",
  "config-audit": "SELECT rowid AS position, event_key, payload_json, created_at FROM diagnostic_events WHERE scope = 'config-audit' AND rowid > ? ORDER BY rowid LIMIT ?",
} as const;

export class StoreReader {
  readonly store: Store;
  #db: ReadOnlyDatabase | undefined;

  constructor(store: Store) {
    this.store = store;
  }

  /** Up to `limit` rows after `position`, oldest first. */
  read(position: number, limit: number): (TranscriptRow | LedgerRow | ConfigAuditRow)[] {
    try {
      this.#db ??= openReadOnly(this.store.path, 5_000);
      return this.#db.all(QUERIES[this.store.kind], position, limit) as (TranscriptRow | LedgerRow | ConfigAuditRow)[];
    } catch (error) {
      this.close();
      // OpenClaw creates a new agent's database file before its tables: nothing to read yet.
      if (/no such table/.test((error as Error).message)) return [];
      if (isWalIndexUnavailable(error, this.store.path)) throw new StoreNotReadyError(this.store, error);
      throw new StoreReadError(this.store, error);
    }
  }

  close(): void {
    this.#db?.close();
    this.#db = undefined;
  }
}
