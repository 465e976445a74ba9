/**
 * `report.html`: the case report as one self-contained file an investigator opens from disk.
 *
 * Hostile-input safety: every log-derived string (and every detection-derived one) is cleaned
 * (ANSI escapes, controls, bidi overrides removed) and HTML-escaped (& < > " ') before it touches
 * markup; nothing is ever linkified, so a `javascript:` URL in a log stays text. Without a replay
 * the page has no script at all; with one it has exactly one inline script, allowed by its hash
 * (report-script.ts), plus a JSON data block. Its Content-Security-Policy (`default-src 'none'`,
 * that script only, inline styles only, data: images only) means that even markup that slipped
 * through could neither run script nor load anything: the report makes no network request.
 */
import type { Finding } from "../detect/finding.js";
import type { CrossSourceStrip, StepPin } from "../replay/replay-types.js";
import type { ReportData } from "./report-data.js";
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
import {
  pinCells,
  REPLAY_CONTENT_SECURITY_POLICY,
  renderReplayScripts,
  renderSessionsSection,
  renderStory,
  renderStrip,
  replayPayload,
  SESSIONS_STYLE,
} from "./report-sessions-html.js";
import { SEVERITY_COLORS, renderTimelineSvg } from "./timeline-chart.js";
import { cleanText, escapeHtml, oneLine, own, truncate } from "./text-safety.js";

export interface HtmlOptions {
  /** Evidence rows shown per finding. */
  evidenceRows?: number;
  /** Longest value shown in an evidence cell, in characters. */
  maxCell?: number;
}

export const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/** Log-derived text for one line of HTML (title, cell of a summary). */
const h1 = (value: unknown, max = 200) => escapeHtml(truncate(oneLine(value), max));

const STYLE = `
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #ffffff; --panel: #f6f8fa; --accent: #0b3d91; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 28px 32px 48px; }
header.report { border-bottom: 3px solid var(--accent); padding-bottom: 16px; margin-bottom: 20px; }
header.report .kicker { color: var(--muted); font-size: 13px; text-transform: uppercase; letter-spacing: .08em; margin: 0; }
h1 { font-size: 26px; margin: 2px 0 12px; font-weight: 650; overflow-wrap: anywhere; }
h2 { font-size: 19px; margin: 32px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 18px 0 8px; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
dl.meta { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 4px 16px; margin: 0; font-size: 14px; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.groups { display: flex; flex-wrap: wrap; gap: 12px 28px; margin: 18px 0 4px; }
.group { flex: 5 1 480px; }
.group.stats { flex: 4 1 380px; }
.group-label { color: var(--muted); font-size: 11.5px; text-transform: uppercase; letter-spacing: .08em; margin: 0 0 6px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(84px, 1fr)); gap: 8px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.card .n { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; }
.card .l { color: var(--muted); font-size: 12.5px; }
.card.sev { border-left: 5px solid var(--sev); }
.chart { border: 1px solid var(--line); border-radius: 8px; padding: 8px 8px 4px; background: #fff; }
svg.timeline { display: block; font-family: inherit; }
svg.timeline .grid { stroke: #eaeef2; stroke-width: 1; }
svg.timeline .axis { stroke: #8c959f; stroke-width: 1; }
svg.timeline .tick { fill: var(--muted); font-size: 11px; font-variant-numeric: tabular-nums; }
svg.timeline .axis-label { fill: var(--fg); font-size: 12px; font-weight: 600; }
svg.timeline .legend { fill: var(--fg); font-size: 12px; }
svg.timeline .mark-label { fill: #fff; font-size: 10px; font-weight: 700; }
.caption { color: var(--muted); font-size: 13px; margin: 6px 2px 0; }
.badge { display: inline-block; min-width: 92px; text-align: center; padding: 1px 8px; border-radius: 999px; color: #fff; font-size: 12px; font-weight: 650; text-transform: uppercase; letter-spacing: .04em; background: var(--sev); }
details.finding { border: 1px solid var(--line); border-left: 5px solid var(--sev); border-radius: 8px; margin: 10px 0; background: #fff; }
details.finding > summary { cursor: pointer; padding: 10px 14px; display: flex; gap: 12px; align-items: baseline; flex-wrap: wrap; list-style: none; }
details.finding > summary::-webkit-details-marker { display: none; }
details.finding > summary::before { content: "▸"; color: var(--muted); width: 10px; }
details.finding[open] > summary::before { content: "▾"; }
details.finding > summary .title { font-weight: 650; font-size: 16px; flex: 1 1 320px; overflow-wrap: anywhere; }
details.finding > summary .num { color: var(--muted); font-variant-numeric: tabular-nums; }
details.finding > summary .stat { color: var(--muted); font-size: 13px; font-variant-numeric: tabular-nums; }
details.finding .body { padding: 0 16px 14px 38px; }
details.finding .desc { margin: 4px 0 10px; max-width: 80ch; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; font-size: 13.5px; margin: 0 0 12px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.tag { display: inline-block; background: #eef2ff; color: #1e3a8a; border-radius: 4px; padding: 0 6px; margin: 0 4px 2px 0; font: 12px/1.6 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 5px 10px; border-bottom: 1px solid #eaeef2; }
th { background: var(--panel); font-weight: 600; white-space: nowrap; position: sticky; top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.evidence th, table.evidence td { padding: 5px 8px; }
table.evidence td { font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
table.evidence td.short { white-space: nowrap; }
table.evidence td.long { white-space: pre-wrap; overflow-wrap: anywhere; }
.note { color: var(--muted); font-size: 13px; }
.empty { color: var(--muted); font-style: italic; }
footer { margin-top: 40px; color: var(--muted); font-size: 12.5px; border-top: 1px solid var(--line); padding-top: 10px; }
@media print { details.finding .body { display: block; } .scroll { overflow: visible; } }
`;

