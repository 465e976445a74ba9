// Each older release of the matrix (test/openclaw/releases.ts) run live as the VM runs the
// newest: a real OpenClaw gateway of that release through the harness's scenario, its file log
// and (before 2026.8) its config-audit file tailed by the checked-in pipeline under real Fluent
// Bit 5.1.1, its stores (SQLite, or before 2026.8 its session files) read by the real `oclog
// collect`, shipped to Azurite; then `oclog investigate` on the container. pipeline-e2e.test.ts
// does the same, in more depth, for the newest release. One run per release, one after the other.
import { join } from "node:path";
import test from "ava";
import { loadDetections } from "@oclog/investigate";
import { OPENCLAW_VERSION } from "../openclaw/install.js";
import { RELEASES } from "../openclaw/releases.js";
import { closeLiveRigs, liveRun, trajectoryLineIdentity } from "./live-gateway-run.js";
import { runOclog } from "./oclog-child.js";

const RUN_TIMEOUT = 900_000;
const OLDER = RELEASES.filter((r) => r.version !== OPENCLAW_VERSION);

test.after.always(closeLiveRigs);

interface Summary {
  records: number;
  quarantined: number;
  findings: { id: string; title: string; severity: string; count: number }[];
}

for (const release of OLDER) {
  test.serial(`OpenClaw ${release.version}: every store row and session line ships once, and investigate loads all of it with the tool calls' arguments and results`, async (t) => {
    t.timeout(RUN_TIMEOUT);
    const run = await liveRun(release.version);
    const counts = new Map<string, number>();
    for (const { record } of run.shipped) if (typeof record.oclog_id === "string") counts.set(record.oclog_id, (counts.get(record.oclog_id) ?? 0) + 1);
    t.log(`${release.version}: ${run.storeIds.length} store rows and session lines, ${run.gatewayLines.length} log lines; collector ${JSON.stringify(run.collected)}`);
    t.true(run.storeIds.length > 20, "the scenario wrote the stores");
    t.deepEqual(run.storeIds.filter((id) => !counts.has(id)), [], "lost");
    t.deepEqual([...counts].filter(([, n]) => n > 1), [], "sent twice");
    // Trajectory lines by what they are: 2026.7 rewrites the file, so a line's offset can change.
    const trajectory = new Map<string, number>();
    for (const { record } of run.shipped) {
      if (record.oclog_source !== "trajectory") continue;
      const line = trajectoryLineIdentity(String(record.oclog_path), record);
      trajectory.set(line, (trajectory.get(line) ?? 0) + 1);
    }
    t.deepEqual(run.trajectoryLines.filter((line) => !trajectory.has(line)), [], "trajectory lines lost");
    t.deepEqual([...trajectory].filter(([, n]) => n > 1), [], "trajectory lines sent twice");
    t.is(run.collected.invalid, 0, "every row and line passes @oclog/schema");
    const bySource = (source: string) => run.shipped.filter(({ record }) => record.oclog_source === source).length;
    if (release.stores.configAudit === "jsonl") t.true(bySource("config-audit") >= 1, "the config-audit file, tailed by the pipeline");
    if (release.stores.ledger !== "none") t.true(bySource("ledger") >= run.toolCalls.length, "the audit ledger");

    const caseDir = join(run.rig.dir, "case");
    const result = await runOclog(["investigate", "--user", "alice", "--case-dir", caseDir, "--json", "--no-progress"], { env: run.rig.oclogEnv, timeoutMs: 300_000 });
    const summary = JSON.parse(result.stdout || "{}") as Summary;
    t.log(`investigate: exit ${result.code}, ${summary.records} records, ${summary.quarantined} quarantined, findings: ${summary.findings?.map((f) => `${f.severity} ${f.title} x${f.count}`).join("; ")}`);
    const reasons = await runOclog(["sql", caseDir, "SELECT reason, count(*) AS n FROM quarantine GROUP BY ALL", "--json"], { env: run.rig.oclogEnv });
    t.is(summary.quarantined, 0, `quarantined: ${reasons.stdout}`);
    t.is(summary.records, run.shipped.length, "every shipped record loaded");
    t.is(result.code, 0, result.stderr.slice(-2000));

    // Each scripted tool call as a session step, with the arguments it was given and its result.
    const steps = await runOclog(["sql", caseDir, "SELECT call_id, tool, arguments, result, status FROM session_steps WHERE call_id IS NOT NULL", "--json"], { env: run.rig.oclogEnv });
    const byCall = new Map(steps.stdout.split("\n").filter(Boolean).map((line) => JSON.parse(line) as { call_id: string; tool: string; arguments: string | null; result: string | null; status: string | null }).map((s) => [s.call_id, s]));
    for (const call of run.toolCalls) {
      const step = byCall.get(call.id);
      t.is(step?.tool, call.name, `${call.id} is a step`);
      t.deepEqual(JSON.parse(step?.arguments ?? "null"), call.arguments, `${call.id}: its arguments`);
      t.truthy(step?.result, `${call.id}: its result`);
    }
    // The refused /etc/passwd read and the loopback fetch the SSRF guard refused, whatever the release.
    const { detections } = await loadDetections();
    const fired = new Set(summary.findings.map((f) => f.id));
    for (const stem of ["sandbox_path_escape_refused", "network_ssrf_guard_block"]) t.true(fired.has(detections.find((d) => d.stem === stem)!.meta.id), `finding ${stem}`);
  });
}
