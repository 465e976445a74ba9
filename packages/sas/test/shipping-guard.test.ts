// The shipping guard: the pure decision rules, then whole runs against real Fluent Bit 5.1.1's
// monitoring API (@oclog/test-kit/fluent-bit's ShippingFluentBit: real deliveries, failed flushes and records given up on,
// to a sink the test opens and closes), with an injected clock and a recording stand-in for
// systemctl. Between two runs the test waits (polling, with a deadline) until Fluent Bit's
// metrics show what the next verdict is about.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { SAMPLE_SAS_STATE } from "@oclog/test-kit/sas";
import { ShippingFluentBit } from "@oclog/test-kit/fluent-bit";
import {
  emptyGuardHistory,
  execRunner,
  judgeShipping,
  parseFluentBitMetrics,
  readStateFile,
  replaceStateFile,
  runShippingGuard,
  SasState,
  type CommandRunner,
  type GuardHistory,
  type GuardOptions,
  type MetricsReading,
  type OutputCounters,
  type ShippingStatus,
} from "@oclog/sas";

const MIN = 60_000;
const T0 = Date.parse("2026-11-25T08:00:00.000Z");
const at = (minute: number) => new Date(T0 + minute * MIN);

function counters(partial: Partial<OutputCounters>): OutputCounters {
  return { proc_records: 0, proc_bytes: 0, errors: 0, retries: 0, retries_failed: 0, dropped_records: 0, retried_records: 0, ...partial };
}

/** A recording stand-in for systemctl: never runs anything. */
function fakeSystemctl(): { runner: CommandRunner; calls: string[][] } {
  const calls: string[][] = [];
  return { calls, runner: async (command, args) => (calls.push([command, ...args]), { code: 0, stderr: "" }) };
}

const STATE = SAMPLE_SAS_STATE;

function scenario(metricsUrl: string, extra: Partial<GuardOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "oclog-guard-"));
  const options: GuardOptions = {
    statePath: join(dir, "sas-state.json"),
    metricsUrl,
    historyPath: join(dir, "lib", "history.json"),
    failingAfterMs: 10 * MIN,
    enforce: "none",
    ...extra,
  };
  writeFileSync(options.statePath, `${JSON.stringify(STATE, null, 2)}\n`, { mode: 0o644 });
  const state = () => SasState.parse(JSON.parse(readFileSync(options.statePath, "utf8")));
  const run = (minute: number, runner?: CommandRunner) => runShippingGuard(options, { now: () => at(minute), ...(runner ? { runner } : {}) });
  return { dir, options, state, run };
}

// ---------------------------------------------------------------------------------------------
// The pure core: judgeShipping over a sequence of readings.

/** Feeds readings minute by minute and returns each judgement (previous = the last verdict, as the state file would hold it). */
function replay(steps: Array<[minute: number, reading: MetricsReading]>, options: { previous?: ShippingStatus; failingAfterMinutes?: number } = {}) {
  let history: GuardHistory = emptyGuardHistory();
  let previous: ShippingStatus = options.previous ?? "unknown";
  return steps.map(([minute, reading]) => {
    const judgement = judgeShipping({ history, reading, previous, now: at(minute), failingAfterMs: (options.failingAfterMinutes ?? 10) * MIN });
    history = judgement.history;
    if (judgement.publish) previous = judgement.shipping;
    return judgement;
  });
}
const ship = (partial: Partial<OutputCounters>): MetricsReading => ({ ok: true, outputs: { ship: counters(partial) } });
const down: MetricsReading = { ok: false, error: "connect ECONNREFUSED 127.0.0.1:2020" };

test("core: a first sample is a baseline that keeps the state's value; deliveries then make it ok", (t) => {
  const [first, second, idle] = replay([
    [0, ship({ proc_records: 100, proc_bytes: 9000 })],
    [1, ship({ proc_records: 160, proc_bytes: 14000 })],
    [2, ship({ proc_records: 160, proc_bytes: 14000 })],
  ]);
  t.is(first!.shipping, "unknown");
  t.true(first!.outputs.ship!.baseline);
  t.is(second!.shipping, "ok");
  t.regex(second!.reason, /ship delivered 60 record\(s\)/);
  t.is(idle!.shipping, "ok", "idle (nothing to send, no errors) is ok");
  t.regex(idle!.reason, /idle/);
});

