// The investigate, sql and case commands through the CLI entry point, against a real Azurite
// holding the demo incident: flags, --json shape and its evidence references, exit codes.
import test from "ava";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { DEFAULT_ROW_LIMIT, evidencePathFor } from "@oclog/investigate";
import { blobNameV5, buildDemoIncident, DEMO_FIXTURES, shippedRecord, uploadIncident, type DemoIncident } from "@oclog/test-kit/demo";
import { startAzurite, type Azurite } from "@oclog/test-kit/azurite";
import { runCli } from "./run-cli.js";

let azurite: Azurite;
const caseDir = join(mkdtempSync(join(tmpdir(), "oclog-cli-investigate-")), "case");
const demo = buildDemoIncident(DEMO_FIXTURES);

// More secret reads than a finding keeps as evidence (the runner's 50, as report.html shows).
const BOB_READS = 60;
// A C1 control sequence (CSI) in an agent-chosen call id: it must come back in --json unchanged.
const HOSTILE_CALL = "call_bob_\u009b31m_0";

/** bob's container: one session whose agent reads an SSH key BOB_READS times, one blob. */
function secretReadsIncident(): DemoIncident {
  const sessionId = "7c1e9a52-3f0b-4d2e-8a61-5b9d0c4e2f17";
  const path = `/var/lib/oclog/transcripts/session-${sessionId}.jsonl`;
  const start = Date.parse("2026-11-25T10:00:00.000Z");
  const entries: { timeMs: number; entry: Record<string, unknown> }[] = [
    { timeMs: start, entry: { type: "session", version: 4, id: sessionId, timestamp: new Date(start).toISOString(), cwd: "/home/bob/.openclaw/workspace" } },
  ];
  let parentId: string | null = null;
  for (let i = 0; i < BOB_READS; i++) {
    const timeMs = start + (i + 1) * 1_000;
    const id = `e${i}`;
    const callId = i === 0 ? HOSTILE_CALL : `call_bob_${i}`;
    entries.push({
      timeMs,
      entry: {
        type: "message", id, parentId, timestamp: new Date(timeMs).toISOString(),
        message: {
          role: "assistant", api: "openai-completions", provider: "openai", model: "gpt-5.2", stopReason: "toolUse", timestamp: timeMs,
          content: [{ type: "toolCall", id: callId, name: "read", arguments: { path: "/home/bob/.ssh/id_ed25519" } }],
        },
      },
    });
    parentId = id;
  }
  const text = entries.map(({ timeMs, entry }) => shippedRecord(JSON.stringify(entry), timeMs, { user: "bob", host: "vm-bob", source: "transcript", path })).join("\n");
  const blob = { name: blobNameV5("bob", "openclaw.transcript", start + BOB_READS * 1_000 + 3_000), content: gzipSync(`${text}\n`), records: entries.length };
  return { user: "bob", container: "oclog-bob", blobs: [blob], injection: { pageUrl: "", exfilUrl: "", keyPath: "", sessionId } };
}

interface EvidenceRef { time: string | null; session_id: string | null; call_id: string | null; blob: string | null; line: number | null; step: number | null }
interface JsonFinding { id: string; severity: string; title: string; count: number; evidence: EvidenceRef[]; evidence_total: number }

