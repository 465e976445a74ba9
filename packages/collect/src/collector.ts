/**
 * The collector: read new rows from every store into the spool, then send spooled batches in
 * order, advancing a store's cursor only when Fluent Bit acknowledged the whole batch. Records
 * are redacted before they are spooled, so no secret reaches the disk or the socket. Delivery
 * is at least once: a kill -9 after Fluent Bit acknowledged a batch but before its cursor was
 * written re-sends that one batch, whose records carry the same `oclog_id`.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { OclogError } from "@oclog/errors";
import { ENVELOPE_FIELDS, RecordEncodingError, redactRecord, type SourceName } from "@oclog/schema";
import { configAuditRecord, ledgerRecord, sessionLineRecord, transcriptRecord, type CollectedRecord } from "./collected-record.js";
import { JsonlFileReader, type FileLineRow } from "./jsonl-file-reader.js";
import { CursorFile, CursorPastEndError } from "./cursor-file.js";
import { BATCH_BYTES, MAX_RECORD_BYTES, MAX_ROW_BYTES, RAW_PREFIX } from "./row-bounds.js";
import { encodeRecord } from "./spool-batches.js";
import { Spool } from "./spool.js";
import { wireSize } from "./wire-size.js";
import { discoverStores, type Store, type StoreKind } from "./store-discovery.js";
import { StoreNotReadyError, StoreReader, transcriptEventsColumns, type ConfigAuditRow, type LedgerRow, type TranscriptRow } from "./store-reader.js";
import { openReadOnly } from "./sqlite-driver.js";

/** Where records go: the schema package's Emitter, or anything acknowledging the same way. */
export interface RecordSender {
  send(source: SourceName, record: Record<string, unknown>, time: Date): Promise<void>;
  /** Forgets records sent but not acknowledged, so a re-sent batch is not delivered twice. */
  reset?(): Promise<void>;
}

export interface CollectorOptions {
  /** OpenClaw's state directory (read-only). */
  stateDir: string;
  /** The collector's own directory: cursors.json and spool/. */
  workDir: string;
  sender: RecordSender;
  batchSize?: number;
  spoolLimitBytes?: number;
  /** Rows larger than this (bytes of JSON, compressed or decompressed) are sent marked invalid with their first characters. */
  maxRowBytes?: number;
  /** Literal secrets to mask (the gateway token), as the pipeline's redact.lua does. */
  redactionLiterals?: readonly string[];
  /** Counts only: record contents are never logged. */
  log?: (event: string, fields: Record<string, unknown>) => void;
}

export interface CycleResult {
  read: number;
  sent: number;
  invalid: number;
  /** Marked invalid records whose raw text was cut (too large, too deep, not JSON past RAW_PREFIX). */
  truncated: number;
  redacted: number;
  /** Records waiting in the spool after this cycle. */
  pending: number;
  /** Why sending stopped, when it did. */
  sendError?: string;
  /** Per kind of store: how many were found this cycle, and the rows read from them. */
  byKind: Partial<Record<StoreKind, { stores: number; read: number }>>;
  /**
   * Stores that could not be read this cycle (a session file rewritten under its cursor, a
   * cursor past a store's end, a database that fails), by store name: why. The other stores are
   * read all the same; one odd store never holds the rest back.
   */
  failedStores?: Record<string, string>;
}

type Row = TranscriptRow | LedgerRow | ConfigAuditRow | FileLineRow;

export class Collector {
  readonly cursors: CursorFile;
  readonly spool: Spool;
  readonly #options: Required<Omit<CollectorOptions, "redactionLiterals" | "log">> & Pick<CollectorOptions, "redactionLiterals" | "log">;
  readonly #readers = new Map<string, StoreReader | JsonlFileReader>();
  readonly #waiting = new Set<string>();
  /** Stores whose read failed, with the message last logged (said again only when it changes). */
  readonly #failing = new Map<string, string>();
  readonly #skipped = new Set<string>();
  readonly #transcriptDatabases = new Set<string>();

  constructor(options: CollectorOptions) {
    this.#options = { batchSize: 500, spoolLimitBytes: 256 * 1024 * 1024, maxRowBytes: MAX_ROW_BYTES, ...options };
    mkdirSync(options.workDir, { recursive: true, mode: 0o700 });
    this.cursors = CursorFile.open(join(options.workDir, "cursors.json"));
    this.spool = new Spool(join(options.workDir, "spool"), this.#options.spoolLimitBytes);
    const dropped = this.spool.dropAcknowledged((store) => this.cursors.position(store));
    if (dropped) this.#log("spool.dropped-acknowledged", { batches: dropped });
  }

  #log(event: string, fields: Record<string, unknown>): void {
    this.#options.log?.(event, fields);
  }

