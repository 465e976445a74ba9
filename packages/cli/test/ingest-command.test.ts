// `oclog ingest`: a real case (the demo, investigated through Azurite) into the Logs Ingestion
// API STAND-IN (no emulator exists; packages/test-kit/src/azure-monitor/logs-ingestion-standin.ts).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import test from "ava";
import { ExitError } from "@oclog/errors";
import { runDemo } from "@oclog/test-kit/demo";
import { ingestCommand, type IngestFlags } from "../src/commands/ingest.js";
import { StandInCredential, startLogsIngestionStandIn, type LogsIngestionStandIn } from "@oclog/test-kit/azure-monitor";
import { runCli } from "./run-cli.js";

const RULE = "dcr-0123456789abcdef0123456789abcdef";
const STREAM = "Custom-OclogEvents_CL";
let caseDir = "";
let standIn: LogsIngestionStandIn;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, output: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) } };
}

test.before(async () => {
  caseDir = join(mkdtempSync(join(tmpdir(), "oclog-ingest-cli-")), "alice-20261201");
  await runDemo({ caseDir, oclogVersion: "test" });
  standIn = await startLogsIngestionStandIn();
  standIn.rules.set(RULE, new Set([STREAM]));
});
test.after.always(async () => standIn?.close());

test("usage errors say what to do next, --help has examples", async (t) => {
  const none = await runCli("ingest", caseDir);
  t.is(none.code, 2);
  t.regex(none.stderr, /--endpoint is required[\s\S]*immutable id/);
  const badRule = await runCli("ingest", caseDir, "--endpoint", "https://127.0.0.1:1", "--rule-id", "my-dcr");
  t.is(badRule.code, 2);
  t.regex(badRule.stderr, /not a DCR immutable id/);
  const http = await runCli("ingest", caseDir, "--endpoint", "http://example.invalid", "--rule-id", RULE);
  t.is(http.code, 2);
  t.regex(http.stderr, /must be https/);
  const help = await runCli("ingest", "--help");
  t.regex(help.stdout, /Monitoring Metrics Publisher[\s\S]*Examples:[\s\S]*--dry-run/);
  const dry = await runCli("ingest", caseDir, "--dry-run", "--ledger", join(mkdtempSync(join(tmpdir(), "l-")), "l.jsonl"));
  t.is(dry.code, 0, dry.stderr);
  t.regex(dry.stdout, /alice, 12 blobs, \d+ events: would send \d+, already sent 0, not sent 0/);
});

test.serial("ingest, then the same case again: sent once, ledger beside the case, JSON result", async (t) => {
  const flags: IngestFlags = { endpoint: standIn.endpoint, ruleId: RULE, concurrency: 2, json: true };
  const caFile = join(mkdtempSync(join(tmpdir(), "ca-")), "ca.pem");
  writeFileSync(caFile, standIn.ca);
  const c = capture();
  await ingestCommand([caseDir, caseDir], { ...flags, caFile }, c.output, { credential: new StandInCredential() });
  const result = JSON.parse(c.out.join("\n")) as { ledger: string; cases: { sent: number; alreadySent: number; events: number }[]; problems: unknown[] };
  t.is(result.ledger, join(dirname(caseDir), "ingest-ledger.jsonl"));
  t.is(result.cases.length, 2);
  t.is(result.cases[0]!.sent, result.cases[0]!.events);
  t.deepEqual([result.cases[1]!.sent, result.cases[1]!.alreadySent], [0, result.cases[0]!.events]);
  t.is(standIn.accepted.get(`${RULE}/${STREAM}`)!.length, result.cases[0]!.events);
  t.is(readFileSync(result.ledger, "utf8").trim().split("\n").length, 12, "one ledger line per blob");
});

test.serial("rows refused: exit 3, where they were kept, and a case folder that is not a case is reported, not fatal", async (t) => {
  const ledger = join(mkdtempSync(join(tmpdir(), "l-")), "l.jsonl");
  standIn.failNext.push({ status: 403, code: "Forbidden", message: "The caller does not have access to the data collection rule." });
  const c = capture();
  const notACase = mkdtempSync(join(tmpdir(), "not-a-case-"));
  const error = await t.throwsAsync(ingestCommand([caseDir, notACase], { endpoint: standIn.endpoint, ruleId: RULE, concurrency: 2, ledger, caFile: writeCa() }, c.output, { credential: new StandInCredential() }));
  t.true(error instanceof ExitError && error.exitCode === 3);
  const out = c.out.join("\n");
  t.regex(out, /not sent: oclog\/alice\/.*HTTP 403/);
  t.regex(out, /kept aside with reasons: .*not-sent-.*\.jsonl/);
  t.regex(c.err.join("\n"), /not-a-case-.*manifest\.json unreadable/);
});

function writeCa(): string {
  const path = join(mkdtempSync(join(tmpdir(), "ca-")), "ca.pem");
  writeFileSync(path, standIn.ca);
  return path;
}
