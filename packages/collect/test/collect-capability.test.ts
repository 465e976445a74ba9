// The collector as its unit runs it on the VM (vm/systemd/oclog-collect.service): on Node 24, as
// a uid of its own that reads OpenClaw's 0700 directories through CAP_DAC_READ_SEARCH alone, with
// OpenClaw's state bind-mounted read-only as the unit's ReadOnlyPaths= does. Real kernel
// credentials (util-linux's setpriv) in a private mount namespace (unshare); no mocks.
// access() (Node's existsSync, SQLite's checks for the -wal and -shm files) drops the capability
// for a non-root uid unless the securebit no-setuid-fixup is set: without it nothing is found.
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import test, { type ExecutionContext } from "ava";
import { ensureOpenClaw } from "../../../test/openclaw/install.js";
import { childArgs } from "./child-command.js";
import { OpenClawState } from "@oclog/test-kit/openclaw";

const NOBODY = 65534;
const UNIT = fileURLToPath(new URL("../../../vm/systemd/oclog-collect.service", import.meta.url));

/** OpenClaw's state with its real rows (written, not yet shipped), its directories 0700 as OpenClaw makes them. */
function openClawState(name: string): { state: OpenClawState; expected: string[] } {
  const state = new OpenClawState(join(mkdtempSync(join(tmpdir(), `oclog-collect-cap-${name}-`)), "openclaw"));
  const expected = [...state.appendTranscript("main"), ...state.appendLedger("a"), ...state.appendConfigAudit("a")];
  for (const dir of ["", "state", "agents", "agents/main", "agents/main/agent"]) chmodSync(join(state.dir, dir), 0o700);
  return { state, expected };
}

/** Node 24 for the child, or a failed test when this process may not switch uids. */
async function node24AsRoot(t: ExecutionContext): Promise<string | undefined> {
  t.timeout(300_000);
  if (process.getuid?.() !== 0) {
    t.fail("needs root: the test switches to another uid with setpriv, as systemd does for the unit");
    return undefined;
  }
  return (await ensureOpenClaw()).nodeBin;
}

/** `oclog collect --once` as uid nobody with only CAP_DAC_READ_SEARCH, on a read-only bind of `stateDir`. */
function collectAs(nodeBin: string, stateDir: string, securebits: boolean): { status: number | null; read: number; stores: number; waiting: number; stderr: string } {
  const cursors = mkdtempSync(join(tmpdir(), "oclog-collect-cap-cursors-"));
  chownSync(cursors, NOBODY, NOBODY);
  const run = spawnSync(
    "unshare",
    [
      "--mount", "--propagation", "private", "--",
      "sh", "-c", 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"', stateDir,
      "setpriv",
      `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups",
      "--inh-caps=-all,+dac_read_search", "--ambient-caps=+dac_read_search", "--bounding-set=-all,+dac_read_search",
      ...(securebits ? ["--securebits=+no_setuid_fixup"] : []),
      nodeBin,
      ...childArgs("collect-child.ts", ["--once", "--json", "--state-dir", stateDir, "--socket", join(cursors, "no-fluent-bit.sock"), "--collector-state", cursors, "--ack-timeout-ms", "200"]),
    ],
    { encoding: "utf8", timeout: 120_000 },
  );
  if (run.error) throw run.error;
  const summary = run.stdout.trim().split("\n").pop() ?? "";
  // Nothing found at all is an error of its own (exit 2), said on stderr, with no summary.
  if (run.status === 2 && /no OpenClaw store found/.test(run.stderr)) return { status: run.status, read: 0, stores: 0, waiting: 0, stderr: run.stderr };
  // --once always ends with a JSON summary, exit 3 included (no Fluent Bit here); without one
  // the child died, and how (status, signal, its stderr) is the only clue to why.
  if (!summary.startsWith("{")) {
    throw new Error(`the collector's child printed no summary: status ${run.status}, signal ${run.signal}\nstdout: ${run.stdout.slice(-2000)}\nstderr: ${run.stderr.slice(-4000)}`);
  }
  const read = (JSON.parse(summary) as { read: number }).read;
  const events = (name: string) => run.stderr.split("\n").filter((l) => l.includes(`"event":"${name}"`)).length;
  return { status: run.status, read, stores: events("store.found"), waiting: events("store.waiting"), stderr: run.stderr };
}

test("as its own uid with only CAP_DAC_READ_SEARCH, the collector reads every row under OpenClaw's 0700 directories, WAL included", async (t) => {
  const nodeBin = await node24AsRoot(t);
  if (!nodeBin) return;
  t.regex(readFileSync(UNIT, "utf8"), /^SecureBits=no-setuid-fixup$/m, "the unit sets the bit this test depends on");
  // The writer stays open, so the rows sit in the -wal file, as they do while the gateway runs.
  const { state, expected } = openClawState("running");
  try {
    const withBit = collectAs(nodeBin, state.dir, true);
    t.is(withBit.stores, 3, withBit.stderr);
    t.is(withBit.read, expected.length, withBit.stderr);

    // Liveness: the same run without the bit is the bug the booted image showed.
    const withoutBit = collectAs(nodeBin, state.dir, false);
    t.is(withoutBit.stores, 0, "without no-setuid-fixup access() ignores the capability and nothing is found");
    t.is(withoutBit.read, 0);
    // And says so: a collector that finds nothing exits 2 instead of reporting a quiet success.
    t.is(withoutBit.status, 2, withoutBit.stderr);
  } finally {
    state.close();
  }
});

test("with OpenClaw stopped (no -shm, read-only to the collector) stores wait without error, and are read once it runs again", async (t) => {
  const nodeBin = await node24AsRoot(t);
  if (!nodeBin) return;
  const { state: stopped, expected } = openClawState("stopped");
  stopped.close();
  t.false(existsSync(join(stopped.dir, "state", "openclaw.sqlite-shm")), "a clean close removes the WAL index");

  const waiting = collectAs(nodeBin, stopped.dir, true);
  t.is(waiting.stores, 3, waiting.stderr);
  t.is(waiting.waiting, 3, "each store says once that it waits");
  t.is(waiting.read, 0);
  t.notRegex(waiting.stderr, /cannot read/);

  const running = new OpenClawState(stopped.dir);
  try {
    running.agent("main");
    t.is(collectAs(nodeBin, running.dir, true).read, expected.length);
  } finally {
    running.close();
  }
});
