// `oclog guard` through its command function: exit codes, text and --json, against real Fluent
// Bit 5.1.1's monitoring API (@oclog/test-kit/fluent-bit's ShippingFluentBit: real deliveries, failed
// flushes and records given up on), with an injected clock and a recording stand-in for systemctl.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { ExitError, UsageError } from "@oclog/errors";
import type { CommandRunner } from "@oclog/sas";
import { guardCommand, type GuardCommandOptions } from "../src/commands/guard.js";
import type { Output } from "../src/output.js";
import { SAMPLE_SAS_STATE } from "@oclog/test-kit/sas";
import { ShippingFluentBit } from "@oclog/test-kit/fluent-bit";

const T0 = Date.parse("2026-11-25T08:00:00.000Z");
const at = (minute: number) => new Date(T0 + minute * 60_000);

/** A loopback URL nothing listens on: a server is started, its port noted, and it is closed. */
async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/api/v1/metrics`;
}

const STATE = SAMPLE_SAS_STATE;

function setup(metricsUrl: string, extra: Partial<GuardCommandOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "oclog-cli-guard-"));
  const options: GuardCommandOptions = {
    stateFile: join(dir, "sas-state.json"),
    metricsUrl,
    history: join(dir, "history.json"),
    failingAfterMinutes: 10,
    enforce: "none",
    json: false,
    ...extra,
  };
  writeFileSync(options.stateFile, `${JSON.stringify(STATE, null, 2)}\n`, { mode: 0o644 });
  return options;
}

/** Runs the command at a given minute; returns the exit code it ends with and what it printed. */
async function run(options: GuardCommandOptions, minute: number, runner?: CommandRunner) {
  let stdout = "";
  let stderr = "";
  const output: Output = { out: (text) => (stdout += `${text}\n`), err: (text) => (stderr += `${text}\n`) };
  let code = 0;
  try {
    await guardCommand(options, output, { now: () => at(minute), ...(runner ? { runner } : {}) });
  } catch (error) {
    if (!(error instanceof ExitError)) throw error;
    code = error.exitCode;
  }
  return { code, stdout, stderr };
}

const shippingOf = (options: GuardCommandOptions) => (JSON.parse(readFileSync(options.stateFile, "utf8")) as { shipping: string }).shipping;

test("exit 0 while deliveries go through; --json prints one object with the verdict", async (t) => {
  // 20 records held back until the sink comes up: the first sample sees none delivered, the second all of them.
  const fluentBit = await ShippingFluentBit.start({ retryLimit: "no_limits", sink: "down", samples: 20 });
  t.teardown(() => fluentBit.close());
  const options = setup(fluentBit.metricsUrl, { json: true });
  await fluentBit.counters();
  const baseline = await run(options, 0);
  t.is(baseline.code, 0);
  await fluentBit.sinkUp();
  await fluentBit.waitFor("all 20 records delivered", (ship) => ship.proc_records === 20);
  const ok = await run(options, 1);
  t.is(ok.code, 0, ok.stderr);
  const report = JSON.parse(ok.stdout) as Record<string, unknown>;
  t.like(report, { shipping: "ok", previous: "unknown", metrics: "ok", state: "written", state_file: options.stateFile, exit_code: 0, checked_at: at(1).toISOString() });
  t.like(report.outputs, { ship: { progress: true, delta: { proc_records: 20 } } });
  t.is(ok.stdout.trim().split("\n").length, 1);
  t.is(shippingOf(options), "ok");

  const text = await run({ ...options, json: false }, 2);
  t.is(text.code, 0);
  t.regex(text.stdout, /^shipping ok: ship idle: nothing to deliver, no errors \(.*sas-state\.json updated\)$/m);
});

test("exit 1 when it marks shipping failing (records dropped), with the reason in text and JSON", async (t) => {
  // Every flush fails and is not retried: Fluent Bit gives its records up.
  const fluentBit = await ShippingFluentBit.start({ retryLimit: "no_retries", sink: "down" });
  t.teardown(() => fluentBit.close());
  const options = setup(fluentBit.metricsUrl);
  await fluentBit.counters();
  await run(options, 0);
  const seen = await fluentBit.counters();
  await fluentBit.waitFor("a record given up on after the first sample", (ship) => ship.dropped_records > seen.dropped_records);
  const failing = await run(options, 1);
  t.is(failing.code, 1);
  t.regex(failing.stdout, /^shipping failing: ship lost records: dropped_records \+\d+/m);
  t.is(shippingOf(options), "failing");
  const json = await run({ ...options, json: true }, 2);
  t.is(json.code, 1, "still failing: no delivery since");
  t.like(JSON.parse(json.stdout), { shipping: "failing", previous: "failing", exit_code: 1 });
});

test("exit 3 when the metrics cannot be read (state left as it was) or the state file is missing", async (t) => {
  const unreachable = setup(await closedUrl(), { json: true });
  const before = readFileSync(unreachable.stateFile, "utf8");
  const down = await run(unreachable, 0);
  t.is(down.code, 3);
  t.like(JSON.parse(down.stdout), { metrics: "unreadable", state: "kept", shipping: "unknown", exit_code: 3 });
  t.regex((JSON.parse(down.stdout) as { reason: string }).reason, /ECONNREFUSED/);
  t.is(readFileSync(unreachable.stateFile, "utf8"), before);
  const text = await run({ ...unreachable, json: false }, 1);
  t.is(text.code, 3);
  t.regex(text.stderr, /hint: check that Fluent Bit runs with http_server on/);

  const fluentBit = await ShippingFluentBit.start({ retryLimit: "no_limits", sink: "up" });
  t.teardown(() => fluentBit.close());
  const missing = setup(fluentBit.metricsUrl);
  missing.stateFile = join(missing.stateFile, "..", "nope.json");
  const noState = await run(missing, 0);
  t.is(noState.code, 3);
  t.regex(noState.stderr, /oclog: .*nope\.json does not exist\nhint: `oclog sas install` writes the state file/);
});

test("--enforce stop-gateway runs systemctl stop once when shipping turns failing (recording stand-in)", async (t) => {
  // The sink never comes up: every flush fails and is retried, and nothing is ever delivered.
  const fluentBit = await ShippingFluentBit.start({ retryLimit: "no_limits", sink: "down" });
  t.teardown(() => fluentBit.close());
  const calls: string[][] = [];
  const systemctl: CommandRunner = async (command, args) => (calls.push([command, ...args]), { code: 0, stderr: "" });
  const options = setup(fluentBit.metricsUrl, { enforce: "stop-gateway", failingAfterMinutes: 2 });
  // Every run's output, so a failure says what each minute saw (CI keeps only the assertion).
  const seen: string[] = [];
  const sample = async (minute: number) => {
    const result = await run(options, minute, systemctl);
    seen.push(`minute ${minute}: exit ${result.code}: ${(result.stdout + result.stderr).trim()}`);
    return result;
  };
  // Each sample after the baseline waits for a retry Fluent Bit made since the sample before, so
  // each interval the guard judges holds one, however Fluent Bit's 1 s snapshots fall.
  const afterARetry = async () => {
    const before = await fluentBit.counters();
    // A flush that cannot connect is retried: Fluent Bit 5.1.1 counts it in `retries`, not in `errors`.
    await fluentBit.waitFor("a retried flush after the last sample", (ship) => ship.retries > before.retries);
  };
  await fluentBit.counters();
  const baseline = await sample(0);
  t.is(baseline.code, 0, seen.join("\n"));
  t.regex(baseline.stdout, /ship: first sample, new baseline/, seen.join("\n"));
  await afterARetry();
  t.is((await sample(1)).code, 0, `stalled for 0 min\n${seen.join("\n")}`);
  await afterARetry();
  t.is((await sample(2)).code, 0, `stalled for 1 min\n${seen.join("\n")}`);
  await afterARetry();
  const stopped = await sample(3);
  t.is(stopped.code, 1, seen.join("\n"));
  t.regex(stopped.stdout, /^stopped openclaw\.service: shipping turned failing$/m, seen.join("\n"));
  t.is((await sample(4)).code, 1, seen.join("\n"));
  t.deepEqual(calls, [["systemctl", "stop", "openclaw.service"]], seen.join("\n"));
});

test("bad option values are usage errors (exit 2)", async (t) => {
  const options = setup("http://127.0.0.1:9/api/v1/metrics");
  const output: Output = { out: () => undefined, err: () => undefined };
  for (const bad of [{ enforce: "kill-all" }, { failingAfterMinutes: 0 }, { failingAfterMinutes: 1.5 }, { failingAfter: "ten" }, { failingAfter: "0s" }, { failingAfter: "30s", failingAfterMinutes: 10 }, { metricsUrl: "not a url" }, { metricsUrl: "file:///etc/passwd" }]) {
    const error = await t.throwsAsync(guardCommand({ ...options, ...bad }, output), { instanceOf: UsageError }, JSON.stringify(bad));
    t.is(error?.exitCode, 2);
  }
});
