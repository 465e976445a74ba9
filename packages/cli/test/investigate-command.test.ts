// The investigate, sql and case commands through the CLI entry point, against a real Azurite
// holding the demo incident: flags, --json shape, exit codes.
import test from "ava";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDemoIncident, DEMO_FIXTURES, uploadIncident } from "@oclog/test-kit/demo";
import { startAzurite, type Azurite } from "@oclog/test-kit/azurite";
import { runCli } from "./run-cli.js";

let azurite: Azurite;
const caseDir = join(mkdtempSync(join(tmpdir(), "oclog-cli-investigate-")), "case");

test.before(async () => {
  azurite = await startAzurite();
  await uploadIncident(azurite.connectionString, buildDemoIncident(DEMO_FIXTURES));
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
  t.true(summary.findings.some((f: { severity: string }) => f.severity === "high"));
  t.false(stdout.includes("AccountKey"), "no secret in the output");
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