/** Every string anywhere in a parsed record. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

test.before(async () => {
  azurite = await startAzurite();
  await uploadIncident(azurite.connectionString, demo);
  await uploadIncident(azurite.connectionString, secretReadsIncident());
  // Credentials reach the CLI through the environment, as they should in real use.
  process.env.AZURE_STORAGE_CONNECTION_STRING = azurite.connectionString;
});
test.after.always(async () => {
  delete process.env.AZURE_STORAGE_CONNECTION_STRING;
  await azurite?.stop();
});

test.serial("investigate --json --fail-on high: the summary object, exit 1 for high findings", async (t) => {
  const { code, stdout } = await runCli("investigate", "--user", "alice", "--case-dir", caseDir, "--json", "--fail-on", "high");
  t.is(code, 1);
  const summary = JSON.parse(stdout) as Record<string, any>;
  for (const key of ["case_dir", "blobs", "bytes", "records", "quarantined", "findings"]) t.true(key in summary, key);
  t.is(summary.case_dir, caseDir);
  t.is(summary.quarantined, 0);
  t.deepEqual(Object.keys(summary.seconds).sort(), ["analyse", "download", "load"]);
  t.true(summary.seconds.load > 0, "stage timings are measured, not placeholders");
  // The demo's blobs are Fluent Bit's, clean: whatever this run loaded went by the typed fast path.
  t.true(["rebuilt", "appended", "reused"].includes(summary.load.mode), JSON.stringify(summary.load));
  t.is(summary.load.files_read_typed, summary.load.files_loaded, JSON.stringify(summary.load));
  t.is(summary.load.files_measured, 0, "every file's lines are known from its download or from custody");
  t.true(summary.findings.some((f: { severity: string }) => f.severity === "high"));
  t.false(stdout.includes("AccountKey"), "no secret in the output");
});

test.serial("investigate --json: each finding's evidence points at the record in the case that fired it", async (t) => {
  const { code, stdout } = await runCli("investigate", "--user", "alice", "--case-dir", caseDir, "--json");
  t.is(code, 0);
  const summary = JSON.parse(stdout) as { findings: JsonFinding[]; peak_rss_mb: Record<string, number>; story: string | null };
  const findings = summary.findings;
  // Per-stage peak memory: the process's peak so far, so it never falls from stage to stage.
  const rss = ["download", "load", "analyse"].map((stage) => summary.peak_rss_mb[stage]!);
  t.true(rss.every((mb, i) => Number.isInteger(mb) && mb > 0 && (i === 0 || mb >= rss[i - 1]!)), JSON.stringify(summary.peak_rss_mb));
  t.regex(summary.story ?? "", /^HIGH: /);
  for (const f of findings) {
    t.true(Array.isArray(f.evidence) && f.evidence.length > 0, f.title);
    t.is(f.evidence_total, f.count, f.title);
    t.true(f.evidence_total >= f.evidence.length, f.title);
    for (const ref of f.evidence) {
      t.deepEqual(Object.keys(ref), ["time", "session_id", "call_id", "blob", "line", "step"], f.title);
      t.is(typeof ref.blob, "string", f.title);
      t.true(Number.isInteger(ref.line) && ref.line! >= 1, f.title);
    }
  }
  // The demo's injection: the key read and the exfiltration, each located in its evidence file.
  const fileLines = new Map<string, string[]>();
  const recordAt = (blob: string, line: number): unknown => {
    if (!fileLines.has(blob)) {
      const bytes = readFileSync(join(caseDir, evidencePathFor(blob)));
      fileLines.set(blob, (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString("utf8").split("\n"));
    }
    const text = fileLines.get(blob)![line - 1];
    return text === undefined ? undefined : JSON.parse(text);
  };
  // Found by the step, not the rule's title: whichever high rules fire on the key read and the
  // exfiltration, their evidence must name that step.
  for (const callId of ["call_demo_read_key", "call_demo_exfil"]) {
    const finding = findings.find((f) => f.severity === "high" && f.evidence.some((r) => r.call_id === callId));
    if (!finding) return t.fail(`no high finding has evidence for ${callId}: ${JSON.stringify(findings.map((f) => [f.title, f.evidence]))}`);
    const ref = finding.evidence.find((r) => r.call_id === callId)!;
    const title = `${finding.title} / ${callId}`;
    t.is(ref.session_id, demo.injection.sessionId, title);
    t.regex(ref.time ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/, title);
    const record = recordAt(ref.blob!, ref.line!);
    t.truthy(record, `${ref.blob}:${ref.line} is a line of the case's evidence file`);
    const carried = strings(record);
    t.true(carried.includes(callId), `${title}: the record at ${ref.blob}:${ref.line} carries ${callId}`);
    // The call's result carries the same call id one line on: the time tells the step itself.
    t.true(carried.includes(ref.time!), `${title}: the record at ${ref.blob}:${ref.line} is stamped ${ref.time}`);
    t.true(carried.some((s) => s.includes(ref.session_id!)), `${title}: the record at ${ref.blob}:${ref.line} belongs to session ${ref.session_id}`);
    // And the step it is pinned to is that call in `oclog session`.
    t.true(Number.isInteger(ref.step) && ref.step! >= 1, `${title}: pinned to a step`);
    const replay = await runCli("session", caseDir, ref.session_id!, "--json");
    const step = (JSON.parse(replay.stdout) as { steps: { stepNo: number; callId: string | null }[] }).steps.find((s) => s.stepNo === ref.step);
    t.is(step?.callId, callId, `${title}: step ${ref.step} is the call`);
  }
});

test.serial("investigate --json: a finding with more rows than the report keeps says its evidence was cut", async (t) => {
  const bobCase = join(mkdtempSync(join(tmpdir(), "oclog-cli-investigate-bob-")), "case");
  const { code, stdout } = await runCli("investigate", "--user", "bob", "--case-dir", bobCase, "--json");
  t.is(code, 0, stdout);
  // The agent-chosen C1 bytes never reach the terminal raw, and come back from the JSON as written.
  t.notRegex(stdout, /[\u0080-\u009f\u001b]/);
  const findings = (JSON.parse(stdout) as { findings: JsonFinding[] }).findings;
  // The secret-material rule, found by its evidence rather than its title.
  const secret = findings.find((f) => f.severity === "high" && f.evidence.some((r) => r.call_id === "call_bob_1"));
  if (!secret) return t.fail(JSON.stringify(findings.map((f) => [f.title, f.count])));
  t.is(secret.count, BOB_READS);
  t.is(secret.evidence_total, BOB_READS);
  t.is(secret.evidence.length, DEFAULT_ROW_LIMIT, "bounded by the runner's row limit, as report.html is");
  t.true(secret.evidence.length < secret.evidence_total, "a consumer can tell the list was cut");
  // The rule's order (time, blob, line): the first reads, in order, the hostile id unchanged.
  t.deepEqual(secret.evidence.map((r) => r.call_id), [HOSTILE_CALL, ...Array.from({ length: 49 }, (_, i) => `call_bob_${i + 1}`)]);
  t.deepEqual(secret.evidence.map((r) => r.line), Array.from({ length: DEFAULT_ROW_LIMIT }, (_, i) => i + 2));
  t.true(secret.evidence.every((r) => r.session_id === "7c1e9a52-3f0b-4d2e-8a61-5b9d0c4e2f17"));
});

test.serial("without --fail-on and nothing quarantined the exit code is 0; text output is terminal-safe", async (t) => {
  const { code, stdout } = await runCli("investigate", "--user", "alice", "--case-dir", caseDir, "--no-progress");
  t.is(code, 0);
  t.regex(stdout, /report\.html/);
  t.regex(stdout, /0 downloaded, 12 already in the case/);
  t.notRegex(stdout, /\u001b\]|<script>/);
});

test.serial("sql answers questions about the case, read-only", async (t) => {
  const { code, stdout } = await runCli("sql", caseDir, "SELECT count(*) AS n FROM events WHERE gen_ai.tool.name = 'exec'", "--json");
  t.is(code, 0);
  t.true((JSON.parse(stdout.trim()) as { n: number }).n >= 1);
  const write = await runCli("sql", caseDir, "DELETE FROM events");
  t.is(write.code, 2);
  t.regex(write.stderr, /read-only|Cannot execute/i);
});

test.serial("case verify: intact exits 0", async (t) => {
  const { code, stdout } = await runCli("case", "verify", caseDir);
  t.is(code, 0);
  t.regex(stdout, /intact \(12 evidence files/);
});

test.serial("usage errors exit 2 before touching storage", async (t) => {
  const hostile = await runCli("investigate", "--user", "../etc");
  t.is(hostile.code, 2);
  const since = await runCli("investigate", "--user", "alice", "--since", "yesterday-ish");
  t.is(since.code, 2);
  t.regex(since.stderr, /--since/);
  const severity = await runCli("investigate", "--user", "alice", "--fail-on", "scary");
  t.is(severity.code, 2);
});
