// Reports are investigator-facing output built from hostile input: whatever a log line carries
// (markup, ANSI escapes, spreadsheet formulas, newlines) must arrive as inert text in Markdown,
// HTML, CSV, JSONL and the terminal. Also: the timeline files hold one row per event with the
// Timesketch fields, and the chart's bucket width keeps it readable.
import test from "ava";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chooseBucketSeconds, collectReportData, MAX_BUCKETS, sortFindings, type ReportData } from "../src/reports/report-data.js";
import { renderHtml } from "../src/reports/report-html.js";
import { renderMarkdown } from "../src/reports/report-markdown.js";
import { renderSummary } from "../src/reports/terminal-summary.js";
import { exportTimeline, TIMELINE_COLUMNS, timelineSelectSql } from "../src/reports/timeline-export.js";
import { writeReports } from "../src/reports/write-reports.js";
import { cleanText, escapeMarkdown } from "../src/reports/text-safety.js";
import type { Finding } from "../src/detect/finding.js";
import { buildTestCase, HOSTILE } from "./fixtures/reports/build-case.js";

const ESC = "\u001b";
const caseP = buildTestCase();
test.after.always(async () => (await caseP).close());

/** RFC 4180 reader (quoted fields may hold commas, quotes and newlines). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(field), (field = "");
    else if (c === "\n") row.push(field), rows.push(row), (row = []), (field = "");
    else if (c !== "\r") field += c;
  }
  if (field !== "" || row.length > 0) row.push(field), rows.push(row);
  return rows;
}

test("bucket width: the smallest nice width with at most 150 buckets, and at least ~50 when the span allows", (t) => {
  const at = Date.parse("2026-11-25T09:49:54.841Z");
  const cases: [spanSeconds: number, width: number][] = [
    [0, 1],
    [59, 1],
    [60, 1],
    [2 * 3600, 60],
    [8 * 3600, 300],
    [24 * 3600, 600],
    [10 * 86400, 7200],
    [60 * 86400, 43200],
    [200 * 86400, 172800],
    [2 * 365 * 86400, 604800],
    [3 * 365 * 86400, 1209600],
  ];
  for (const [span, width] of cases) t.is(chooseBucketSeconds(at, at + span * 1000), width, `span ${span} s`);
  for (let span = 50; span < 20 * 365 * 86400; span = Math.ceil(span * 1.37)) {
    const width = chooseBucketSeconds(at, at + span * 1000);
    const buckets = Math.floor((at + span * 1000) / (width * 1000)) - Math.floor(at / (width * 1000)) + 1;
    t.true(buckets <= MAX_BUCKETS, `span ${span} s: ${buckets} buckets of ${width} s`);
    t.true(buckets >= 40, `span ${span} s: ${buckets} buckets of ${width} s is too coarse`);
  }
});

test("report data: sources and histogram from the events table of the real capture", async (t) => {
  const { data, events } = await caseP;
  t.is(data.histogram.bucketSeconds, 1, "the capture spans one minute: one-second buckets");
  t.is(data.histogram.buckets.reduce((sum, b) => sum + b.count, 0), events.length);
  t.is(data.histogram.undated, 0);
  t.is(data.sources.reduce((sum, s) => sum + s.events, 0), events.length);
  const gateway = data.sources.find((s) => s.source === "gateway-log");
  const gatewayTimes = events.filter((e) => e.source === "gateway-log").map((e) => e.time).sort();
  t.is(gateway?.first, gatewayTimes[0]);
  t.is(gateway?.last, gatewayTimes.at(-1));
  t.true(data.histogram.buckets.every((b) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/.test(b.start)));
  t.deepEqual(
    data.findings.map((f) => f.detection.severity),
    ["critical", "high", "high", "medium", "informational"],
    "findings sorted by severity although passed in reverse",
  );
});

test("report data: events the case database could not date (1970-01-01) stay out of the chart", async (t) => {
  const { connection, data } = await caseP;
  await connection.run("CREATE TABLE events_undated AS SELECT * FROM events");
  await connection.run("UPDATE events_undated SET time = TIMESTAMPTZ '1970-01-01 00:00:00+00' WHERE line = 1");
  const undated = (await connection.runAndReadAll("SELECT count(*) FROM events_undated WHERE line = 1")).getRows()[0]![0];
  const result = await collectReportData(connection, { ...data }, "events_undated");
  t.is(result.histogram.undated, Number(undated));
  t.is(result.histogram.bucketSeconds, 1, "the 1970 stand-in does not stretch the chart over 56 years");
  t.true(result.histogram.buckets.every((b) => b.start.startsWith("2026-")));
});

test("timeline: one row per event in JSONL and CSV, Timesketch fields, time order, neutralized text", async (t) => {
  const { connection, data, events } = await caseP;
  const files = await exportTimeline(connection, data.caseDir);
  t.is(files.rows, events.length);
  const jsonLines = readFileSync(files.jsonl, "utf8").split("\n").filter(Boolean);
  t.is(jsonLines.length, events.length, "one JSON line per event");
  const records = jsonLines.map((line) => JSON.parse(line) as Record<string, unknown>);
  for (const record of records) {
    t.deepEqual(Object.keys(record), [...TIMELINE_COLUMNS]);
    t.is(typeof record.message, "string");
    t.not(record.message, "");
    t.regex(String(record.datetime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    t.is(record.timestamp_desc, "Event Time");
    t.is(Number(record.timestamp), Date.parse(String(record.datetime)) * 1000);
  }
  const times = records.map((r) => Number(r.timestamp));
  t.deepEqual(times, [...times].sort((a, b) => a - b), "ascending time");
  const byRef = new Map(records.map((r) => [r.raw_ref, r]));
  t.is(byRef.get("hostile.log:4")?.message, HOSTILE.formula, "JSONL keeps the exact text (no formula guard)");
  t.is(byRef.get("hostile.log:3")?.message, "RED cleared", "ANSI escapes removed");
  t.is(byRef.get("hostile.log:5")?.target_command, "+invoicefdp.exe", "bidi override removed");
  t.is(byRef.get("hostile.log:5")?.message, HOSTILE.multiline, "newline kept, escaped by JSON");
  const real = records.find((r) => r.raw_ref === "gateway.log:121");
  t.is(real?.tool, "read");
  t.is(real?.target_path, "/etc/passwd");
  t.is(real?.blob, "oclog/alice/capture/gateway.log");
  t.is(real?.line, 121);

  const csvText = readFileSync(files.csv, "utf8");
  t.false(csvText.includes(ESC), "no escape character in the CSV");
  const rows = parseCsv(csvText);
  t.deepEqual(rows[0], [...TIMELINE_COLUMNS]);
  t.is(rows.length - 1, events.length, "one CSV record per event, multi-line messages included");
  const col = (name: string) => TIMELINE_COLUMNS.indexOf(name as (typeof TIMELINE_COLUMNS)[number]);
  const csvByRef = new Map(rows.slice(1).map((r) => [r[col("raw_ref")], r]));
  t.is(csvByRef.get("hostile.log:4")?.[col("message")], `'${HOSTILE.formula}`, "= gets a leading quote");
  t.is(csvByRef.get("hostile.log:4")?.[col("target_command")], "'@SUM(1+1)*cmd|' /C calc'!A0", "@ gets a leading quote");
  t.is(csvByRef.get("hostile.log:3")?.[col("target_command")], "'-rf /", "- gets a leading quote");
  t.is(csvByRef.get("hostile.log:5")?.[col("target_command")], "'+invoicefdp.exe", "+ gets a leading quote");
  t.is(csvByRef.get("hostile.log:5")?.[col("message")], HOSTILE.multiline, "newline inside a quoted field");
  t.is(csvByRef.get("hostile.log:2")?.[col("message")], HOSTILE.img, "text not starting a formula is unchanged");
  for (const row of rows.slice(1)) {
    t.is(row.length, TIMELINE_COLUMNS.length);
    for (const cell of row) t.false(/^[=+\-@\t\r]/.test(cell), `formula start in ${JSON.stringify(cell)}`);
  }
  t.false(readFileSync(files.jsonl, "utf8").includes("\\u001b"), "no escape character in the JSONL");
});

test("timeline: an event that is a session step carries session_step and step_id; a tool result gets its call's step", async (t) => {
  const { connection, data } = await caseP;
  const files = await exportTimeline(connection, data.caseDir);
  const records = readFileSync(files.jsonl, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  const steps = (await connection.runAndReadAll("SELECT session_id, step_no, kind, call_id, blob, line FROM session_steps")).getRowObjectsJson();
  t.true(steps.some((s) => s.kind === "tool"), "the fixture has tool steps");
  for (const step of steps) {
    const id = `${String(step.session_id)}#${Number(step.step_no)}`;
    const own = records.filter((r) => r.blob === step.blob && r.line === Number(step.line) && (r.tool_call_id ?? null) === (step.call_id ?? null));
    t.true(own.length > 0, id);
    for (const r of own) t.deepEqual([r.session_step, r.step_id], [Number(step.step_no), id]);
    if (step.kind === "tool" && step.call_id !== null) {
      const results = records.filter((r) => r.action === "tool.result" && r.tool_call_id === step.call_id && r.session_id === step.session_id);
      t.true(results.length > 0, `a result for ${id}`);
      for (const r of results) t.is(r.step_id, id, "the result carries its call's step");
    }
  }
  t.true(records.some((r) => r.session_step === null && r.step_id === null), "events that are no step have neither");
  // The CSV carries the same step ids, row for row.
  const rows = parseCsv(readFileSync(files.csv, "utf8"));
  const col = TIMELINE_COLUMNS.indexOf("step_id");
  t.deepEqual(rows.slice(1).map((r) => r[col]), records.map((r) => (r.step_id === null ? "" : String(r.step_id))));
});

test("timeline: tool calls that share one assistant line each get their own step, by call id", async (t) => {
  const { connection } = await caseP;
  // One tool step's record copied with another call id on the same blob and line: a second call of
  // the same assistant message, and its step right after the first.
  await connection.run(`CREATE OR REPLACE TEMP TABLE events_two_calls AS
    SELECT * FROM events UNION ALL
    SELECT * REPLACE (struct_update(gen_ai, tool := struct_update(gen_ai.tool, call := struct_update(gen_ai.tool.call, id := 'second-call'))) AS gen_ai)
    FROM events e WHERE EXISTS (SELECT 1 FROM session_steps s WHERE s.kind = 'tool' AND s.blob = e.blob AND s.line = e.line AND s.call_id = e.gen_ai.tool.call.id)
    QUALIFY row_number() OVER (ORDER BY time, blob, line) = 1`);
  await connection.run(`CREATE OR REPLACE TEMP TABLE steps_two_calls AS
    SELECT * FROM session_steps UNION ALL
    SELECT * REPLACE ('second-call' AS call_id, 1000 AS step_no)
    FROM session_steps s WHERE s.kind = 'tool' AND EXISTS (SELECT 1 FROM events_two_calls e WHERE e.gen_ai.tool.call.id = 'second-call' AND e.blob = s.blob AND e.line = s.line)`);
  const rows = (await connection.runAndReadAll(timelineSelectSql("events_two_calls", false, "steps_two_calls"))).getRowObjectsJson();
  const second = rows.find((r) => r.tool_call_id === "second-call")!;
  t.truthy(second);
  const first = rows.find((r) => r.blob === second.blob && r.line === second.line && r.tool_call_id !== "second-call" && r.session_step !== null)!;
  t.truthy(first);
  t.is(Number(second.session_step), 1000);
  t.not(first.step_id, second.step_id);
  const events = Number((await connection.runAndReadAll("SELECT count(*) FROM events_two_calls")).getRows()[0]![0]);
  t.is(rows.length, events, "no event doubled by the joins");
});

test("markdown: hostile log text renders as text (no HTML, no links, no ANSI, tables intact)", async (t) => {
  const { data } = await caseP;
  const md = renderMarkdown(data);
  t.false(md.includes(ESC));
  t.false(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/.test(md), "no control or bidi characters");
  t.false(/(?<!\\)<(script|img|\/script)/i.test(md), "every < of log text is escaped");
  t.false(/(?<!\\)\[[^\]]*(?<!\\)\]\(/.test(md), "no unescaped [text]( sequence");
  t.true(md.includes("\\<img src=x onerror=alert\\(1\\)\\>"), "the markup is there, escaped");
  t.true(md.includes("first line ↵ second \\| line with \\`backticks\\` and \\[a link\\]\\(javascript:alert\\(2\\)\\)"));
  t.true(md.includes("pwned-title") === false, "OSC title payload removed with its escape");
  // Every table row has the same number of unescaped pipes as its header.
  const lines = md.split("\n");
  let expected = -1;
  for (const line of lines) {
    if (!line.startsWith("|")) {
      expected = -1;
      continue;
    }
    const pipes = (line.match(/(?<!\\)\|/g) ?? []).length;
    if (expected === -1) expected = pipes;
    t.is(pipes, expected, line);
  }
  for (const title of data.findings.map((f) => f.detection.title)) t.true(md.includes(escapeMarkdown(cleanText(title))));
  t.regex(md, /## Quarantine[\s\S]*not JSON \| 2/);
  t.regex(md, /## Detection errors[\s\S]*broken\.sql/);
});

test("html: hostile log text is escaped text, nothing links, strict CSP, no script", async (t) => {
  const { data } = await caseP;
  const html = renderHtml(data);
  t.false(html.includes(ESC));
  t.false(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/.test(html), "no control or bidi characters");
  t.false(/<script/i.test(html), "no script element at all");
  t.false(/<img/i.test(html), "no img element");
  t.false(/<a[\s>]/i.test(html), "nothing is linked");
  t.false(/\son[a-z]+\s*=/i.test(html.replace(/&lt;[^<]*?&gt;/g, "")), "no event-handler attribute outside escaped text");
  t.false(/(href|src|action)\s*=/i.test(html.replace(/&lt;[^<]*?&gt;/g, "")), "no URL-bearing attribute");
  t.true(html.includes("&lt;img src=x onerror=alert(1)&gt;"));
  t.true(html.includes("&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;"));
  t.true(html.includes("javascript:alert(document.cookie)"), "the URL is shown as text");
  t.true(
    html.includes(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:;`),
  );
  t.regex(html, /<svg class="timeline"[\s\S]*<rect class="bar"[\s\S]*class="finding-mark"/);
  t.is((html.match(/<details class="finding"/g) ?? []).length, data.findings.length);
  t.false(/https?:\/\//.test(html.replace(/&quot;http:\/\/evil\.example|http:\/\/127\.0\.0\.1:\d+/g, "")), "no URL but the logged ones");
});

test("terminal summary: severities and top findings, no escapes unless colour is asked, then only SGR", async (t) => {
  const { data } = await caseP;
  const plain = renderSummary(data, { color: false });
  t.false(plain.includes(ESC));
  t.false(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(plain));
  t.regex(plain, /Findings: 5 \(1 critical, 2 high, 1 medium, 0 low, 1 informational\)/);
  t.regex(plain, /CRITICAL\s+Agent tried to read a sensitive system file\s+\(5\)/);
  t.regex(plain, /Quarantined: 3 records/);
  t.true(plain.includes(`Report: ${data.caseDir}/report.html`));
  const coloured = renderSummary(data, { color: true });
  t.true(coloured.includes(`${ESC}[`));
  t.deepEqual(coloured.match(/\u001b(?!\[[0-9;]*m)/g), null, "every escape is an SGR colour code");
  // A hostile title: escapes stripped, one line, truncated.
  const hostile: Finding = {
    ...data.findings[0]!,
    detection: { ...data.findings[0]!.detection, severity: "critical", title: `${HOSTILE.ansi}\n${"x".repeat(500)}` },
  };
  const out = renderSummary({ ...data, findings: [hostile] }, { color: false });
  t.false(out.includes(ESC));
  t.false(out.includes("pwned-title"));
  const line = out.split("\n").find((l) => l.includes("RED cleared"))!;
  t.true(line.length < 120, line);
  t.true(line.includes("…"));
});

test("writeReports: the four files, complete, no temporary files left", async (t) => {
  const { connection, data, events } = await caseP;
  const dir = mkdtempSync(join(tmpdir(), "oclog-write-reports-"));
  const paths = await writeReports(connection, data, dir);
  for (const path of [paths.timelineJsonl, paths.timelineCsv, paths.reportMd, paths.reportHtml]) t.true(existsSync(path), path);
  t.is(paths.timelineRows, events.length);
  t.deepEqual(readdirSync(dir).sort(), ["report.html", "report.md", "timeline.csv", "timeline.jsonl"]);
  t.false(readdirSync(dir).some((name) => name.includes(".tmp")));
  t.true(readFileSync(paths.reportHtml, "utf8").trimEnd().endsWith("</html>"));
});

test("empty case: renderers cope with no events and no findings", async (t) => {
  const { data } = await caseP;
  const empty: ReportData = {
    ...data,
    findings: [],
    sources: [],
    quarantineByReason: [],
    detectionErrors: [],
    histogram: { bucketSeconds: 60, buckets: [] },
    counts: { blobs: 0, bytes: 0, records: 0, events: 0, quarantined: 0 },
  };
  t.regex(renderMarkdown(empty), /No detection returned rows/);
  t.regex(renderHtml(empty), /No dated events to chart/);
  t.regex(renderSummary(empty, { color: false }), /Findings: none/);
  t.deepEqual(sortFindings([]), []);
});

test("odd values from the data cannot reach prototypes or markup: category and severity names", async (t) => {
  const { data } = await caseP;
  const odd: ReportData = {
    ...data,
    histogram: {
      ...data.histogram,
      buckets: [...data.histogram.buckets, { start: data.histogram.buckets[0]!.start, category: "constructor", count: 3 }, { start: data.histogram.buckets[0]!.start, category: `<b onmouseover=alert(1)>x</b>`, count: 2 }],
    },
    findings: [...data.findings, { ...data.findings[0]!, detection: { ...data.findings[0]!.detection, severity: "constructor" as never, title: "Odd severity" } }],
  };
  const html = renderHtml(odd);
  t.false(html.includes("function"), "no prototype member leaked into the page");
  t.true(html.includes("&lt;b onmouseover=alert(1)&gt;x&lt;/b&gt;"));
  t.false(html.includes("<b onmouseover"));
  t.regex(html, /<h3>constructor \(1\)<\/h3>/, "a finding with an unknown severity is still shown");
  t.regex(renderMarkdown(odd), /### Constructor \(1\)[\s\S]*Odd severity/);
  const summary = renderSummary(odd, { color: true, top: 10 });
  t.regex(summary, /1 of unrecognized severity/);
  t.false(summary.includes("function"));
  t.regex(summary, /CONSTRUCTOR\s+Odd severity/);
});
