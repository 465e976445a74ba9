// Every release of the matrix (test/openclaw/releases.ts) loaded into a case from what the real
// release wrote (test/fixtures/openclaw-<version>/): nothing quarantined, each scripted tool call
// an event with its arguments and its result, normalized alike whatever release wrote it, and an
// error OpenClaw 2026.6/2026.7 wrote twice (console and logger) counted once. And lines of a
// shape no release writes, counted in the report.
import test from "ava";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import { messageTemplate, messageTemplateSql } from "@oclog/schema";
import { CaseDatabase, type EvidenceFile } from "../src/load/case-database.js";
import { collectReportData } from "../src/reports/report-data.js";
import { renderHtml } from "../src/reports/report-html.js";
import { renderMarkdown } from "../src/reports/report-markdown.js";

const RELEASES = ["2026.6.35", "2026.7.35", "2026.8.2", "2026.9.6"];
const FILES = ["gateway.log", "transcripts.jsonl", "trajectory.jsonl", "trajectory-runtime.jsonl", "audit-ledger.jsonl", "config-audit.jsonl"];
const fixtures = (version: string) => fileURLToPath(new URL(`../../../test/fixtures/openclaw-${version}/`, import.meta.url));

interface ScenarioCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

interface Loaded {
  quarantined: number;
  records: number;
  /** Per scripted call id: the tool.call event's tool and arguments, and its result's outcome. */
  calls: Map<string, { tool: string; arguments: unknown; outcome: string | null }>;
  /** tool.failure events of the refused /etc/passwd read, from the gateway log. */
  refusedReads: number;
  /** Gateway log lines that are a console write of the logger's next line. */
  gatewayLines: number;
  gatewayEvents: number;
}

