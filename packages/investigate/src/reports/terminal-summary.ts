/**
 * The few lines `oclog investigate` prints when it is done. Log- and detection-derived text is
 * terminal-safe (escapes and controls stripped, one line, truncated); colour (SGR only) is added
 * by this module itself and only when asked.
 */
import { join } from "node:path";
import type { Severity } from "../detect/finding.js";
import type { ReportData } from "./report-data.js";
import { sortFindings } from "./report-data.js";
import { formatBytes, formatCount, REPORT_HTML, SEVERITIES_DESC, severityCounts } from "./report-format.js";
import { own, terminalText } from "./text-safety.js";

export interface SummaryOptions {
  color: boolean;
  /** Findings listed by name. */
  top?: number;
  /** Longest title shown. */
  maxTitle?: number;
}

const SGR: Record<Severity | "bold" | "dim" | "green", string> = {
  critical: "1;97;41",
  high: "1;31",
  medium: "33",
  low: "36",
  informational: "2",
  bold: "1",
  dim: "2",
  green: "32",
};

/** A short, terminal-safe summary of the case. */
export function renderSummary(data: ReportData, options: SummaryOptions): string {
  const paint = (style: string, text: string) => {
    const sgr = own(SGR, style);
    return options.color && sgr !== undefined ? `\u001b[${sgr}m${text}\u001b[0m` : text;
  };
  const top = options.top ?? 5;
  const maxTitle = options.maxTitle ?? 70;
  const counts = severityCounts(data.findings);
  const c = data.counts;
  const lines: string[] = [];
  lines.push(`${paint("bold", "oclog investigate")}: case ${terminalText(data.caseId, 80)} (user ${terminalText(data.user, 60)})`);
  const bySeverity = SEVERITIES_DESC.map((s) => {
    const text = `${counts[s]} ${s}`;
    return counts[s] > 0 ? paint(s, text) : paint("dim", text);
  });
  const unrecognized = data.findings.length - SEVERITIES_DESC.reduce((sum, s) => sum + counts[s], 0);
  if (unrecognized > 0) bySeverity.push(paint("high", `${unrecognized} of unrecognized severity`));
  // The story's headline is the one-line answer; the report tells the rest.
  if (data.replay !== undefined) lines.push(`Story:  ${terminalText(data.replay.story.headline, 200)}`);
  lines.push(`Findings: ${data.findings.length === 0 ? paint("green", "none") : `${data.findings.length} (${bySeverity.join(", ")})`}`);
  const sorted = sortFindings(data.findings);
  const width = Math.max(...SEVERITIES_DESC.map((s) => s.length));
  for (const finding of sorted.slice(0, top)) {
    const severity = terminalText(finding.detection.severity, width);
    const label = `${paint(severity, severity.toUpperCase())}${" ".repeat(Math.max(0, width - severity.length))}`;
    lines.push(`  ${label}  ${terminalText(finding.detection.title, maxTitle)}  ${paint("dim", `(${formatCount(finding.count)})`)}`);
  }
  if (sorted.length > top) lines.push(paint("dim", `  ... and ${sorted.length - top} more in the report`));
  lines.push(
    `Events: ${formatCount(c.events)} from ${data.sources.length} ${data.sources.length === 1 ? "source" : "sources"}; ${formatCount(c.blobs)} blobs (${formatBytes(c.bytes)}), ${formatCount(c.records)} records`,
  );
  const quarantined = `Quarantined: ${formatCount(c.quarantined)} ${c.quarantined === 1 ? "record" : "records"}`;
  lines.push(c.quarantined > 0 ? paint("medium", `${quarantined} (see the report)`) : quarantined);
  if (data.detectionErrors.length > 0) {
    lines.push(paint("high", `Detection errors: ${data.detectionErrors.length} ${data.detectionErrors.length === 1 ? "detection" : "detections"} did not run (see the report)`));
  }
  const worst = data.replay?.sessions[0];
  if (worst !== undefined && worst.worst !== null) lines.push(`Replay: oclog session ${terminalText(data.caseDir, 200)} ${terminalText(worst.sessionId, 80)}`);
  lines.push(`Case:   ${terminalText(data.caseDir, 300)}`);
  lines.push(`Report: ${terminalText(join(data.caseDir, REPORT_HTML), 300)}`);
  return `${lines.join("\n")}\n`;
}
