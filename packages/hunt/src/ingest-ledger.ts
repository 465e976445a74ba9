/**
 * What has already been sent where: one JSON line per blob and upload, appended after the upload
 * finished. Log Analytics does not deduplicate, so a rerun (cron, a retry after a failure, the
 * next day's case with overlapping blobs) sends only what the ledger does not list as arrived.
 * Keyed by the evidence file's SHA-256 and the DCR stream, so the same blob in two cases counts
 * once. The last line for a key wins; `pending` lists the row indices that have not arrived yet.
 */
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeSync, fsyncSync } from "node:fs";
import { OclogError } from "@oclog/errors";

export interface LedgerEntry {
  at: string;
  ruleId: string;
  stream: string;
  sha256: string;
  /** The blob name, for people reading the ledger; the key is the hash. */
  blob: string;
  /** How many rows the blob made when it was sent. */
  rows: number;
  /** Indices (into the blob's rows, in case order) that did not arrive; empty when all did. */
  pending: number[];
}

/** What to send of one blob: everything, the rows still pending, nothing, or nothing because it changed. */
export type LedgerPlan =
  | { kind: "new" }
  | { kind: "pending"; indices: number[] }
  | { kind: "done" }
  | { kind: "changed"; rowsThen: number };

const key = (e: Pick<LedgerEntry, "ruleId" | "stream" | "sha256">) => `${e.ruleId}\u0000${e.stream}\u0000${e.sha256}`;

/** The ledger file, read once, appended to per blob, locked against a second `oclog ingest` on it. */
export class IngestLedger {
  readonly path: string;
  readonly #entries = new Map<string, LedgerEntry>();
  #lockPath: string | undefined;

  private constructor(path: string) {
    this.path = path;
  }

  /** Reads the ledger (a missing file is an empty ledger); a line that does not parse is an error naming it. */
  static open(path: string): IngestLedger {
    const ledger = new IngestLedger(path);
    if (!existsSync(path)) return ledger;
    const lines = readFileSync(path, "utf8").split("\n");
    const bad: number[] = [];
    lines.forEach((text, i) => {
      if (text.trim() === "") return;
      try {
        const entry = JSON.parse(text) as LedgerEntry;
        if (typeof entry.sha256 !== "string" || typeof entry.rows !== "number" || !Array.isArray(entry.pending)) throw new Error("shape");
        ledger.#entries.set(key(entry), entry);
      } catch {
        bad.push(i + 1);
      }
    });
    if (bad.length > 0) {
      throw new OclogError("E_INGEST_LEDGER", `${path}: line(s) ${bad.join(", ")} are not ledger entries`, {
        hint: "the ledger is how reruns avoid sending rows twice; repair or remove those lines by hand (a line cut short by a crash means that blob may be sent again)",
      });
    }
    return ledger;
  }

  /** What to send of a blob that now makes `rows` rows. */
  plan(target: { ruleId: string; stream: string }, sha256: string, rows: number): LedgerPlan {
    const entry = this.#entries.get(key({ ...target, sha256 }));
    if (entry === undefined) return { kind: "new" };
    if (entry.rows !== rows) return { kind: "changed", rowsThen: entry.rows };
    return entry.pending.length === 0 ? { kind: "done" } : { kind: "pending", indices: entry.pending };
  }

  /** Appends one entry and fsyncs, so a crash afterwards does not lose it. */
  record(entry: Omit<LedgerEntry, "at">): void {
    const full: LedgerEntry = { at: new Date().toISOString(), ...entry };
    const fd = openSync(this.path, "a", 0o600);
    try {
      writeSync(fd, `${JSON.stringify(full)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.#entries.set(key(full), full);
  }

  /** Takes `<ledger>.lock` (exclusive create); two ingests on one ledger would both send the same rows. */
  lock(): void {
    const lockPath = `${this.path}.lock`;
    try {
      const fd = openSync(lockPath, "wx", 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = readFileSync(lockPath, "utf8").trim();
      throw new OclogError("E_INGEST_LOCKED", `another oclog ingest (pid ${holder || "unknown"}) holds ${lockPath}`, {
        hint: `wait for it to finish; if no such process runs, it crashed: delete ${lockPath} and run again`,
      });
    }
    this.#lockPath = lockPath;
  }

  unlock(): void {
    if (this.#lockPath) rmSync(this.#lockPath, { force: true });
    this.#lockPath = undefined;
  }
}