async function load(version: string): Promise<Loaded> {
  const dir = fixtures(version);
  const evidence: EvidenceFile[] = FILES.filter((f) => existsSync(join(dir, f)) && readFileSync(join(dir, f)).length > 0).map((f) => ({ blob: `openclaw-${version}/${f}`, path: join(dir, f) }));
  const db = await CaseDatabase.open(":memory:");
  try {
    const result = await db.load(evidence, { maxLineBytes: 4 << 20, workDir: mkdtempSync(join(tmpdir(), "oclog-release-fixtures-")) });
    const rows = async (sql: string) => (await db.connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
    const calls = new Map(
      (await rows(`SELECT c.gen_ai.tool.call.id AS id, c.gen_ai.tool.name AS tool, c.gen_ai.tool.call.arguments AS arguments,
          (SELECT min(r.outcome) FROM events r WHERE r.action = 'tool.result' AND r.gen_ai.tool.call.id = c.gen_ai.tool.call.id AND r.source = 'transcript') AS outcome
        FROM events c WHERE c.action = 'tool.call' AND c.source = 'transcript'`)).map((r) => [String(r.id), { tool: String(r.tool), arguments: JSON.parse(String(r.arguments)) as unknown, outcome: r.outcome === null ? null : String(r.outcome) }]),
    );
    const [refused] = await rows(`SELECT count(*)::INTEGER AS n FROM events WHERE source = 'gateway-log' AND action = 'tool.failure' AND gen_ai.tool.name = 'read' AND contains(message, '/etc/passwd')`);
    const [gateway] = await rows(`SELECT (SELECT count(*) FROM records WHERE source = 'gateway-log')::INTEGER AS lines, (SELECT count(*) FROM events WHERE source = 'gateway-log')::INTEGER AS events`);
    return { quarantined: result.quarantined, records: result.records, calls, refusedReads: Number(refused!.n), gatewayLines: Number(gateway!.lines), gatewayEvents: Number(gateway!.events) };
  } finally {
    db.close();
  }
}

const loaded = new Map<string, Promise<Loaded>>();
const loadOnce = (version: string) => {
  if (!loaded.has(version)) loaded.set(version, load(version));
  return loaded.get(version)!;
};

for (const version of RELEASES) {
  test(`${version}: every record loads, each scripted tool call is an event with its arguments and result, the refused read counts once`, async (t) => {
    const got = await loadOnce(version);
    t.is(got.quarantined, 0);
    t.true(got.records > 100);
    const scenario = JSON.parse(readFileSync(join(fixtures(version), "scenario.json"), "utf8")) as { toolCalls: (ScenarioCall & { expectedOutcome: string })[] };
    const outcomeOf: Record<string, string> = { ok: "success", error: "failure", blocked: "blocked" };
    for (const call of scenario.toolCalls) {
      const event = got.calls.get(call.id);
      t.is(event?.tool, call.name, `${call.id}: tool`);
      t.deepEqual(event?.arguments, call.arguments, `${call.id}: arguments`);
      t.is(event?.outcome, outcomeOf[call.expectedOutcome], `${call.id}: result`);
    }
    t.is(got.refusedReads, 1, "the refused /etc/passwd read is one gateway-log event, however many lines say it");
  });
}

test("a tool call normalizes alike whatever release wrote it (the page's port aside)", async (t) => {
  const shape = (l: Loaded) => Object.fromEntries([...l.calls].filter(([id]) => id.startsWith("call_")).map(([id, c]) => [id, { tool: c.tool, arguments: JSON.stringify(c.arguments).replace(/:\d+\//, ":<port>/") }]));
  const newest = shape(await loadOnce("2026.9.6"));
  for (const version of RELEASES.slice(0, -1)) t.deepEqual(shape(await loadOnce(version)), newest, version);
});

test("the console's copy of an error 2026.6 and 2026.7 also log through the logger stays a record but is no event", async (t) => {
  for (const version of ["2026.6.35", "2026.7.35"]) {
    const got = await loadOnce(version);
    // Every line is a record; two of them (the read and the fetch refused) are mirrors, not events.
    const lines = readFileSync(join(fixtures(version), "gateway.log"), "utf8").split("\n").filter(Boolean).length;
    t.is(got.gatewayLines, lines, `${version}: every line kept`);
    t.true(got.gatewayEvents <= lines - 2, `${version}: ${got.gatewayEvents} events of ${lines} lines`);
  }
});

test("gateway log lines of the generic shape are counted per template in the report's sources section, as inert text", async (t) => {
  const base = JSON.parse(readFileSync(join(fixtures("2026.9.6"), "gateway.log"), "utf8").split("\n")[0]!) as Record<string, unknown>;
  // Three arguments after the binding, none an object: no layout of 2026.9's fits, so only the generic one does.
  const generic = (session: number) => JSON.stringify({ ...base, "0": '{"subsystem":"gateway/future"}', "1": `session ${session} resumed`, "2": "<b>new</b>", "3": "extra", message: `session ${session} resumed <b>new</b> extra` });
  const dir = mkdtempSync(join(tmpdir(), "oclog-generic-shapes-"));
  const path = join(dir, "gateway.log");
  writeFileSync(path, [...readFileSync(join(fixtures("2026.9.6"), "gateway.log"), "utf8").split("\n").filter(Boolean).slice(0, 20), generic(1), generic(22), generic(333)].join("\n") + "\n");
  const db = await CaseDatabase.open(":memory:");
  try {
    const result = await db.load([{ blob: "future/gateway.log", path }], { maxLineBytes: 4 << 20, workDir: dir });
    t.is(result.quarantined, 0, "valid: kept, not set aside");
    const data = await collectReportData(db.connection, { caseId: "c", caseDir: dir, user: "alice", container: "oclog-alice", generatedAt: new Date(0).toISOString(), oclogVersion: "test", window: { since: null, until: null, tz: "UTC" }, counts: { blobs: 1, bytes: 0, records: 23, events: 23, quarantined: 0 }, quarantineByReason: [], findings: [], detectionErrors: [] });
    t.deepEqual(data.genericShapes, { lines: 3, shapes: [{ subsystem: "gateway/future", template: "session <n> resumed <b>new</b> extra", lines: 3 }], shapesOmitted: 0 });
    t.regex(renderMarkdown(data), /3 gateway log lines validated only as the generic shape[^]*\| 3 \| gateway\/future \| session \\<n\\> resumed \\<b\\>new/);
    const html = renderHtml(data);
    t.regex(html, /session &lt;n&gt; resumed &lt;b&gt;new&lt;\/b&gt; extra/);
    t.notRegex(html, /<b>new<\/b>/);
  } finally {
    db.close();
  }
});

test("the SQL message template is the TypeScript one, on every message of every release's gateway log", async (t) => {
  const messages = RELEASES.flatMap((version) =>
    readFileSync(join(fixtures(version), "gateway.log"), "utf8").split("\n").filter(Boolean).map((line) => String((JSON.parse(line) as { message?: unknown }).message ?? "")),
  );
  messages.push('fetch https://a.example/x?y=1 for run 0b9a1c2d3e4f took 12.5s: "slow" path=/etc/passwd ~/notes', "  tabs\tand\nnewlines  ", "ünïcode ✓ 42");
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run("CREATE TABLE m (i INTEGER, message VARCHAR)");
    const appender = await connection.createAppender("m");
    messages.forEach((message, i) => {
      appender.appendInteger(i);
      appender.appendVarchar(message);
      appender.endRow();
    });
    appender.closeSync();
    const rows = (await connection.runAndReadAll(`SELECT i, ${messageTemplateSql("message")} AS template FROM m ORDER BY i`)).getRowObjectsJson();
    const differ = rows.filter((r) => r.template !== messageTemplate(messages[Number(r.i)]!)).map((r) => ({ message: messages[Number(r.i)], sql: r.template, ts: messageTemplate(messages[Number(r.i)]!) }));
    t.deepEqual(differ.slice(0, 3), [], `${differ.length} of ${messages.length} differ`);
    t.true(messages.length > 1000);
  } finally {
    connection.closeSync();
  }
});