const sevStyle = (severity: string) => `--sev: ${own(SEVERITY_COLORS, severity) ?? SEVERITY_COLORS.informational}`;

function renderTable(header: { label: string; num?: boolean }[], rows: string[][], className = "plain"): string {
  const head = header.map((c) => `<th${c.num ? ' class="num"' : ""}>${c.label}</th>`).join("");
  const body = rows.map((row) => `<tr>${row.map((cell, i) => `<td${header[i]?.num ? ' class="num"' : ""}>${cell}</td>`).join("")}</tr>`).join("\n");
  return `<div class="scroll"><table class="${className}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/**
 * Evidence rows as a table. Short columns (times, actions, outcomes) never wrap; long ones
 * (messages, commands, blob names) get a minimum width by their longest value and wrap anywhere.
 */
function renderEvidence(columns: string[], rows: readonly Record<string, unknown>[], maxCell: number, stepCells: string[] | null = null): string {
  const cells = rows.map((row) => columns.map((c) => truncate(cleanText(row[c]), maxCell)));
  const widths = columns.map((_, i) => Math.max(...cells.map((r) => Math.max(...r[i]!.split("\n").map((l) => Array.from(l).length)))));
  const attrs = widths.map((w) => (w <= 32 ? ' class="short"' : ` class="long" style="min-width: ${Math.min(40, Math.max(16, Math.ceil(w / 3)))}ch"`));
  // Rows pinned to a session step get a button in a first column (already markup, from report-sessions-html).
  const stepHead = stepCells === null ? "" : `<th class="short">step</th>`;
  const stepCell = (r: number) => (stepCells === null ? "" : `<td class="short">${stepCells[r] ?? ""}</td>`);
  const head = stepHead + columns.map((c, i) => `<th${attrs[i]}>${h1(c, 60)}</th>`).join("");
  const body = cells.map((row, r) => `<tr>${stepCell(r)}${row.map((cell, i) => `<td${attrs[i]}>${escapeHtml(cell)}</td>`).join("")}</tr>`).join("\n");
  return `<div class="scroll"><table class="evidence"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** What the replay adds to one finding: its rows pinned to steps, and its cross-source strips. */
interface FindingReplay {
  pins: StepPin[];
  strips: CrossSourceStrip[];
}

function renderFinding(finding: Finding, index: number, options: Required<HtmlOptions>, replay: FindingReplay = { pins: [], strips: [] }): string {
  const d = finding.detection;
  const rows = finding.rows.slice(0, options.evidenceRows);
  const { columns, empty } = evidenceColumns(rows);
  const facts: [string, string][] = [
    ["Detection", `${h1(d.id)} <span class="note">(${h1(d.status)})</span>`],
    ["Query", h1(d.file, 300)],
    ["First seen", h1(finding.firstSeen ?? "n/a")],
    ["Last seen", h1(finding.lastSeen ?? "n/a")],
  ];
  if (d.tags.length > 0) facts.push(["Tags", d.tags.map((tag) => `<span class="tag">${h1(tag, 80)}</span>`).join("")]);
  if (d.falsepositives.length > 0) facts.push(["False positives", d.falsepositives.map((fp) => h1(fp, 300)).join("; ")]);
  const evidence =
    rows.length === 0
      ? `<p class="empty">No evidence rows kept.</p>`
      : `<p class="note">Evidence: ${rows.length} of ${formatCount(finding.count)} rows${
          empty.length === 0 ? "" : ` (empty columns left out: ${empty.map((c) => h1(c, 60)).join(", ")})`
        }.</p>` + renderEvidence(columns, rows, options.maxCell, pinCells(replay.pins, rows.length));
  const open = d.severity === "critical" || d.severity === "high" ? " open" : "";
  return `<details class="finding" id="finding-${index}" style="${sevStyle(d.severity)}"${open}>
<summary><span class="badge">${h1(d.severity)}</span><span class="num">#${index}</span><span class="title">${h1(d.title)}</span><span class="stat">${formatCount(finding.count)} ${finding.count === 1 ? "match" : "matches"} · first ${h1(finding.firstSeen ?? "n/a")}</span></summary>
<div class="body">
${d.description === "" ? "" : `<p class="desc">${h1(d.description, 2000)}</p>`}
<dl class="facts">${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join("")}</dl>
${evidence}
${replay.strips.map(renderStrip).join("\n")}
</div>
</details>`;
}

/** The case report as a self-contained HTML page. */
export function renderHtml(data: ReportData, options: HtmlOptions = {}): string {
  const opts: Required<HtmlOptions> = { evidenceRows: options.evidenceRows ?? 50, maxCell: options.maxCell ?? 1000 };
  const c = data.counts;
  const bySeverity = severityCounts(data.findings);
  const groups = findingsBySeverity(data.findings);
  const ordered = groups.flatMap((g) => g.findings);
  const cards = [
    ...SEVERITIES_DESC.map(
      (s) => `<div class="card sev" style="${sevStyle(s)}"><div class="n">${bySeverity[s]}</div><div class="l">${s}</div></div>`,
    ),
  ];
  const stats = [
    `<div class="card"><div class="n">${formatCount(c.events)}</div><div class="l">events</div></div>`,
    `<div class="card"><div class="n">${formatCount(c.blobs)}</div><div class="l">blobs · ${formatBytes(c.bytes)}</div></div>`,
    `<div class="card"><div class="n">${formatCount(c.records)}</div><div class="l">records</div></div>`,
    `<div class="card"><div class="n">${formatCount(c.quarantined)}</div><div class="l">quarantined</div></div>`,
  ];
  // Pins and strips name findings by their index in data.findings; the page numbers them in display order.
  const replay = data.replay;
  const indexOf = new Map(data.findings.map((f, i) => [f, i]));
  const anchors = new Map(ordered.map((f, i) => [f, i + 1]));
  const findingReplay = (f: Finding): FindingReplay | undefined => {
    const i = indexOf.get(f);
    if (replay === undefined || i === undefined) return undefined;
    return { pins: replay.pins.filter((p) => p.finding === i), strips: replay.strips.filter((s) => s.finding === i) };
  };
  let index = 0;
  const findingsHtml =
    ordered.length === 0
      ? `<p class="empty">No detection returned rows.</p>`
      : groups
          .map(
            (g) =>
              `<h3>${h1(g.severity, 40)} (${g.findings.length})</h3>\n${g.findings.map((f) => renderFinding(f, ++index, opts, findingReplay(f))).join("\n")}`,
          )
          .join("\n");
  const undated = data.histogram.undated ? ` ${formatCount(data.histogram.undated)} events without a usable time are not charted.` : "";
  const caption =
    data.histogram.buckets.length === 0
      ? ""
      : `<p class="caption">Events per ${formatDuration(data.histogram.bucketSeconds)}, stacked by category; numbered markers are findings at their first-seen time.${undated}</p>`;
  const sources =
    data.sources.length === 0
      ? `<p class="empty">No events.</p>`
      : renderTable(
          [{ label: "Source" }, { label: "Events", num: true }, { label: "First" }, { label: "Last" }],
          data.sources.map((s) => [h1(s.source), formatCount(s.events), h1(s.first ?? ""), h1(s.last ?? "")]),
        );
  const generic = data.genericShapes;
  const genericShapes =
    generic === undefined || generic.lines === 0
      ? ""
      : `<p class="note">${formatCount(generic.lines)} gateway log lines validated only as the generic shape (arguments oclog has no layout for: new to oclog, kept and counted, not read).</p>` +
        renderTable(
          [{ label: "Lines", num: true }, { label: "Subsystem" }, { label: "Message template" }],
          generic.shapes.map((g) => [formatCount(g.lines), h1(g.subsystem ?? ""), h1(g.template)]),
        ) +
        (generic.shapesOmitted > 0 ? `<p class="note">... and ${formatCount(generic.shapesOmitted)} more shapes.</p>` : "");
  const quarantine =
    data.quarantineByReason.length === 0
      ? `<p class="empty">Nothing quarantined.</p>`
      : `<p class="note">${formatCount(c.quarantined)} records could not be read and were kept aside (table <code>quarantine</code> of the case database).</p>` +
        renderTable(
          [{ label: "Reason" }, { label: "Records", num: true }],
          data.quarantineByReason.map((q) => [h1(q.reason, 300), formatCount(q.count)]),
        );
  const errors =
    data.detectionErrors.length === 0
      ? `<p class="empty">None: every detection ran.</p>`
      : `<p class="note">These detections did not run; their absence from the findings means nothing.</p>` +
        renderTable(
          [{ label: "File" }, { label: "Reason" }],
          data.detectionErrors.map((e) => [h1(e.file, 300), h1(e.reason, 500)]),
        );
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${replay === undefined ? CONTENT_SECURITY_POLICY : REPLAY_CONTENT_SECURITY_POLICY}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>oclog investigation: ${h1(data.caseId, 120)}</title>
<style>${STYLE}${replay === undefined ? "" : SESSIONS_STYLE}</style>
</head>
<body>
<main>
<header class="report">
<p class="kicker">oclog investigation report</p>
<h1>${h1(data.caseId, 200)}</h1>
<dl class="meta">
<dt>User</dt><dd>${h1(data.user)}</dd><dt>Container</dt><dd>${h1(data.container)}</dd>
<dt>Window</dt><dd>${h1(windowText(data.window), 300)}</dd><dt>Generated</dt><dd>${h1(data.generatedAt)}</dd>
<dt>Case folder</dt><dd>${h1(data.caseDir, 500)}</dd><dt>oclog</dt><dd>${h1(data.oclogVersion)}</dd>
</dl>
<div class="groups">
<div class="group"><p class="group-label">Findings by severity</p><div class="cards">${cards.join("")}</div></div>
<div class="group stats"><p class="group-label">Evidence</p><div class="cards">${stats.join("")}</div></div>
</div>
</header>
${replay === undefined ? "" : `${renderStory(replay.story)}\n`}<section>
<h2>Timeline</h2>
<div class="chart">${renderTimelineSvg(data, ordered)}</div>
${caption}
</section>
<section>
<h2>Findings</h2>
${findingsHtml}
</section>
${replay === undefined ? "" : `${renderSessionsSection(replay)}\n`}<section>
<h2>Sources</h2>
${sources}${genericShapes}
</section>
<section>
<h2>Quarantine</h2>
${quarantine}
</section>
<section>
<h2>Detection errors</h2>
${errors}
</section>
<footer>Generated by oclog ${h1(data.oclogVersion)} at ${h1(data.generatedAt)}. Log-derived text is shown as inert text: escapes and control characters removed, markup escaped, nothing linked. The evidence itself is in the case folder, unchanged.</footer>
</main>
${replay === undefined ? "" : `${renderReplayScripts(replayPayload(replay, data.caseId, data.findings, anchors))}\n`}</body>
</html>
`;
}
