/**
 * `oclog ingest`, the orchestration for one case folder: verify the evidence, read its events
 * blob by blob, send what the ledger does not list as arrived, record what arrived, and keep
 * every row that did not arrive (refused, too large, not a valid Event) in a file beside the
 * case, with the reason. The HTTP side is the `Uploader` (IngestClient, or a test's).
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { OclogError } from "@oclog/errors";
import { verifyCase, type CaseManifest } from "@oclog/investigate";
import { readCaseEvents } from "./case-events.js";
import { MAX_FIELD_BYTES, MAX_REQUEST_BYTES, type IngestTarget, type RowFailure } from "./ingest-client.js";
import type { IngestLedger } from "./ingest-ledger.js";

/** What the orchestration needs of the client. */
export interface Uploader {
  readonly target: IngestTarget;
  upload<Row extends Record<string, unknown>>(rows: Row[]): Promise<RowFailure<Row>[]>;
}

/** A row that did not arrive, where it came from and why. */
export interface RowProblem {
  blob: string;
  line: number | null;
  reason: string;
}

export interface IngestCaseResult {
  caseDir: string;
  caseId: string;
  user: string;
  blobs: number;
  /** Events the case holds (valid ones). */
  events: number;
  /** Rows sent and accepted in this run. */
  sent: number;
  /** Rows the ledger already listed as arrived. */
  alreadySent: number;
  /** Rows that did not arrive (refused by the service or too large); kept in `asideFile`. */
  failed: RowProblem[];
  /** Events of the case database that are not valid `Event`s: never sent, kept in `asideFile`. */
  invalid: RowProblem[];
  /** Blobs sent before with a different number of rows (a newer normalizer): not resent, to avoid duplicates. */
  changed: { blob: string; rowsThen: number; rowsNow: number }[];
  /** Rows with a field over 64 KB, which the service truncates (sent as they are). */
  longFields: number;
  asideFile: string | undefined;
  dryRun: boolean;
}

export interface IngestCaseOptions {
  caseDir: string;
  ledger: IngestLedger;
  /** Absent with dryRun: nothing is sent and the ledger is not written. */
  uploader?: Uploader;
  target: Pick<IngestTarget, "ruleId" | "stream">;
  dryRun?: boolean;
  onBlob?: (progress: { done: number; total: number; sent: number }) => void;
  now?: Date;
}

const byteLength = (value: unknown) => Buffer.byteLength(JSON.stringify(value), "utf8");
const hasLongField = (row: Record<string, unknown>): boolean =>
  Object.values(row).some((v) => (typeof v === "string" ? Buffer.byteLength(v, "utf8") > MAX_FIELD_BYTES : v !== null && typeof v === "object" && byteLength(v) > MAX_FIELD_BYTES));

/** Sends one case's events; throws only when the case itself cannot be trusted or read. */
export async function ingestCase(options: IngestCaseOptions): Promise<IngestCaseResult> {
  const { caseDir, ledger, target } = options;
  const dryRun = options.dryRun ?? false;
  if (!dryRun && options.uploader === undefined) throw new Error("ingestCase: an uploader is required unless dryRun");
  const verified = await verifyCase(caseDir);
  if (!verified.ok) {
    throw new OclogError("E_INGEST_CASE", `${caseDir} does not verify, so its events are not sent:\n  ${verified.problems.join("\n  ")}`, {
      hint: "run `oclog case verify` on it; rerun `oclog investigate` for a clean case",
      context: { caseDir },
    });
  }
  const manifest = JSON.parse(await readFile(join(caseDir, "manifest.json"), "utf8")) as CaseManifest;
  const result: IngestCaseResult = {
    caseDir, caseId: manifest.caseId, user: manifest.user, blobs: 0, events: 0, sent: 0, alreadySent: 0,
    failed: [], invalid: [], changed: [], longFields: 0, asideFile: undefined, dryRun,
  };
  const aside: string[] = [];
  const total = Object.keys(manifest.evidence).length;

  for await (const blob of readCaseEvents(caseDir, manifest)) {
    result.blobs++;
    result.events += blob.rows.length;
    for (const bad of blob.invalid) {
      const problem = { blob: blob.blob, line: bad.line, reason: `not a valid Event: ${bad.problems.join("; ")}` };
      result.invalid.push(problem);
      aside.push(JSON.stringify(problem));
    }
    const plan = ledger.plan(target, blob.sha256, blob.rows.length);
    if (plan.kind === "changed") {
      result.changed.push({ blob: blob.blob, rowsThen: plan.rowsThen, rowsNow: blob.rows.length });
      continue;
    }
    const wanted = plan.kind === "new" ? blob.rows.map((_, i) => i) : plan.kind === "pending" ? plan.indices : [];
    result.alreadySent += blob.rows.length - wanted.length;
    const pending = new Set<number>();
    const sendable: { index: number; row: Record<string, unknown> }[] = [];
    for (const index of wanted) {
      const { row, line } = blob.rows[index]!;
      if (hasLongField(row)) result.longFields++;
      const size = byteLength(row);
      if (size >= MAX_REQUEST_BYTES) {
        // The service would refuse it (413); it stays pending so every run reports it again.
        pending.add(index);
        const problem = { blob: blob.blob, line, reason: `row is ${size} bytes; the Logs Ingestion API takes at most ${MAX_REQUEST_BYTES} per request` };
        result.failed.push(problem);
        aside.push(JSON.stringify({ ...problem, row }));
      } else {
        sendable.push({ index, row });
      }
    }
    if (!dryRun && sendable.length > 0) {
      // Rows are sent as copies so a failed batch maps back to indices by identity.
      const rows = sendable.map((s) => ({ ...s.row }));
      const indexOf = new Map(rows.map((row, i) => [row, sendable[i]!.index]));
      let refused = 0;
      for (const failure of await options.uploader!.upload(rows)) {
        for (const row of failure.rows) {
          refused++;
          const index = indexOf.get(row)!;
          pending.add(index);
          const problem = { blob: blob.blob, line: blob.rows[index]!.line, reason: failure.error.message };
          result.failed.push(problem);
          aside.push(JSON.stringify({ ...problem, row }));
        }
      }
      result.sent += sendable.length - refused;
    }
    if (!dryRun && wanted.length > 0) {
      ledger.record({ ruleId: target.ruleId, stream: target.stream, sha256: blob.sha256, blob: blob.blob, rows: blob.rows.length, pending: [...pending].sort((a, b) => a - b) });
    }
    if (dryRun) result.sent += sendable.length;
    options.onBlob?.({ done: result.blobs, total, sent: result.sent });
  }

  if (aside.length > 0) {
    const stamp = (options.now ?? new Date()).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
    await mkdir(join(caseDir, "ingest"), { recursive: true });
    result.asideFile = join(caseDir, "ingest", `not-sent-${stamp}.jsonl`);
    await writeFile(result.asideFile, `${aside.join("\n")}\n`, { mode: 0o600 });
  }
  return result;
}