test("core: errors and retries without deliveries are ok for less than N minutes, failing at N", (t) => {
  const steps: Array<[number, MetricsReading]> = [[0, ship({ proc_records: 100 })], [1, ship({ proc_records: 120 })]];
  // From minute 2 on: errors and retries grow, proc_records stays at 120 (the sample at minute 2 first sees it).
  for (let minute = 2; minute <= 12; minute++) steps.push([minute, ship({ proc_records: 120, errors: minute - 1, retries: minute - 1, retried_records: 10 * (minute - 1) })]);
  const judgements = replay(steps);
  for (let minute = 2; minute <= 11; minute++) {
    t.is(judgements[minute]!.shipping, "ok", `minute ${minute}: stalled ${minute - 2} min < 10`);
    t.is(judgements[minute]!.outputs.ship!.stalledSince, at(2).toISOString());
  }
  const failing = judgements[12]!;
  t.is(failing.shipping, "failing");
  t.true(failing.turnedFailing);
  t.regex(failing.reason, /^ship delivered nothing for 10 min while failing to send \(since 2026-11-25T08:02:00\.000Z\)/);
});

test("core: a retry backoff with no new errors keeps the stall running; with a shorter N it fails sooner", (t) => {
  const judgements = replay(
    [
      [0, ship({ proc_records: 50 })],
      [1, ship({ proc_records: 50, errors: 1, retries: 1 })],
      [2, ship({ proc_records: 50, errors: 1, retries: 1 })], // chunk waits for its retry: no new counters
      [4, ship({ proc_records: 50, errors: 1, retries: 1 })],
    ],
    { failingAfterMinutes: 3 },
  );
  t.is(judgements[2]!.shipping, "ok");
  t.is(judgements[3]!.shipping, "failing", "3 min since the stall began at minute 1");
});

test("core: dropped_records or retries_failed going up fails at once", (t) => {
  const dropped = replay([
    [0, ship({ proc_records: 10 })],
    [1, ship({ proc_records: 30, dropped_records: 5, retries_failed: 1 })],
  ]);
  t.is(dropped[1]!.shipping, "failing");
  t.regex(dropped[1]!.reason, /ship lost records: dropped_records \+5, retries_failed \+1/);
  const retriesFailed = replay([
    [0, ship({ proc_records: 10 })],
    [1, ship({ proc_records: 10, retries_failed: 1 })],
  ]);
  t.is(retriesFailed[1]!.shipping, "failing");
  t.is(retriesFailed[1]!.outputs.ship!.lostChunks, 1);
});

