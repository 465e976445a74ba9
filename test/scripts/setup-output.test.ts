// scripts/setup.sh prints one line per step and keeps the tools' output in its log; a failed step
// shows the log's tail and path. Run for real on a copy of the script in an empty folder, where
// `pnpm install --frozen-lockfile` fails (no lockfile). The apt steps only query dpkg here: the
// suite runs after set-up has installed every package.
import test from "ava";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../..", import.meta.url));

test("a failed step prints its one line, the last lines of the log and the log's path; nothing else reaches the screen", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "oclog-setup-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "scripts"));
  for (const f of ["setup.sh", "env.sh"]) copyFileSync(join(repo, "scripts", f), join(dir, "scripts", f));

  const run = spawnSync("bash", [join(dir, "scripts/setup.sh")], { cwd: dir, encoding: "utf8" });
  const log = join(dir, ".oclog-tmp/setup.log");
  t.not(run.status, 0);
  t.is(run.stdout, "", "set-up writes nothing to stdout (the demo's answer goes there)");
  const lines = run.stderr.trimEnd().split("\n");
  t.deepEqual(lines.filter((l) => !l.startsWith("setup: ") && !l.startsWith("  | ")), [], "every line is a step line or a quoted log line");
  t.regex(run.stderr, /^setup: apt packages: all \d+ already installed$/m);
  t.regex(run.stderr, /^setup: pnpm install \.\.\. FAILED after \d+ s \(exit \d+\)$/m);
  t.true(lines.includes(`setup: the last 40 lines of ${log}:`));
  t.regex(run.stderr, /^ {2}\| .*ERR_PNPM_NO_LOCKFILE/m, "the tool's own error is quoted from the log");
  t.is(lines.at(-1), `setup: the whole log: ${log}`);
  t.regex(readFileSync(log, "utf8"), /== pnpm install \(pnpm install --frozen-lockfile/);
  t.false(run.stderr.includes("setup: build"), "set-up stops at the failed step");
});
