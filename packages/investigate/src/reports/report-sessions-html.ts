/**
 * The replay parts of report.html: the incident story at the top, the Sessions section, the step
 * buttons and cross-source strips of the findings, and the two script elements behind them (the
 * data as JSON, and the hashed script of report-script.ts that renders it).
 *
 * Server-rendered text goes through cleanText + escapeHtml like the rest of the page. The JSON
 * block holds cleaned text too, with every `<`, `>`, `&`, U+2028 and U+2029 written as a `\uXXXX`
 * escape, so no log text can close the element or start a comment in it; the script turns it into
 * DOM text nodes only.
 */
import type { Finding } from "../detect/finding.js";
import type { CrossSourceStrip, IncidentStory, ReplayData, StepPin, StorySentence } from "../replay/replay-types.js";
import { SEVERITIES_DESC } from "./report-format.js";
import { REPORT_SCRIPT, REPORT_SCRIPT_HASH } from "./report-script.js";
import { SEVERITY_COLORS } from "./timeline-chart.js";
import { cleanText, escapeHtml, oneLine, truncate } from "./text-safety.js";

/** The page's policy when it carries the replay script: that one script (by hash), still nothing loaded. */
export const REPLAY_CONTENT_SECURITY_POLICY = `default-src 'none'; script-src ${REPORT_SCRIPT_HASH}; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`;

/** Id of the JSON data block the script reads. */
export const REPLAY_JSON_ID = "oclog-replay";

const h1 = (value: unknown, max = 200) => escapeHtml(truncate(oneLine(value), max));

/** Styles of the replay parts (added to the page only when it has a replay). */
export const SESSIONS_STYLE = `
${SEVERITIES_DESC.map((s) => `.sev-${s} { --sev: ${SEVERITY_COLORS[s]}; }`).join("\n")}
.sev-none { --sev: #afb8c1; }
button { font: inherit; font-size: 12px; padding: 1px 8px; border: 1px solid var(--line); border-radius: 6px; background: var(--panel); color: var(--accent); cursor: pointer; }
button:hover { background: #eaeef2; }
section.story { background: var(--panel); border: 1px solid var(--line); border-left: 5px solid var(--accent); border-radius: 8px; padding: 4px 18px 12px; margin: 8px 0 8px; }
section.story h2 { border: 0; margin-top: 12px; }
section.story .headline { font-size: 17px; font-weight: 650; margin: 0 0 8px; overflow-wrap: anywhere; }
section.story li { margin: 4px 0; overflow-wrap: anywhere; }
.ref code, td.where code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.controls { display: flex; flex-wrap: wrap; gap: 10px 18px; align-items: center; margin: 6px 0; font-size: 14px; }
.controls input { font: inherit; padding: 3px 8px; min-width: 320px; border: 1px solid var(--line); border-radius: 6px; }
.controls select { font: inherit; padding: 2px 6px; }
details.session { border: 1px solid var(--line); border-left: 5px solid var(--sev); border-radius: 6px; margin: 6px 0; background: #fff; }
details.session > summary { cursor: pointer; padding: 6px 10px; display: flex; flex-wrap: wrap; gap: 4px 14px; align-items: baseline; font-size: 13px; }
details.session > summary .s-start, details.session > summary .s-steps { font-variant-numeric: tabular-nums; color: var(--muted); }
details.session > summary .s-tools { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
details.session > summary .s-prompt { flex: 1 1 100%; overflow-wrap: anywhere; }
details.session.highlight, tr.step.highlight { outline: 3px solid #f59e0b; outline-offset: -3px; background: #fff8e1; }
.session-body { padding: 0 10px 10px; }
table.steps td { font-size: 12.5px; }
table.steps td.short { white-space: nowrap; }
table.steps td.long { min-width: 40ch; }
table.steps td.where { min-width: 26ch; }
table.steps td.where code { word-break: break-all; }
table.steps pre { margin: 2px 0; white-space: pre-wrap; overflow-wrap: anywhere; font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
table.steps .field .label, table.steps details.long > summary { color: var(--muted); font-size: 11.5px; cursor: pointer; }
table.steps tr.pinned { background: #fff5f5; }
table.steps .pin { margin-bottom: 4px; }
table.steps .badge, .strip .badge { min-width: 0; }
.status-failure, .status-blocked, .decision { color: #b91c1c; font-weight: 600; }
.strip { margin: 14px 0 4px; }
.strip table td { font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.verdict { font-weight: 650; }
.verdict-allowed { color: #b91c1c; }
.verdict-refused { color: #15803d; }
.verdict-unlinked { color: var(--muted); }
`;

/** A button that opens a session's replay at one step. */
export function stepButton(sessionId: string, stepNo: number, label = `step ${stepNo}`): string {
  return `<button type="button" class="goto-step" data-session="${escapeHtml(cleanText(sessionId))}" data-step="${Number(stepNo)}" title="open session ${h1(sessionId, 120)} at step ${Number(stepNo)}">${h1(label, 120)}</button>`;
}

/** `blob:line` as text with a copy button. */
export function evidenceRef(blob: string, line: number): string {
  const ref = `${cleanText(blob)}:${Number(line)}`;
  return `<span class="ref"><code>${h1(ref, 400)}</code> <button type="button" class="copy" data-copy="${escapeHtml(ref)}">copy</button></span>`;
}

function sentence(s: StorySentence): string {
  const ref = s.ref;
  const tail =
    ref === null
      ? ""
      : "sessionId" in ref
        ? ` ${stepButton(ref.sessionId, ref.stepNo, `session ${truncate(oneLine(ref.sessionId), 40)} step ${ref.stepNo}`)}`
        : ` ${evidenceRef(ref.blob, ref.line)}`;
  return `<li>${h1(s.text, 1000)}${tail}</li>`;
}