  #record(store: Store, row: Row): CollectedRecord {
    const max = this.#options.maxRowBytes;
    if (store.format === "jsonl") return sessionLineRecord(store, row as FileLineRow, max);
    if (store.kind === "transcript") return transcriptRecord(store, row as TranscriptRow, max);
    if (store.kind === "config-audit") return configAuditRecord(store, row as ConfigAuditRow, max);
    return ledgerRecord(store, row as LedgerRow);
  }

  /**
   * Whether the agent database at `path` has transcript_events. A table once seen stays (it is
   * not asked again); a database that cannot be opened now counts as holding them, so its reader
   * says why it waits, and is asked again next time.
   */
  #keepsTranscripts(path: string): boolean {
    if (this.#transcriptDatabases.has(path)) return true;
    let db;
    try {
      db = openReadOnly(path, 1_000);
      const found = transcriptEventsColumns(db).length > 0;
      if (found) this.#transcriptDatabases.add(path);
      return found;
    } catch {
      return true;
    } finally {
      db?.close();
    }
  }

  /** Reads every store's new rows into the spool until they are all in or the spool is full. */
  readNew(result: CycleResult): void {
    const stores = discoverStores(
      this.#options.stateDir,
      (path, why) => {
        // Said once per file: every poll would flood the journal.
        if (this.#skipped.has(path)) return;
        this.#skipped.add(path);
        this.#log("store.skipped", { path, reason: why });
      },
      (path) => this.#keepsTranscripts(path),
    );
    // A store that went away (a session OpenClaw deleted) is forgotten, its database closed.
    const present = new Set(stores.map((s) => s.name));
    for (const [name, reader] of this.#readers) {
      if (present.has(name)) continue;
      reader.close();
      this.#readers.delete(name);
    }
    for (const store of stores) {
      const counts = (result.byKind[store.kind] ??= { stores: 0, read: 0 });
      counts.stores++;
      let reader = this.#readers.get(store.name);
      if (!reader) {
        reader = store.format === "jsonl" ? new JsonlFileReader(store, this.#options.maxRowBytes) : new StoreReader(store, this.#options.maxRowBytes);
        this.#readers.set(store.name, reader);
        this.#log("store.found", { store: store.name, kind: store.kind, format: store.format });
      }
      let position = Math.max(this.cursors.position(store.name), this.spool.spooledPosition(store.name));
      while (!this.spool.full) {
        let rows: Row[];
        try {
          rows = reader.read(position, this.#options.batchSize);
          // Nothing new: the cursor must still point into the store. Past its end, rows written
          // from here on reuse positions it claims are sent, and would never be read.
          if (rows.length === 0 && position > 0) {
            const end = reader.end();
            if (end < position) throw new CursorPastEndError(this.cursors.path, store.name, position, end);
          }
        } catch (error) {
          if (!(error instanceof StoreNotReadyError)) {
            // This store waits for someone to act; the others are read all the same.
            const reason = (error as Error).message;
            (result.failedStores ??= {})[store.name] = reason;
            if (this.#failing.get(store.name) !== reason) this.#log("store.failed", { store: store.name, reason, ...(error instanceof OclogError ? { code: error.code, hint: error.hint } : {}) });
            this.#failing.set(store.name, reason);
            break;
          }
          // Said once per store until it reads again: every poll would flood the journal.
          if (!this.#waiting.has(store.name)) this.#log("store.waiting", { store: store.name, reason: error.message });
          this.#waiting.add(store.name);
          break;
        }
        this.#waiting.delete(store.name);
        this.#failing.delete(store.name);
        if (rows.length === 0) break;
        // Row by row, and out to the spool in batches of BATCH_BYTES: a read's rows are bounded
        // (READ_BYTES), but what zstd rows decompress to is not held all at once.
        let batch: string[] = [];
        let bytes = 0;
        const flush = (to: number) => {
          this.spool.appendEncoded({ store: store.name, from: position, to, records: batch });
          position = to;
          batch = [];
          bytes = 0;
        };
        rows.forEach((row, i) => {
          const r = this.#record(store, row);
          const redacted = redactRecord(r.record, this.#options.redactionLiterals ? { literals: this.#options.redactionLiterals } : {});
          if (redacted.changed) result.redacted++;
          const encoded = encodeRecord({ ...r, record: redacted.record });
          if (ENVELOPE_FIELDS.invalid in encoded.record.record) result.invalid++;
          if (encoded.record.truncated) result.truncated++;
          if (batch.length > 0 && bytes + encoded.bytes > BATCH_BYTES) flush(rows[i - 1]!.position);
          batch.push(encoded.json);
          bytes += encoded.bytes;
        });
        flush(rows.at(-1)!.position);
        result.read += rows.length;
        counts.read += rows.length;
      }
    }
  }

  /** Sends spooled batches oldest first; stops at the first batch Fluent Bit does not take. */
  async sendSpooled(result: CycleResult): Promise<void> {
    for (let next = this.spool.oldest(); next; next = this.spool.oldest()) {
      const { file, batch } = next;
      try {
        await this.#sendBatch(batch.records, result);
      } catch (error) {
        result.sendError = (error as Error).message;
        this.#log("send.failed", { store: batch.store, records: batch.records.length, reason: result.sendError });
        await this.#options.sender.reset?.();
        return;
      }
      // Cursor first, then the spool file: a crash in between leaves a batch that
      // dropAcknowledged removes on start, never a gap.
      this.cursors.advance(batch.store, batch.to);
      this.spool.remove(file);
      result.sent += batch.records.length;
    }
  }

  /**
   * Sends every record of a batch and waits for every ack, at most BATCH_BYTES in flight at a
   * time (a spool written before batches were cut by size may hold more). A record the encoder
   * refuses, or one too large to send (the read-time bounds should have caught both), goes out
   * marked invalid in its place, so one bad record never holds its batch, or any later one,
   * back. Any other failure throws.
   */
  async #sendBatch(records: CollectedRecord[], result: CycleResult): Promise<void> {
    const send = (r: CollectedRecord) => this.#options.sender.send(r.source, r.record, new Date(r.time));
    const sized = records.map((r) => {
      const bytes = wireSize(r.record);
      if (bytes <= MAX_RECORD_BYTES) return { record: r, bytes };
      const standIn = encodeRecord(r);
      result.invalid++;
      result.truncated++;
      return { record: standIn.record, bytes: standIn.bytes };
    });
    for (let start = 0; start < sized.length; ) {
      let end = start + 1;
      for (let bytes = sized[start]!.bytes; end < sized.length && bytes + sized[end]!.bytes <= BATCH_BYTES; end++) bytes += sized[end]!.bytes;
      const group = sized.slice(start, end).map((s) => s.record);
      start = end;
      const outcomes = await Promise.allSettled(group.map(send));
      const retries: Promise<void>[] = [];
      let failure: unknown;
      outcomes.forEach((outcome, i) => {
        if (outcome.status === "fulfilled") return;
        if (!(outcome.reason instanceof RecordEncodingError)) return void (failure ??= outcome.reason);
        const replacement = unencodableRecord(group[i]!, outcome.reason);
        result.invalid++;
        if (replacement.truncated) result.truncated++;
        this.#log("record.unencodable", { id: group[i]!.record[ENVELOPE_FIELDS.id], reason: outcome.reason.message });
        retries.push(send(replacement));
      });
      if (failure !== undefined) throw failure;
      await Promise.all(retries);
    }
  }

  /** One pass: read what is new, send what is spooled. */
  async cycle(): Promise<CycleResult> {
    const result: CycleResult = { read: 0, sent: 0, invalid: 0, truncated: 0, redacted: 0, pending: 0, byKind: {} };
    // Spooled batches go first, so records leave in the order they were read.
    await this.sendSpooled(result);
    if (result.sendError === undefined) {
      this.readNew(result);
      await this.sendSpooled(result);
    } else if (!this.spool.full) {
      this.readNew(result);
    }
    result.pending = this.spool.records;
    this.#log("cycle", { read: result.read, sent: result.sent, invalid: result.invalid, truncated: result.truncated, redacted: result.redacted, pending: result.pending, spoolBytes: this.spool.bytes });
    return result;
  }

  close(): void {
    for (const reader of this.#readers.values()) reader.close();
    this.#readers.clear();
  }
}

/** What goes out instead of a record the encoder refused: its envelope, the reason, and the start of its JSON. */
function unencodableRecord(r: CollectedRecord, error: RecordEncodingError): CollectedRecord {
  const envelope = Object.fromEntries(Object.entries(r.record).filter(([k]) => k.startsWith("oclog_") && k !== ENVELOPE_FIELDS.invalid));
  let text: string | undefined;
  try {
    text = JSON.stringify(r.record);
  } catch {
    // Too deep even for JSON: the reason alone travels.
  }
  const raw = text?.slice(0, RAW_PREFIX);
  return {
    source: r.source,
    time: r.time,
    record: { ...envelope, [ENVELOPE_FIELDS.invalid]: error.message, ...(raw === undefined ? {} : { [ENVELOPE_FIELDS.rawLine]: raw }) },
    ...(raw === text ? {} : { truncated: true as const }),
  };
}