test("core: once failing, only a delivery brings it back to ok (idle minutes keep it failing)", (t) => {
  const judgements = replay([
    [0, ship({ proc_records: 10 })],
    [1, ship({ proc_records: 10, dropped_records: 3 })],
    [2, ship({ proc_records: 10, dropped_records: 3 })],
    [3, ship({ proc_records: 10, dropped_records: 3 })],
    [4, ship({ proc_records: 25, dropped_records: 3 })],
  ]);
  t.deepEqual(judgements.map((j) => j.shipping), ["unknown", "failing", "failing", "failing", "ok"]);
  t.regex(judgements[2]!.reason, /^waiting for deliveries to resume \(failing since 2026-11-25T08:01:00\.000Z: ship lost records/);
  t.notRegex(judgements[3]!.reason, /waiting for deliveries to resume.*waiting for deliveries to resume/, "the cause is repeated, not nested");
  t.regex(judgements[4]!.reason, /^deliveries resumed: ship delivered 15 record\(s\)/);
  t.deepEqual(judgements.map((j) => j.turnedFailing), [false, true, false, false, false]);
  t.is(judgements[4]!.history.failing_reason, undefined);
});

test("core: metrics unreadable for less than N minutes leaves the state alone; for N minutes it is failing", (t) => {
  const judgements = replay([
    [0, ship({ proc_records: 10 })],
    [1, ship({ proc_records: 20 })],
    [2, down],
    [11, down],
    [12, down],
    [13, ship({ proc_records: 20 })],
    [14, ship({ proc_records: 40 })],
  ]);
  t.is(judgements[2]!.publish, false);
  t.is(judgements[2]!.shipping, "ok", "unchanged: the last published verdict");
  t.is(judgements[3]!.publish, false);
  t.regex(judgements[3]!.reason, /unreadable for 9 min \(failing after 10 min\)/);
  t.is(judgements[4]!.shipping, "failing");
  t.true(judgements[4]!.publish);
  t.regex(judgements[4]!.reason, /metrics unreadable for 10 min \(since 2026-11-25T08:02:00\.000Z\): connect ECONNREFUSED/);
  t.is(judgements[5]!.shipping, "failing", "reachable again but nothing delivered yet");
  t.is(judgements[6]!.shipping, "ok");
});

test("core: counters going down (Fluent Bit restarted) start a new baseline, and a running stall keeps its start", (t) => {
  const judgements = replay([
    [0, ship({ proc_records: 500 })],
    [1, ship({ proc_records: 500, errors: 4, retries: 4 })], // stall begins
    [5, ship({ proc_records: 0, errors: 0, retries: 0 })], // restart: counters back to 0
    [8, ship({ proc_records: 0, errors: 2, retries: 2 })],
    [11, ship({ proc_records: 0, errors: 3, retries: 3 })],
  ]);
  t.true(judgements[2]!.outputs.ship!.reset);
  t.is(judgements[2]!.shipping, "ok");
  t.is(judgements[3]!.outputs.ship!.stalledSince, at(1).toISOString());
  t.is(judgements[4]!.shipping, "failing", "10 min since minute 1, across the restart");
});

test("core: the shipping reason fits the state file's 500 characters", (t) => {
  const long = replay([[0, { ok: false, error: "x".repeat(499) }], [10, { ok: false, error: "x".repeat(499) }]]);
  t.is(long[1]!.reason.length, 500);
  t.true(SasState.safeParse({ ...STATE, shipping: "failing", shipping_reason: long[1]!.reason }).success);
});

test("metrics parsing: alias ship first, else azure_blob.<n>; older releases without dropped/retried counters; junk is unreadable", (t) => {
  const base = { proc_records: 1, proc_bytes: 2, errors: 0, retries: 0, retries_failed: 0 };
  const withAlias = parseFluentBitMetrics({ input: {}, output: { ship: { ...base, dropped_records: 0, retried_records: 0 }, "stdout.0": base } });
  t.deepEqual(withAlias.ok && Object.keys(withAlias.outputs), ["ship"]);
  const noAlias = parseFluentBitMetrics({ output: { "azure_blob.0": base, "azure_blob.1": base, "stdout.0": base } });
  t.deepEqual(noAlias.ok && Object.keys(noAlias.outputs), ["azure_blob.0", "azure_blob.1"]);
  t.deepEqual(noAlias.ok && noAlias.outputs["azure_blob.0"], counters({ proc_records: 1, proc_bytes: 2 }));
  const chosen = parseFluentBitMetrics({ output: { "stdout.0": base } }, ["stdout.0"]);
  t.true(chosen.ok);
  const none = parseFluentBitMetrics({ output: { "stdout.0": base } });
  t.false(none.ok);
  t.regex(!none.ok ? none.error : "", /no shipping output in the metrics \(outputs: stdout\.0\)/);
  t.false(parseFluentBitMetrics({ uptime_sec: 5 }).ok);
  t.false(parseFluentBitMetrics({ output: { ship: { ...base, errors: -1 } } }).ok);
});

// ---------------------------------------------------------------------------------------------
// Whole runs: real Fluent Bit, real files, injected clock.

/** Waits until the `ship` counters have moved past a reading taken now: `what` happened after the last guard sample. */
async function after(fluentBit: ShippingFluentBit, what: string, moved: (now: OutputCounters, seen: OutputCounters) => boolean): Promise<void> {
  const seen = await fluentBit.counters();
  await fluentBit.waitFor(what, (now) => moved(now, seen));
}
const delivered = (now: OutputCounters, seen: OutputCounters) => now.proc_records > seen.proc_records;
const dropped = (now: OutputCounters, seen: OutputCounters) => now.dropped_records > seen.dropped_records;
// A flush that cannot connect is retried: Fluent Bit 5.1.1 counts it in `retries` (and `retried_records`), not in `errors`.
const failedFlush = (now: OutputCounters, seen: OutputCounters) => now.retries > seen.retries;

// Serial: it changes the process umask, which concurrent tests would otherwise share.
test.serial("run: healthy deliveries publish ok, keep every other field, and write mode 0644 even under umask 077", async (t) => {
  // 20 records held back until the sink comes up: the first sample sees none delivered, the second all of them.
  const fluentBit = await ShippingFluentBit.start({ retryLimit: "no_limits", sink: "down", samples: 20 });
  t.teardown(() => fluentBit.close());
  const { options, state, run } = scenario(fluentBit.metricsUrl);
  const previousUmask = process.umask(0o077); // the unit's UMask; process-wide, so restored at once
  try {
    await fluentBit.counters();
    const first = await run(0);
    t.is(first.exitCode, 0);
    t.is(first.state, "written");
    t.is(state().shipping, "unknown", "a baseline does not claim anything yet");
    await fluentBit.sinkUp();
    await fluentBit.waitFor("all 20 records delivered", (ship) => ship.proc_records === 20);
    const second = await run(1);
    t.is(second.exitCode, 0, second.reason);
    t.is(second.shipping, "ok");
  } finally {
    process.umask(previousUmask);
  }
  const written = state();
  t.is(written.shipping, "ok");
  t.is(written.shipping_checked_at, at(1).toISOString());
  t.regex(written.shipping_reason ?? "", /ship delivered 20 record\(s\)/);
  const { shipping: _s, shipping_checked_at: _c, shipping_reason: _r, ...rest } = written;
  const { shipping: _s0, ...restBefore } = STATE;
  t.deepEqual(rest, restBefore, "every other field is kept");
  t.is(statSync(options.statePath).mode & 0o777, 0o644);
  t.is(statSync(options.historyPath).mode & 0o777, 0o600, "the history is the guard's own");
});

test("run: a stall is failing after N minutes (exit 1) and ok again once records are delivered", async (t) => {
  const fluentBit = await ShippingFluentBit.start({ retryLimit: "no_limits", sink: "up" });
  t.teardown(() => fluentBit.close());
  const { state, run } = scenario(fluentBit.metricsUrl, { failingAfterMs: 5 * MIN });
  await fluentBit.counters();
  await run(0);
  await after(fluentBit, "a delivery after the first sample", delivered);
  // The sink goes away before the second sample, which sees the deliveries before it (the
  // failed flush waited for comes after them): from then on nothing is delivered.
  await fluentBit.sinkDown();
  await after(fluentBit, "a failed flush after the sink went away", failedFlush);
  t.is((await run(1)).shipping, "ok");
  await after(fluentBit, "a failed flush after the second sample", failedFlush);
  const exits: number[] = [];
  for (let minute = 2; minute <= 7; minute++) exits.push((await run(minute)).exitCode);
  t.deepEqual(exits, [0, 0, 0, 0, 0, 1], "ok while stalled for 0..4 min, failing at 5");
  t.is(state().shipping, "failing");
  t.regex(state().shipping_reason ?? "", /ship delivered nothing for 5 min while failing to send/);
  await fluentBit.sinkUp();
  await after(fluentBit, "a delivery once the sink is back", delivered);
  const recovered = await run(8);
  t.is(recovered.exitCode, 0);
  t.is(state().shipping, "ok");
  t.regex(state().shipping_reason ?? "", /^deliveries resumed: ship delivered \d+ record\(s\)/);
});

test("run: dropped records fail at once; Fluent Bit gone exits 3 and changes nothing until N minutes, then fails", async (t) => {
  const fluentBit = await ShippingFluentBit.start({ retryLimit: "no_retries", sink: "down" });
  t.teardown(() => fluentBit.close());
  const { options, state, run } = scenario(fluentBit.metricsUrl, { failingAfterMs: 10 * MIN });
  await fluentBit.counters();
  await run(0);
  await after(fluentBit, "a record given up on", dropped);
  const lost = await run(1);
  t.is(lost.exitCode, 1);
  t.is(state().shipping, "failing");
  t.regex(state().shipping_reason ?? "", /ship lost records: dropped_records \+\d+/);
  await fluentBit.sinkUp();
  await after(fluentBit, "a delivery once the sink is back", delivered);
  // That interval may still hold records given up on before the sink came back; the next has none.
  await run(2);
  await after(fluentBit, "another delivery", delivered);
  t.is((await run(3)).exitCode, 0);
  t.is(state().shipping, "ok");

  await fluentBit.stopFluentBit();
  const bytesBefore = readFileSync(options.statePath, "utf8");
  const early = await run(4);
  t.is(early.exitCode, 3);
  t.is(early.metrics, "unreadable");
  t.is(early.state, "kept");
  const late = await run(13);
  t.is(late.exitCode, 3, "9 min down: not yet");
  t.is(readFileSync(options.statePath, "utf8"), bytesBefore, "the state file is not touched while the guard knows nothing new");
  const failing = await run(14);
  t.is(failing.exitCode, 1);
  t.is(state().shipping, "failing");
  t.regex(state().shipping_reason ?? "", /^Fluent Bit's metrics unreadable for 10 min \(since 2026-11-25T08:04:00\.000Z\)/);
});

test("run: a missing or invalid state file is left alone and exits 3", async (t) => {
  // Records are given up on all along: every run would publish failing, given a state file.
  const fluentBit = await ShippingFluentBit.start({ retryLimit: "no_retries", sink: "down" });
  t.teardown(() => fluentBit.close());
  const cases: Array<[string, string | undefined, RegExp]> = [
    ["missing", undefined, /does not exist/],
    ["not JSON", "{\"version\": 1, \"acc", /is not JSON/],
    ["unknown field", JSON.stringify({ ...STATE, sas_token: "sig=x" }), /not a valid SAS state: \(root\): Unrecognized key/],
    ["bad shipping", JSON.stringify({ ...STATE, shipping: "maybe" }), /shipping:/],
  ];
  for (const [name, content, message] of cases) {
    const { options, run } = scenario(fluentBit.metricsUrl);
    if (content === undefined) rmSync(options.statePath);
    else writeFileSync(options.statePath, content);
    const mtime = content === undefined ? 0 : statSync(options.statePath).mtimeMs;
    await run(0);
    await after(fluentBit, "a record given up on", dropped);
    const report = await run(1);
    t.is(report.exitCode, 3, name);
    t.is(report.state, content === undefined ? "missing" : "invalid", name);
    t.regex(report.stateProblem ?? "", message, name);
    if (content === undefined) t.false(existsSync(options.statePath), `${name}: not created`);
    else {
      t.is(readFileSync(options.statePath, "utf8"), content, `${name}: bytes unchanged`);
      t.is(statSync(options.statePath).mtimeMs, mtime, `${name}: not rewritten`);
    }
  }
});

test("run: stop-gateway calls systemctl (a recording stand-in) exactly once per transition to failing", async (t) => {
  const fluentBit = await ShippingFluentBit.start({ retryLimit: "no_retries", sink: "up" });
  t.teardown(() => fluentBit.close());
  const systemctl = fakeSystemctl();
  const { run } = scenario(fluentBit.metricsUrl, { enforce: "stop-gateway", failingAfterMs: 3 * MIN });
  const seen: Array<[minute: number, shipping: ShippingStatus, calls: number]> = [];
  const sample = async (minute: number) => {
    const report = await run(minute, systemctl.runner);
    if (report.enforcement) t.true(report.enforcement.ok);
    seen.push([minute, report.shipping, systemctl.calls.length]);
  };
  await fluentBit.counters();
  await sample(0); // baseline
  await after(fluentBit, "a delivery", delivered);
  await sample(1); // ok
  await fluentBit.sinkDown();
  await after(fluentBit, "a record given up on", dropped);
  await sample(2); // transition 1
  await after(fluentBit, "another record given up on", dropped);
  await sample(3); // still failing: no second stop
  await fluentBit.sinkUp();
  await after(fluentBit, "a delivery once the sink is back", delivered);
  await sample(4); // may still see records given up on before the sink came back
  await after(fluentBit, "another delivery", delivered);
  await sample(5); // ok
  await fluentBit.sinkDown();
  await after(fluentBit, "a record given up on again", dropped);
  await sample(6); // transition 2
  t.deepEqual(seen.filter(([minute]) => minute !== 4), [[0, "unknown", 0], [1, "ok", 0], [2, "failing", 1], [3, "failing", 1], [5, "ok", 1], [6, "failing", 2]]);
  t.is(seen.find(([minute]) => minute === 4)![2], 1, "no stop on the way back to ok");
  t.deepEqual(systemctl.calls, [["systemctl", "stop", "openclaw.service"], ["systemctl", "stop", "openclaw.service"]]);

  const passive = fakeSystemctl();
  const { run: runPassive } = scenario(fluentBit.metricsUrl, { enforce: "none" });
  await runPassive(0, passive.runner);
  await after(fluentBit, "a record given up on", dropped);
  t.is((await runPassive(1, passive.runner)).shipping, "failing");
  t.is(passive.calls.length, 0, "enforce none never stops anything");
});

test("replace: a state file changed by someone else meanwhile is not overwritten", (t) => {
  const { options } = scenario("http://127.0.0.1:9/unused");
  const read = readStateFile(options.statePath);
  if (!read.ok) return t.fail(read.message);
  const installed = `${JSON.stringify({ ...STATE, fingerprint: "sha256:fedcba9876543210" }, null, 2)}\n`;
  writeFileSync(options.statePath, installed); // `oclog sas install` wrote a new token
  t.false(replaceStateFile(options.statePath, read.raw, { ...read.state, shipping: "ok" }));
  t.is(readFileSync(options.statePath, "utf8"), installed);
  const again = readStateFile(options.statePath);
  t.true(again.ok && replaceStateFile(options.statePath, again.raw, { ...again.state, shipping: "ok" }));
  t.is(SasState.parse(JSON.parse(readFileSync(options.statePath, "utf8"))).fingerprint, "sha256:fedcba9876543210");
});

// A reader in another process reads the file in a tight loop until its stdin closes; it counts
// reads that are not a whole state file and the distinct versions it saw.
const READER = `
const { readFileSync } = require("node:fs");
const path = process.argv[1];
let reads = 0, partial = 0, open = true;
const versions = new Set();
process.stdin.on("end", () => (open = false)).resume();
const loop = () => {
  for (let i = 0; i < 100; i++) {
    reads++;
    try {
      const state = JSON.parse(readFileSync(path, "utf8"));
      if (state.fingerprint === undefined || state.renew_command === undefined) partial++;
      else versions.add(state.shipping_checked_at);
    } catch { partial++; }
  }
  if (reads === 100) process.stdout.write("reading\\n");
  if (open) setImmediate(loop);
  else process.stdout.write(JSON.stringify({ reads, partial, versions: versions.size }) + "\\n");
};
loop();
`;

// Serial: the rewrites are synchronous and hold this process's event loop for seconds, which
// would starve the metrics requests of concurrent tests (their requests time out).
test.serial("replace: a concurrent reader never sees a partial file across many rewrites", async (t) => {
  const { options } = scenario("http://127.0.0.1:9/unused");
  const reader = spawn(process.execPath, ["-e", READER, options.statePath], { stdio: ["pipe", "pipe", "inherit"] });
  let out = "";
  reader.stdout.on("data", (chunk) => (out += String(chunk)));
  await new Promise<void>((resolve) => reader.stdout.once("data", () => resolve())); // it is reading
  const rewrites = 1500;
  for (let i = 0; i < rewrites; i++) {
    const current = readStateFile(options.statePath);
    if (!current.ok) return t.fail(current.message);
    // Alternate short and long contents, so a torn write could not parse as a whole file.
    const reason = i % 2 ? "short" : "long ".repeat(90);
    t.true(replaceStateFile(options.statePath, current.raw, { ...current.state, shipping: i % 2 ? "ok" : "failing", shipping_checked_at: new Date(T0 + i * 1000).toISOString(), shipping_reason: reason }));
  }
  reader.stdin.end();
  await new Promise<void>((resolve) => reader.once("close", () => resolve()));
  const report = JSON.parse(out.trim().split("\n").at(-1)!) as { reads: number; partial: number; versions: number };
  t.log(report);
  t.is(report.partial, 0);
  t.true(report.versions >= 2, `the reader saw ${report.versions} version(s): it must overlap the rewrites`);
  t.is(statSync(options.statePath).mode & 0o777, 0o644);
});

test("the real runner (used for systemctl, here run on node itself) reports exit codes and a command that did not run", async (t) => {
  t.deepEqual(await execRunner(process.execPath, ["-e", "process.stderr.write('no unit'); process.exit(5)"]), { code: 5, stderr: "no unit" });
  t.deepEqual(await execRunner(process.execPath, ["-e", ""]), { code: 0, stderr: "" });
  const missing = await execRunner(join(tmpdir(), "oclog-no-such-command"), []);
  t.is(missing.code, null);
  t.regex(missing.stderr, /ENOENT/);
});
