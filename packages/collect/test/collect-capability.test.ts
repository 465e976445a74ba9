// The collector as its unit runs it on the VM: a uid of its own that reads OpenClaw's 0700
// directories through CAP_DAC_READ_SEARCH alone (vm/systemd/oclog-collect.service), on Node 24.
// Real kernel credentials through util-linux's setpriv, and OpenClaw's state bind-mounted
// read-only in a private mount namespace (unshare), as the unit's ReadOnlyPaths= does; no mocks. access() (Node's existsSync,
// SQLite's checks for the -wal and -shm files) drops the capability for a non-root uid unless
// the securebit no-setuid-fixup is set: without it the collector finds no store at all.
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import test from "ava";
import { ensureOpenClaw } from "../../../test/openclaw/install.js";
import { OpenClawState } from "./openclaw-state.js";

const NOBODY = 65534;
const UNIT = fileURLToPath(new URL("../../../vm/systemd/oclog-collect.service", import.meta.url));

function collectAs(nodeBin: string, stateDir: string, securebits: boolean): { read: number; stores: number; waiting: number; stderr: string } {
  const cursors = mkdtempSync(join(tmpdir(), "oclog-collect-cap-cursors-"));
  chownSync(cursors, NOBODY, NOBODY);
  const child = fileURLToPath(new URL("./collect-child.ts", import.meta.url));
  const run = spawnSync(
    "unshare",
    [
      "--mount", "--propagation", "private", "--",
      "sh", "-c", 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"', stateDir,
      "setpriv",
      `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups",
      "--inh-caps=-all,+dac_read_search", "--ambient-caps=+dac_read_search", "--bounding-set=-all,+dac_read_search",
      ...(securebits ? ["--securebits=+no_setuid_fixup"] : []),
      nodeBin, "--import", "tsx", "--conditions=oclog-source", child,
      "--once", "--json", "--state-dir", stateDir, "--socket", join(cursors, "no-fluent-bit.sock"), "--collector-state", cursors, "--ack-timeout-ms", "200",
    ],
    { encoding: "utf8", timeout: 120_000 },
  );
  if (run.error) throw run.error;
  const summary = run.stdout.trim().split("\n").pop() ?? "";
  const read = summary.startsWith("{") ? (JSON.parse(summary) as { read: number }).read : -1;
  const events = (name: string) => run.stderr.split("\n").filter((l) => l.includes(`"event":"${name}"`)).length;
  return { read, stores: events("store.found"), waiting: events("store.waiting"), stderr: run.stderr };
}

test("as its own uid with only CAP_DAC_READ_SEARCH, the collector reads every row under OpenClaw's 0700 directories, WAL included", async (t) => {
  t.timeout(300_000);
  if (process.getuid?.() !== 0) return t.fail("needs root: the test switches to another uid with setpriv, as systemd does for the unit");
  t.regex(readFileSync(UNIT, "utf8"), /^SecureBits=no-setuid-fixup$/m, "the unit sets the bit this test depends on");
  const { nodeBin } = await ensureOpenClaw();
  const root = mkdtempSync(join(tmpdir(), "oclog-collect-cap-"));
  const state = new OpenClawState(join(root, "openclaw"));
  try {
    // The writer stays open, so the rows sit in the -wal file, as they do while the gateway runs.
    const expected = [...state.appendTranscript("main"), ...state.appendLedger("a"), ...state.appendConfigAudit("a")];
    for (const dir of ["", "state", "agents", "agents/main", "agents/main/agent"]) chmodSync(join(state.dir, dir), 0o700);
    chmodSync(root, 0o700);

    const withBit = collectAs(nodeBin, state.dir, true);
    t.is(withBit.stores, 3, withBit.stderr);
    t.is(withBit.read, expected.length, withBit.stderr);

    // Liveness: the same run without the bit is the bug the booted image showed.
    const withoutBit = collectAs(nodeBin, state.dir, false);
    t.is(withoutBit.stores, 0, "without no-setuid-fixup access() ignores the capability and nothing is found");
    t.is(withoutBit.read, 0);
  } finally {
    state.close();
  }
});

test("with OpenClaw stopped (no -shm, read-only to the collector) stores wait without error, and are read once it runs again", async (t) => {
  t.timeout(300_000);
  if (process.getuid?.() !== 0) return t.fail("needs root: the test switches to another uid with setpriv, as systemd does for the unit");
  const { nodeBin } = await ensureOpenClaw();
  const root = mkdtempSync(join(tmpdir(), "oclog-collect-cap-stopped-"));
  const stopped = new OpenClawState(join(root, "openclaw"));
  const expected = [...stopped.appendTranscript("main"), ...stopped.appendLedger("a"), ...stopped.appendConfigAudit("a")];
  stopped.close();
  for (const dir of ["", "state", "agents", "agents/main", "agents/main/agent"]) chmodSync(join(stopped.dir, dir), 0o700);
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