/** The incident story: headline, sentences with their step or evidence reference, what is uncertain. */
export function renderStory(story: IncidentStory): string {
  const sentences = story.sentences.length === 0 ? "" : `<ol class="sentences">\n${story.sentences.map(sentence).join("\n")}\n</ol>`;
  const uncertain =
    story.uncertain.length === 0 ? "" : `<h3>What is uncertain</h3>\n<ul class="uncertain">\n${story.uncertain.map(sentence).join("\n")}\n</ul>`;
  return `<section class="story" id="story">
<h2>What happened</h2>
<p class="headline">${h1(story.headline, 500)}</p>
${sentences}
${uncertain}
</section>`;
}

/** The Sessions section: controls and an empty list the script fills from the JSON block. */
export function renderSessionsSection(replay: ReplayData): string {
  const embedded = Object.keys(replay.steps).length;
  const options = ["any", ...SEVERITIES_DESC, "none"].map((s) => `<option value="${s}">${s}</option>`).join("");
  const omitted =
    replay.omittedSessions > 0
      ? ` The steps of ${replay.omittedSessions} more are not embedded: replay those with <code>oclog session &lt;case&gt; &lt;id&gt;</code>.`
      : "";
  return `<section id="sessions">
<h2>Sessions</h2>
<p class="note">${replay.sessions.length} sessions, worst finding first; steps embedded for ${embedded}.${omitted} Open a session to replay it.</p>
<div class="controls">
<label>Filter <input type="search" id="sessions-filter" placeholder="session id, prompt, tool, step text or arguments" autocomplete="off" spellcheck="false"></label>
<label>Worst finding <select id="sessions-severity">${options}</select></label>
</div>
<p class="note" id="sessions-count" aria-live="polite"></p>
<div id="sessions-list"></div>
<button type="button" id="sessions-more" hidden>show more</button>
</section>`;
}

/** The evidence table's first column for a finding: a step button on each pinned row (empty when none is pinned). */
export function pinCells(pins: readonly StepPin[], rowCount: number): string[] | null {
  if (pins.length === 0) return null;
  const cells = Array.from({ length: rowCount }, () => "");
  for (const pin of pins) {
    if (pin.row < 0 || pin.row >= rowCount) continue;
    const label = pin.role === "cause" ? `cause: step ${pin.stepNo}` : `step ${pin.stepNo}`;
    cells[pin.row] += stepButton(pin.sessionId, pin.stepNo, label);
  }
  return cells;
}

/** What other sources recorded around a finding, and the connections its steps made. */
export function renderStrip(strip: CrossSourceStrip): string {
  const events =
    strip.events.length === 0
      ? `<p class="empty">No other source recorded anything in this window.</p>`
      : `<div class="scroll"><table class="plain"><thead><tr><th>Time</th><th>Source</th><th>Action</th><th>Outcome</th><th>Message</th><th>Where</th></tr></thead><tbody>\n${strip.events
          .map(
            (e) =>
              `<tr><td>${h1(e.time, 40)}</td><td>${h1(e.source, 60)}</td><td>${h1(e.action ?? "", 80)}</td><td>${h1(e.outcome ?? "", 40)}</td><td>${h1(e.message ?? "", 400)}</td><td>${evidenceRef(e.blob, e.line)}</td></tr>`,
          )
          .join("\n")}\n</tbody></table></div>`;
  const more = strip.more > 0 ? `<p class="note">${Number(strip.more)} more events in the window.</p>` : "";
  const connections =
    strip.connections.length === 0
      ? ""
      : `<ul class="connections">\n${strip.connections
          .map((c) => {
            const verdict = ["allowed", "refused", "unlinked"].includes(c.verdict) ? c.verdict : "unlinked";
            const event = c.event === null ? "" : ` <span class="note">(${h1(c.event.source, 60)} ${h1(c.event.time, 40)})</span> ${evidenceRef(c.event.blob, c.event.line)}`;
            return `<li>${stepButton(c.sessionId, c.stepNo)} connection to <code>${h1(c.host, 200)}</code>: <span class="verdict verdict-${verdict}">${verdict}</span>, ${h1(c.note, 400)}${event}</li>`;
          })
          .join("\n")}\n</ul>`;
  return `<div class="strip">
<p class="group-label">Other sources from ${h1(strip.from, 40)} to ${h1(strip.to, 40)}</p>
${events}
${more}
${connections}
</div>`;
}

/** Every string of a JSON-like value through cleanText (keys too): what the JSON block holds. */
export function cleanDeep<T>(value: T): T {
  if (typeof value === "string") return cleanText(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => cleanDeep(v)) as T;
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, cleanText(k), { value: cleanDeep(v), enumerable: true, writable: true, configurable: true });
    return out as T;
  }
  return value;
}

/** JSON that is safe as the content of a `<script type="application/json">` element. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** What the script gets: the replay (cleaned), the case id, and each finding's title, severity and anchor number. */
export function replayPayload(replay: ReplayData, caseId: string, findings: readonly Finding[], anchors: ReadonlyMap<Finding, number>) {
  return cleanDeep({
    caseId,
    sessions: replay.sessions,
    steps: replay.steps,
    omittedSessions: replay.omittedSessions,
    pins: replay.pins,
    findings: findings.map((f) => ({ title: f.detection.title, severity: f.detection.severity, anchor: anchors.get(f) ?? null })),
  });
}

/** The two script elements at the end of the body: the data, then the hashed script. */
export function renderReplayScripts(payload: unknown): string {
  return `<script type="application/json" id="${REPLAY_JSON_ID}">${scriptSafeJson(payload)}</script>
<script>${REPORT_SCRIPT}</script>`;
}
