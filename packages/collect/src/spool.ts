/**
 * The bounded on-disk spool: batches read from a database but not yet acknowledged by Fluent
 * Bit, one file per batch, oldest first. It lets the collector keep reading while Fluent Bit
 * is down (OpenClaw may rewrite or prune rows before it comes back) without holding anything
 * in memory, and it survives a kill -9. When it is full the collector stops reading; the rows
 * wait in the database.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { CollectedRecord } from "./collected-record.js";
import { writeFileAtomic } from "@oclog/errors";

export interface SpooledBatch {
  /** Store name (relative database path). */
  store: string;
  /** Positions covered: after `from`, up to and including `to`. */
  from: number;
  to: number;
  records: CollectedRecord[];
}

interface Entry {
  file: string;
  bytes: number;
  store: string;
  to: number;
  records: number;
}

const FILE = /^(\d{16})\.batch\.json$/;

export class Spool {
  readonly dir: string;
  readonly limitBytes: number;
  #entries: Entry[] = [];
  #next = 0;

  constructor(dir: string, limitBytes: number) {
    this.dir = dir;
    this.limitBytes = limitBytes;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const file of readdirSync(dir).filter((f) => FILE.test(f)).sort()) {
      const batch = this.#read(file);
      this.#entries.push({ file, bytes: statSync(join(dir, file)).size, store: batch.store, to: batch.to, records: batch.records.length });
      this.#next = Number(FILE.exec(file)![1]) + 1;
    }
    // Leftovers of a write that a crash interrupted were never renamed into place.
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".tmp"))) rmSync(join(dir, file), { force: true });
  }

  #read(file: string): SpooledBatch {
    return JSON.parse(readFileSync(join(this.dir, file), "utf8")) as SpooledBatch;
  }

  get bytes(): number {
    return this.#entries.reduce((sum, e) => sum + e.bytes, 0);
  }

  get batches(): number {
    return this.#entries.length;
  }

  /** Records waiting to be sent. */
  get records(): number {
    return this.#entries.reduce((sum, e) => sum + e.records, 0);
  }

  get full(): boolean {
    return this.bytes >= this.limitBytes;
  }

  /** The highest position spooled for a store, or 0. */
  spooledPosition(store: string): number {
    return this.#entries.filter((e) => e.store === store).reduce((max, e) => Math.max(max, e.to), 0);
  }

  /** Writes a batch durably (it survives a crash from the moment this returns). */
  append(batch: SpooledBatch): void {
    this.appendEncoded({ ...batch, records: batch.records.map((r) => JSON.stringify(r)) });
  }

  /** `append` for records already turned into JSON text (the collector sizes them on the way). */
  appendEncoded(batch: Omit<SpooledBatch, "records"> & { records: readonly string[] }): void {
    const file = `${String(this.#next++).padStart(16, "0")}.batch.json`;
    const content = `{"store":${JSON.stringify(batch.store)},"from":${batch.from},"to":${batch.to},"records":[${batch.records.join(",")}]}`;
    writeFileAtomic(join(this.dir, file), content, 0o600);
    this.#entries.push({ file, bytes: Buffer.byteLength(content), store: batch.store, to: batch.to, records: batch.records.length });
  }

  /** The oldest batch with its handle, or undefined when empty. */
  oldest(): { file: string; batch: SpooledBatch } | undefined {
    const entry = this.#entries[0];
    return entry ? { file: entry.file, batch: this.#read(entry.file) } : undefined;
  }

  /** Drops batches everything of which is already acknowledged (a crash between cursor and removal). */
  dropAcknowledged(acknowledged: (store: string) => number): number {
    const stale = this.#entries.filter((e) => e.to <= acknowledged(e.store));
    for (const e of stale) this.remove(e.file);
    return stale.length;
  }

  remove(file: string): void {
    rmSync(join(this.dir, file), { force: true });
    this.#entries = this.#entries.filter((e) => e.file !== file);
  }
}
