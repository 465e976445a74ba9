/** How an investigation's outcome is printed and turned into an exit code (shared by investigate and demo). */
import { readFile } from "node:fs/promises";
import { ExitCode, ExitError } from "@oclog/errors";
import { renderSummary, severityRank, type RunInvestigationResult, type Severity } from "@oclog/investigate";
import { terminalSafe, type Output } from "../output.js";

export type InvestigationFormat = "text" | "json" | "md" | "html";

/**
 * Where one evidence row of a finding came from: the record at `line` (1-based) of `blob`, as the
 * case holds it. Null where the rule's row has no such column (a burst or config rule has no call).
 * The values are agent-controlled text, copied as they are: JSON.stringify encodes them and the
 * output sink shows any terminal control as a `\uXXXX` escape, so nothing in them is acted on.
 */
export interface EvidenceRef {
  time: string | null;
  session_id: string | null;
  call_id: string | null;
  blob: string | null;
  line: number | null;
  /** The step of `session_id` the row is pinned to (`oclog session <case> <session_id>` shows it). */
  step: number | null;
}

const text = (value: unknown): string | null => (typeof value === "string" ? value : null);

/** One finding row reduced to its evidence reference; `pin` is the step the row is pinned to. */
export function evidenceRef(row: Record<string, unknown>, pin?: { sessionId: string; stepNo: number }): EvidenceRef {
  return {
    time: text(row.time),
    session_id: pin?.sessionId ?? text(row.session_id),
    call_id: text(row.call_id),
    blob: text(row.blob),
    line: typeof row.line === "number" ? row.line : null,
    step: pin?.stepNo ?? null,
  };
}

/**
 * The `--json` shape: stable keys for automation (documented in the README, after the quick start).
 * Each finding carries `evidence`, one reference per row the detection kept, in the rule's order
 * and at most as many as report.html shows (the detection runner's row limit), and
 * `evidence_total`, its full count: `evidence.length < evidence_total` means the list was cut.
 */
export function investigationJson(result: RunInvestigationResult): Record<string, unknown> {
  const pins = new Map((result.report.replay?.pins ?? []).filter((p) => p.role === "evidence").map((p) => [`${p.finding}/${p.row}`, p]));
  return {
    case_dir: result.caseDir,
    blobs: result.report.counts.blobs,
    bytes: result.bytes,
    records: result.load.records,
    quarantined: result.load.quarantined,
    quarantine_not_stored: result.load.quarantineNotStored,
    // How the case was loaded: whole, the new blobs appended, or reused; and how many blobs the
    // typed fast path read (the rest went through the line scan); whether the tool steps were
    // appended to or classified again (and why), which is most of a warm load's time.
    load: {
      mode: result.load.mode ?? "rebuilt",
      files_loaded: result.load.filesLoaded ?? 0,
      files_read_typed: result.load.filesReadTyped ?? 0,
      files_measured: result.load.filesMeasured ?? 0,
      tool_steps: result.load.toolSteps === undefined ? null : { mode: result.load.toolSteps.mode, classified: result.load.toolSteps.classified, rebuilt_because: result.load.toolSteps.rebuiltBecause ?? null },
    },
    story: result.report.replay?.story.headline ?? null,
    findings: result.findings.map((f, i) => ({
      id: f.detection.id,
      severity: f.detection.severity,
      title: f.detection.title,
      count: f.count,
      evidence: f.rows.map((row, r) => evidenceRef(row, pins.get(`${i}/${r}`))),
      evidence_total: f.count,
    })),
    report_html: result.reports.reportHtml,
    vanished: result.blobs.vanished,
    failed: result.blobs.failed,
    refused: result.blobs.refused,
    blob_problems: result.load.blobProblems,
    seconds: result.seconds,
    peak_rss_mb: result.peakRssMb,
  };
}

/** Prints the result in `format` and throws ExitError for a non-zero exit code. */
export async function printInvestigation(
  result: RunInvestigationResult,
  options: { format: InvestigationFormat; failOn?: Severity | undefined; color: boolean },
  output: Output,
): Promise<void> {
  switch (options.format) {
    case "json":
      output.out(JSON.stringify(investigationJson(result)));
      break;
    case "md":
      output.out(await readFile(result.reports.reportMd!, "utf8"));
      break;
    case "html":
      output.out(await readFile(result.reports.reportHtml!, "utf8"));
      break;
    default: {
      // What happened to the blobs first: the summary, ending with the report's path, is the answer
      // and the last thing on the screen.
      const { vanished, failed, refused, downloaded, reused, skippedByTime } = result.blobs;
      output.out(`blobs: ${downloaded} downloaded, ${reused} already in the case, ${skippedByTime} outside the window` +
        `${vanished.length ? `, ${vanished.length} vanished during download` : ""}${failed.length ? `, ${failed.length} failed` : ""}` +
        `${refused.length ? `, ${refused.length} refused (unsafe name)` : ""}`);
      // Blob names and reasons come from storage: an agent can put terminal escapes in them.
      for (const f of failed) output.err(`failed: ${terminalSafe(f.blob)}: ${terminalSafe(f.reason, 500)}`);
      for (const r of refused) output.err(`refused: ${terminalSafe(r.blob)}: ${terminalSafe(r.reason, 500)}`);
      for (const p of result.load.blobProblems) output.err(`${p.kind}: ${terminalSafe(p.blob)}: ${terminalSafe(p.reason, 500)}`);
      if (result.load.quarantineNotStored > 0) {
        output.err(`quarantine: ${result.load.quarantineNotStored} rows over the per-blob cap were counted, not stored (raise --max-quarantine-per-blob to keep them)`);
      }
      output.out(renderSummary(result.report, { color: options.color }));
    }
  }
  const code = exitCodeFor(result, options.failOn);
  if (code !== ExitCode.ok) throw new ExitError(code);
}

/**
 * 1 when a finding at or above `failOn` fired; else 3 when the investigation is incomplete
 * (records quarantined, blobs lost, refused or cut short, or a detection that did not run); else 0.
 */
export function exitCodeFor(result: RunInvestigationResult, failOn: Severity | undefined): 0 | 1 | 3 {
  if (failOn !== undefined && result.findings.some((f) => severityRank(f.detection.severity) >= severityRank(failOn))) return ExitCode.findings;
  if (result.load.quarantined > 0 || result.blobs.failed.length > 0 || result.blobs.refused.length > 0 || result.load.blobProblems.length > 0) return ExitCode.environment;
  // A rule that did not load or run is a question nobody asked: "no findings" would be a false all-clear.
  if (result.detectionErrors.length > 0) return ExitCode.environment;
  return ExitCode.ok;
}
