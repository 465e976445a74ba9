// End-to-end check of the real-OpenClaw harness (run once per CI run): a real
// gateway, a scripted model, real tools, and the artifacts they leave behind.
import test from "ava";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadObservedToolCalls, readJsonLines } from "./outcomes.js";
import { assertAllLinesValid, assertGuardsVisibleInGatewayLog, assertToolCallsRecovered } from "./schema-conformance.js";
import { getCapture } from "./shared-capture.js";
import { Collector } from "@oclog/collect";
import { Emitter } from "@oclog/schema";
import { duplicates, Receiver } from "@oclog/test-kit/fluent-bit";

const CAPTURE_TIMEOUT = 300_000;

interface LogLine {
  message?: string;
  _meta?: { logLevelName?: string; name?: string };
}

test.serial("capture runs end to end and writes every artifact", async (t) => {
  t.timeout(CAPTURE_TIMEOUT);
  const cap = await getCapture();
  const names = readdirSync(cap.outDir).sort();
  for (const f of ["gateway.log", "transcripts.jsonl", "trajectory-runtime.jsonl", "sqlite-event-rows.jsonl", "audit-ledger.jsonl", "config-audit.jsonl", "security-audit.json", "config-validate.json", "scenario.json", "manifest.json"]) {
    t.true(names.includes(f), `${f} missing from ${cap.outDir}`);
  }
  t.log(`capture took ${(cap.durationMs / 1000).toFixed(1)} s; timings ${JSON.stringify(cap.manifest.timingsMs)}`);
  t.is(cap.manifest.openclawVersion, "2026.9.6");
});

test.serial("gateway.log is non-empty JSON lines", async (t) => {
  t.timeout(CAPTURE_TIMEOUT);
  const cap = await getCapture();
  const lines = readFileSync(join(cap.outDir, "gateway.log"), "utf8").split("\n").filter((l) => l.length > 0);
  t.true(lines.length > 20, `only ${lines.length} log lines`);
  lines.forEach((l, i) => t.notThrows(() => JSON.parse(l), `gateway.log line ${i + 1} is not JSON`));
});

test.serial("transcripts hold every scripted tool call with its tool name", async (t) => {
  t.timeout(CAPTURE_TIMEOUT);
  const cap = await getCapture();
  const observed = new Map(loadObservedToolCalls(cap.outDir).map((c) => [c.id, c]));
  for (const exp of cap.expected) {
    const got = observed.get(exp.id);
    if (!got) {
      t.fail(`tool call ${exp.id} not in transcripts`);
      continue;
    }
    t.is(got.name, exp.name, `${exp.id} tool name`);
    t.is(got.result?.toolName, exp.name, `${exp.id} result tool name`);
    t.is(got.outcome, exp.expectedOutcome, `${exp.id}: ${got.result?.text.slice(0, 300) ?? "no result"}`);
  }
});

test.serial("the /etc/passwd read is refused as outside the workspace", async (t) => {
  t.timeout(CAPTURE_TIMEOUT);
  const cap = await getCapture();
  const call = loadObservedToolCalls(cap.outDir).find((c) => c.id === "call_read_passwd");
  t.truthy(call?.result);
  t.true(call?.result?.isError);
  t.regex(call?.result?.text ?? "", /escapes sandbox root/);
  t.notRegex(call?.result?.text ?? "", /root:x:0:0/);
});

test.serial("the failing exec has an error outcome (non-zero exit)", async (t) => {
  t.timeout(CAPTURE_TIMEOUT);
  const cap = await getCapture();
  const call = loadObservedToolCalls(cap.outDir).find((c) => c.id === "call_exec_fail");
  t.is(call?.outcome, "error");
  t.not(call?.result?.details?.exitCode, 0);
  t.regex(call?.result?.text ?? "", /exited with code [1-9]/);
});

test.serial("web_fetch is blocked by the SSRF guard first, then allowed", async (t) => {
  t.timeout(CAPTURE_TIMEOUT);
  const cap = await getCapture();
  const calls = loadObservedToolCalls(cap.outDir);
  const blocked = calls.find((c) => c.id === "call_web_fetch_blocked");
  const allowed = calls.find((c) => c.id === "call_web_fetch_allowed");
  t.is(blocked?.outcome, "blocked");
  t.regex(blocked?.result?.text ?? "", /Blocked hostname or private\/internal/);
  t.is(allowed?.outcome, "ok");
  t.regex(allowed?.result?.text ?? "", /oclog-local-page-7f3a/);
  // Blocked comes first in the transcript order.
  t.true(calls.indexOf(blocked!) < calls.indexOf(allowed!));
});

test.serial("the gateway log records the wrong-token WebSocket auth failure", async (t) => {
  t.timeout(CAPTURE_TIMEOUT);
  const cap = await getCapture();
  const lines = readJsonLines<LogLine>(join(cap.outDir, "gateway.log"));
  const hit = lines.find((l) => typeof l.message === "string" && l.message.startsWith("unauthorized conn=") && l.message.includes("reason=token_mismatch"));
  t.truthy(hit, "no 'unauthorized conn=... reason=token_mismatch' line");
  t.is(hit?._meta?.logLevelName, "WARN");
  t.is(cap.manifest.wsProbe.closed && (cap.manifest.wsProbe.closed as { code: number }).code, 1008);
});

