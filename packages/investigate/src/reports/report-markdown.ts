/**
 * `report.md`: the case report as Markdown (for tickets, wikis and pull requests). Every
 * log-derived string goes through `markdownInline`: ANSI escapes and controls stripped, newlines
 * folded, and all Markdown/HTML syntax characters backslash-escaped, so log content renders as
 * text (no raw HTML, no links or images, no broken tables).
 */
import type { Finding } from "../detect/finding.js";
import type { ReportData } from "./report-data.js";
import { sessionsMarkdown, storyMarkdown } from "./report-markdown-replay.js";
import {
  evidenceColumns,
  findingsBySeverity,
  formatBytes,
  formatCount,
  formatDuration,
  severityCounts,
  SEVERITIES_DESC,
  windowText,
} from "./report-format.js";
import { markdownInline as md } from "./text-safety.js";

export interface MarkdownOptions {
  /** Evidence rows shown per finding. */
  evidenceRows?: number;
  /** Longest value shown in an evidence cell, in characters. */
  maxCell?: number;
}

const table = (header: string[], rows: string[][]): string[] => [
  `| ${header.join(" | ")} |`,
  `| ${header.map(() => "---").join(" | ")} |`,
  ...rows.map((row) => `| ${row.join(" | ")} |`),
];

function renderFinding(finding: Finding, index: number, options: Required<MarkdownOptions>): string[] {
  const d = finding.detection;
  const lines = [
    `#### ${index}. ${md(d.title)}`,
    "",
    `- **Severity:** ${md(d.severity)} · **Count:** ${formatCount(finding.count)} · **First seen:** ${md(finding.firstSeen ?? "n/a")} · **Last seen:** ${md(finding.lastSeen ?? "n/a")}`,
    `- **Detection:** ${md(d.id)} (${md(d.status)}), ${md(d.file)}`,
  ];
  if (d.tags.length > 0) lines.push(`- **Tags:** ${d.tags.map((tag) => md(tag, 80)).join(", ")}`);
  if (d.falsepositives.length > 0) lines.push(`- **False positives:** ${d.falsepositives.map((fp) => md(fp)).join("; ")}`);
  if (d.description !== "") lines.push("", md(d.description, 2000));
  const rows = finding.rows.slice(0, options.evidenceRows);
  if (rows.length > 0) {
    const { columns, empty } = evidenceColumns(rows);
    const hidden = empty.length === 0 ? "" : ` (empty columns left out: ${empty.map((c) => md(c, 60)).join(", ")})`;
    lines.push(
      "",
      `Evidence, ${rows.length} of ${formatCount(finding.count)} rows${hidden}:`,
      "",
      ...table(
        columns.map((c) => md(c, 60)),
        rows.map((row) => columns.map((c) => md(row[c], options.maxCell))),
      ),
    );
  }
  lines.push("");
  return lines;
}

