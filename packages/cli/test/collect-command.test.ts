// `oclog collect` through the CLI entry point: usage errors, --once exit codes, --json summary.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { LEDGER_ROWS, OpenClawState, TRANSCRIPT_ROWS } from "@oclog/test-kit/openclaw";
import { Receiver } from "@oclog/test-kit/fluent-bit";
import { runCli } from "./run-cli.js";

const root = mkdtempSync(join(tmpdir(), "oclog-cli-collect-"));

test("usage errors exit 2 with what to do next", async (t) => {
  const missing = await runCli("collect", "--state-dir", join(root, "nope"), "--socket", join(root, "s.sock"), "--once");
  t.is(missing.code, 2);
  t.regex(missing.stderr, /OpenClaw state directory .* not found/);
  const state = new OpenClawState(join(root, "openclaw-usage"));
  state.close();
  const noTarget = await runCli("collect", "--state-dir", state.dir, "--once");
  t.is(noTarget.code, 2);
  t.regex(noTarget.stderr, /hint: pass --socket/);
});

test("--once on a state directory with no OpenClaw store in it is an error that says what was looked for, not a quiet success", async (t) => {
  const empty = join(root, "not-openclaw");
  mkdirSync(join(empty, "agents", "main"), { recursive: true });
  const run = await runCli("collect", "--state-dir", empty, "--socket", join(root, "none.sock"), "--collector-state", join(root, "collector-empty"), "--once");
  t.is(run.code, 2);
  t.regex(run.stderr, /no OpenClaw store found under .*not-openclaw.*openclaw-agent\.sqlite.*sessions\/<session>\.jsonl/);
  t.regex(run.stderr, /hint: pass the gateway's state dir/);
});

test("a state directory that cannot become one fails at once, even without --once (waiting would never end)", async (t) => {
  const file = join(root, "a-file");
  writeFileSync(file, "");
  const notDir = await runCli("collect", "--state-dir", file, "--socket", join(root, "s.sock"));
  t.is(notDir.code, 2);
  t.regex(notDir.stderr, /is not a directory/);
  const under = await runCli("collect", "--state-dir", join(file, "state"), "--socket", join(root, "s.sock"));
  t.is(under.code, 2);
  t.regex(under.stderr, /cannot read the OpenClaw state directory .*\(ENOTDIR\)/);
  t.notRegex(under.stderr, /waiting for/);
});

test.serial("--once: exit 3 while Fluent Bit is down (records kept), exit 0 once it takes them", async (t) => {
  const state = new OpenClawState(join(root, "openclaw"));
  state.appendTranscript("main");
  state.appendLedger("cli");
  state.close();
  const receiver = new Receiver(join(root, "forward.sock"));
  const args = ["collect", "--state-dir", state.dir, "--socket", receiver.path, "--collector-state", join(root, "collector"), "--once", "--json", "--ack-timeout-ms", "1000"];
  const down = await runCli(...args);
  t.is(down.code, 3);
  const downSummary = JSON.parse(down.stdout) as { pending: number; sent: number };
  t.is(downSummary.sent, 0);
  t.is(downSummary.pending, TRANSCRIPT_ROWS.length + LEDGER_ROWS.length);
  t.regex(down.stderr, /the records wait in the spool/);

  await receiver.start();
  try {
    const up = await runCli(...args);
    t.is(up.code, 0, up.stderr);
    const summary = JSON.parse(up.stdout) as { sent: number; pending: number; cursors: Record<string, number>; stores: Record<string, { stores: number; read: number }> };
    t.is(summary.sent, TRANSCRIPT_ROWS.length + LEDGER_ROWS.length);
    t.is(summary.pending, 0);
    // What was found, per kind of store (the rows were read by the run before, while Fluent Bit was down).
    t.deepEqual(summary.stores, { ledger: { stores: 1, read: 0 }, "config-audit": { stores: 1, read: 0 }, transcript: { stores: 1, read: 0 } });
    t.deepEqual(Object.keys(summary.cursors).sort(), ["agents/main/agent/openclaw-agent.sqlite", "state/openclaw.sqlite"]);
    // Stopped, Fluent Bit has written out everything it acknowledged.
    await receiver.stop();
    t.is(receiver.entries.length, summary.sent);
    t.false(up.stderr.includes("toolCall"), "the log never carries record contents");
  } finally {
    await receiver.stop();
  }
});

test.serial("--once: a store that cannot be read (a cursor past its end) is named with what to do, exit 3, and the other stores are still sent", async (t) => {
  const state = new OpenClawState(join(root, "openclaw-one-bad"));
  state.appendTranscript("main");
  state.close();
  const receiver = new Receiver(join(root, "forward-one-bad.sock"));
  const collectorState = join(root, "collector-one-bad");
  const args = ["collect", "--state-dir", state.dir, "--socket", receiver.path, "--collector-state", collectorState, "--once", "--json", "--ack-timeout-ms", "5000"];
  await receiver.start();
  try {
    t.is((await runCli(...args)).code, 0);
    // The transcript store's cursor now points past its end (as when its database was replaced); a ledger row arrives.
    const cursorsFile = join(collectorState, "cursors.json");
    const cursors = JSON.parse(readFileSync(cursorsFile, "utf8")) as { stores: Record<string, number> };
    cursors.stores["agents/main/agent/openclaw-agent.sqlite"] = 1_000_000;
    writeFileSync(cursorsFile, JSON.stringify(cursors));
    const again = new OpenClawState(state.dir);
    again.appendLedger("cli");
    again.close();
    const run = await runCli(...args);
    t.is(run.code, 3, run.stderr);
    const summary = JSON.parse(run.stdout) as { sent: number; failedStores?: Record<string, string> };
    t.is(summary.sent, LEDGER_ROWS.length, "the ledger was read and sent all the same");
    t.deepEqual(Object.keys(summary.failedStores ?? {}), ["agents/main/agent/openclaw-agent.sqlite"]);
    t.regex(run.stderr, /oclog: store agents\/main\/agent\/openclaw-agent\.sqlite could not be read: the cursor of .* past the store's last row/);
    t.regex(run.stderr, /"event":"store.failed".*"code":"E_CURSOR_PAST_END".*"hint":"if the database was replaced, remove the/);
  } finally {
    await receiver.stop();
  }
});

test.serial("without --once it waits for a state directory that does not exist yet, then ships from it", async (t) => {
  const { collectCommand } = await import("../src/commands/collect.js");
  const stateDir = join(root, "openclaw-later");
  const receiver = new Receiver(join(root, "forward-later.sock"));
  await receiver.start();
  const stop = new AbortController();
  const errors: string[] = [];
  let waiting!: () => void;
  const sawWaiting = new Promise<void>((resolve) => (waiting = resolve));
  const output = {
    out: () => undefined,
    err: (line: string) => {
      errors.push(line);
      if (line.includes("waiting for")) waiting();
    },
  };
  const options = { stateDir, socket: receiver.path, host: "127.0.0.1", collectorState: join(root, "collector-later"), once: false, json: false, batchSize: 100, spoolLimitMb: 16, pollMs: 50, ackTimeoutMs: 2000 };
  const running = collectCommand(options, output, stop.signal);
  try {
    await sawWaiting;
    // The gateway's first start, after the collector's.
    const state = new OpenClawState(stateDir);
    state.appendTranscript("main");
    state.close();
    await receiver.waitFor(TRANSCRIPT_ROWS.length);
  } finally {
    stop.abort();
    await running;
    await receiver.stop();
  }
  t.is(receiver.entries.length, TRANSCRIPT_ROWS.length, "each row once");
  t.true(errors.some((line) => line.includes(`waiting for ${stateDir}`)));
});