test.serial("audit ledger and config audit have the expected records", async (t) => {
  t.timeout(CAPTURE_TIMEOUT);
  const cap = await getCapture();
  const audit = readJsonLines<Record<string, unknown>>(join(cap.outDir, "audit-ledger.jsonl"));
  const tools = audit.filter((r) => r.kind === "tool_action" && r.action === "tool.action.finished");
  t.is(tools.length, cap.expected.length);
  t.true(tools.some((r) => r.tool_name === "read" && r.status === "failed"));
  const configAudit = readJsonLines<{ event?: string }>(join(cap.outDir, "config-audit.jsonl"));
  t.true(configAudit.some((r) => r.event === "config.write"));
});

test.serial("security audit and config validate JSON parse", async (t) => {
  t.timeout(CAPTURE_TIMEOUT);
  const cap = await getCapture();
  const audit = JSON.parse(readFileSync(join(cap.outDir, "security-audit.json"), "utf8")) as { summary?: unknown; findings?: unknown[] };
  t.truthy(audit.summary);
  t.true(Array.isArray(audit.findings));
  const validate = JSON.parse(readFileSync(join(cap.outDir, "config-validate.json"), "utf8")) as { valid?: boolean };
  t.true(validate.valid);
});

test.serial("no secret or machine path appears in any captured file", async (t) => {
  t.timeout(CAPTURE_TIMEOUT);
  const cap = await getCapture();
  // openclaw-state/ is the unscrubbed database copy for the collector test, never a fixture.
  for (const name of readdirSync(cap.outDir).filter((n) => n !== "openclaw-state")) {
    const text = readFileSync(join(cap.outDir, name), "utf8");
    t.false(text.includes(cap.secrets.gatewayToken), `gateway token in ${name}`);
    t.false(text.includes(cap.secrets.modelApiKey), `model apiKey in ${name}`);
    t.false(text.includes("oclog-openclaw-"), `temp work dir path in ${name}`);
    if (name.endsWith(".jsonl") || name === "gateway.log") {
      text.split("\n").filter((l) => l.length > 0).forEach((l, i) => t.notThrows(() => JSON.parse(l), `${name}:${i + 1} is not JSON`));
    }
  }
});

// @oclog/schema against what the gateway just wrote: a format change in the pinned version
// fails here.
test.serial("every line the real gateway wrote validates with @oclog/schema", async (t) => {
  t.timeout(CAPTURE_TIMEOUT);
  const cap = await getCapture();
  await assertAllLinesValid(t, cap.outDir);
});

test.serial("the normalizer recovers every scripted tool call from the live capture", async (t) => {
  t.timeout(CAPTURE_TIMEOUT);
  const cap = await getCapture();
  assertToolCallsRecovered(t, cap.outDir);
  assertGuardsVisibleInGatewayLog(t, cap.outDir);
});

// `oclog collect` against the databases the real gateway just wrote: every transcript event and
// ledger row the harness dumped arrives at real Fluent Bit's forward input, once, with the tool
// calls' arguments and results.
test.serial("oclog collect ships every transcript event, ledger row and config-audit entry of the real databases", async (t) => {
  t.timeout(CAPTURE_TIMEOUT);
  const cap = await getCapture();
  const stateDir = join(cap.outDir, "openclaw-state");
  const dumped = readFileSync(join(cap.outDir, "sqlite-event-rows.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { table: string; row: { session_id: string; seq: number } });
  const transcriptIds = dumped.filter((r) => r.table === "transcript_events").map((r) => `agents/main/agent/openclaw-agent.sqlite#${r.row.session_id}/${r.row.seq}`);
  const ledgerIds = readFileSync(join(cap.outDir, "audit-ledger.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => (JSON.parse(l) as { event_id: string }).event_id);
  t.true(transcriptIds.length > 10 && ledgerIds.length > 5, "the scenario wrote both stores");

  const receiver = new Receiver(join(cap.outDir, "forward.sock"));
  await receiver.start();
  const emitter = new Emitter({ endpoint: { path: receiver.path } });
  const collector = new Collector({ stateDir, workDir: join(cap.outDir, "collector"), sender: emitter, redactionLiterals: [cap.secrets.gatewayToken, cap.secrets.modelApiKey] });
  try {
    const result = await collector.cycle();
    t.is(result.pending, 0, result.sendError);
    // Stopped, Fluent Bit has written out everything it acknowledged.
    await receiver.stop();
    const configAuditLines = readFileSync(join(cap.outDir, "config-audit.jsonl"), "utf8").split("\n").filter(Boolean).length;
    const byTag = (tag: string) => receiver.entries.filter((e) => e.tag === tag).map((e) => String(e.record.oclog_id));
    t.deepEqual([...byTag("openclaw.transcript"), ...byTag("openclaw.ledger")].sort(), [...transcriptIds, ...ledgerIds].sort());
    t.is(byTag("openclaw.config-audit").length, configAuditLines, "the config audit, kept in diagnostic_events since 2026.9");
    t.is(receiver.entries.length, transcriptIds.length + ledgerIds.length + configAuditLines);
    t.deepEqual(duplicates(receiver.ids()), []);
    t.deepEqual(receiver.entries.filter((e) => "oclog_invalid" in e.record).map((e) => e.record.oclog_invalid), [], "the real rows pass @oclog/schema");
    const shipped = JSON.stringify(receiver.entries.map((e) => e.record));
    for (const call of cap.expected) t.true(shipped.includes(call.id), `tool call ${call.id} (arguments and result) shipped`);
    t.false(shipped.includes(cap.secrets.gatewayToken), "the gateway token never leaves");
  } finally {
    collector.close();
    await emitter.close();
    await receiver.stop();
  }
});