/** The case report as Markdown. */
export function renderMarkdown(data: ReportData, options: MarkdownOptions = {}): string {
  const opts: Required<MarkdownOptions> = { evidenceRows: options.evidenceRows ?? 20, maxCell: options.maxCell ?? 200 };
  const c = data.counts;
  const bySeverity = severityCounts(data.findings);
  const severityLine = SEVERITIES_DESC.filter((s) => bySeverity[s] > 0)
    .map((s) => `${bySeverity[s]} ${s}`)
    .join(", ");
  const lines: string[] = [
    `# oclog investigation: ${md(data.caseId)}`,
    "",
    ...table(
      ["", ""],
      [
        ["**User**", md(data.user)],
        ["**Container**", md(data.container)],
        ["**Window**", md(windowText(data.window))],
        ["**Generated**", md(data.generatedAt)],
        ["**oclog**", md(data.oclogVersion)],
        ["**Case folder**", md(data.caseDir, 500)],
      ],
    ),
    "",
    // The story first: what happened, before the counts (only when the case has sessions to tell it from).
    ...(data.replay === undefined ? [] : storyMarkdown(data.replay)),
    "## Summary",
    "",
    `- **Findings:** ${data.findings.length === 0 ? "none" : `${data.findings.length} (${severityLine})`}`,
    `- **Evidence:** ${formatCount(c.blobs)} blobs (${formatBytes(c.bytes)}), ${formatCount(c.records)} records, ${formatCount(c.events)} events`,
    `- **Quarantined:** ${formatCount(c.quarantined)} records${c.quarantined > 0 ? " (see Quarantine)" : ""}`,
  ];
  if (data.detectionErrors.length > 0) lines.push(`- **Detection errors:** ${data.detectionErrors.length} (see Detection errors)`);
  if (data.histogram.undated) lines.push(`- **Undated events:** ${formatCount(data.histogram.undated)} (no usable time in the record)`);
  lines.push("", "## Sources", "");
  if (data.sources.length === 0) lines.push("No events.");
  else
    lines.push(
      ...table(
        ["Source", "Events", "First", "Last"],
        data.sources.map((s) => [md(s.source), formatCount(s.events), md(s.first ?? ""), md(s.last ?? "")]),
      ),
    );
  const generic = data.genericShapes;
  if (generic !== undefined && generic.lines > 0) {
    lines.push(
      "",
      `${formatCount(generic.lines)} gateway log lines validated only as the generic shape (arguments oclog has no layout for: new to oclog, kept and counted, not read):`,
      "",
      ...table(["Lines", "Subsystem", "Message template"], generic.shapes.map((g) => [formatCount(g.lines), md(g.subsystem ?? ""), md(g.template)])),
    );
    if (generic.shapesOmitted > 0) lines.push("", `... and ${formatCount(generic.shapesOmitted)} more shapes.`);
  }
  if (data.histogram.buckets.length > 0) {
    const total = data.histogram.buckets.reduce((sum, b) => sum + b.count, 0);
    const peak = new Map<string, number>();
    for (const b of data.histogram.buckets) peak.set(b.start, (peak.get(b.start) ?? 0) + b.count);
    const [peakStart, peakCount] = [...peak].reduce((best, entry) => (entry[1] > best[1] ? entry : best));
    lines.push(
      "",
      `Activity: ${formatCount(total)} dated events in ${peak.size} non-empty buckets of ${formatDuration(data.histogram.bucketSeconds)}; busiest bucket ${md(peakStart)} with ${formatCount(peakCount)} events.`,
    );
  }
  lines.push("", "## Findings", "");
  if (data.findings.length === 0) lines.push("No detection returned rows.", "");
  let index = 0;
  for (const group of findingsBySeverity(data.findings)) {
    lines.push(`### ${md(`${group.severity.charAt(0).toUpperCase()}${group.severity.slice(1)}`, 40)} (${group.findings.length})`, "");
    for (const finding of group.findings) lines.push(...renderFinding(finding, ++index, opts));
  }
  if (data.replay !== undefined) lines.push(...sessionsMarkdown(data.replay));
  lines.push("## Quarantine", "");
  if (data.quarantineByReason.length === 0) lines.push("Nothing quarantined.");
  else
    lines.push(
      `${formatCount(c.quarantined)} records could not be read and were kept aside (table \`quarantine\` of the case database).`,
      "",
      ...table(
        ["Reason", "Records"],
        data.quarantineByReason.map((q) => [md(q.reason), formatCount(q.count)]),
      ),
    );
  lines.push("", "## Detection errors", "");
  if (data.detectionErrors.length === 0) lines.push("None: every detection ran.");
  else
    lines.push(
      "These detections did not run; their absence from Findings means nothing.",
      "",
      ...table(
        ["File", "Reason"],
        data.detectionErrors.map((e) => [md(e.file), md(e.reason, 500)]),
      ),
    );
  lines.push("");
  return lines.join("\n");
}
