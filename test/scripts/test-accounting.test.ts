// scripts/test.sh's accounting: scripts/tap-count.sh turns ava's TAP into ledger lines and
// scripts/tap-summary.sh prints the end of the run. The fixtures are what ava 7 printed with
// --tap (paths trimmed); one test runs the real ava on a planted test file to keep them honest.
import test from "ava";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const fixture = (name: string) => join(repo, "test/scripts/fixtures", name);
const scratch = mkdtempSync(join(tmpdir(), "oclog-tap-"));
test.after.always(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs a script of scripts/ with bash; returns its stdout and exit code. */
function script(name: string, ...args: string[]): { stdout: string; code: number } {
  const run = spawnSync("bash", [join(repo, "scripts", name), ...args], { encoding: "utf8" });
  if (run.error) throw run.error;
  return { stdout: run.stdout, code: run.status ?? -1 };
}

/** The end of a run over one TAP file, as scripts/test.sh prints it: the lines and the exit code. */
function summarize(tapFile: string, avaStatus: number, extraLedger = ""): { lines: string[]; code: number; ledger: string } {
  const ledger = script("tap-count.sh", tapFile, String(avaStatus)).stdout + extraLedger;
  const file = join(scratch, `ledger-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, ledger);
  const summary = script("tap-summary.sh", file);
  return { lines: summary.stdout.trimEnd().split("\n"), code: summary.code, ledger };
}

/** Runs the real ava 7 with --tap on one planted test file, in a project of its own; returns the TAP file and ava's status. */
function plantedAvaRun(name: string, lines: string[]): { tapFile: string; status: number; output: string } {
  // A project of its own, so the planted file is not one of this suite's tests.
  const project = join(scratch, name);
  mkdirSync(join(project, "node_modules"), { recursive: true });
  symlinkSync(join(repo, "node_modules/ava"), join(project, "node_modules/ava"));
  writeFileSync(join(project, "package.json"), JSON.stringify({ type: "module", ava: { files: ["*.test.mjs"] } }));
  writeFileSync(join(project, "planted.test.mjs"), ['import test from "ava";', ...lines, ""].join("\n"));
  const ava = spawnSync(process.execPath, [join(repo, "node_modules/ava/entrypoints/cli.mjs"), "--tap"], { cwd: project, encoding: "utf8", env: { ...process.env, CI: "1" } });
  const tapFile = join(project, "run.tap");
  writeFileSync(tapFile, ava.stdout + ava.stderr);
  return { tapFile, status: ava.status ?? -1, output: ava.stdout + ava.stderr };
}

test("a skip, a todo and a failure: each is listed by name, and the last line stays CI's plain count", (t) => {
  const { lines, code, ledger } = summarize(fixture("skip-todo-fail.tap"), 1);
  t.deepEqual(ledger.trimEnd().split("\n"), ["skip\tskipped one", "todo\ttodo one", "pass\tpasses", "fail\tfails"]);
  t.deepEqual(lines, ["failed: 1 (fails)", "skipped: 1 (skipped one), todo: 1 (todo one)", "tests: 1 passed, 1 failed"]);
  t.is(code, 1);
});

test("a todo is not a failure (ava's own '# fail' counts it as one), and a run with only skips and todos passes", (t) => {
  t.regex(readFileSync(fixture("skip-todo-pass.tap"), "utf8"), /^# fail 1$/m, "ava's summary line that must not be trusted");
  const { lines, code } = summarize(fixture("skip-todo-pass.tap"), 0);
  t.deepEqual(lines, ["skipped: 1 (skipped one), todo: 1 (todo one)", "tests: 1 passed, 0 failed"]);
  t.is(code, 0);
});

test("an uncaught exception and the worker's exit are failures", (t) => {
  const { lines, code } = summarize(fixture("uncaught.tap"), 1);
  t.is(lines.at(-1), "tests: 1 passed, 2 failed");
  t.is(lines[0], "failed: 2 (Error: boom; test/crash.test.ts exited with a non-zero exit code: 1)");
  t.is(code, 1);
});

test("a run that stops before its summary counts one failure, and its skips and todos are still shown", (t) => {
  const { lines, code } = summarize(fixture("crash-before-summary.tap"), 137);
  t.deepEqual(lines, [
    "failed: 1 (ava stopped before its summary (crashed or was killed))",
    "skipped: 1 (collector › a skipped case), todo: 1 (collector › a planned case)",
    "tests: 1 passed, 1 failed",
  ]);
  t.is(code, 1);
});

test("a non-zero exit with no failed test is a failure", (t) => {
  const { lines, code } = summarize(fixture("skip-todo-pass.tap"), 2);
  t.is(lines.at(-1), "tests: 1 passed, 1 failed");
  t.is(lines[0], "failed: 1 (ava exited with status 2 but reported no failed test)");
  t.is(code, 1);
});

test("the VM boot test test.sh leaves out is listed as skipped", (t) => {
  const vm = "skip\tVM image boot test (not run: OCLOG_SKIP_VM_BOOT=1; pnpm test:vm runs it)\n";
  const { lines, code } = summarize(fixture("uncaught.tap"), 1, vm);
  t.is(lines.at(-2), "skipped: 1 (VM image boot test (not run: OCLOG_SKIP_VM_BOOT=1; pnpm test:vm runs it)), todo: 0");
  t.is(code, 1);
  // test.sh writes exactly this ledger line when it leaves the boot test out.
  t.true(readFileSync(join(repo, "scripts/test.sh"), "utf8").includes("printf 'skip\\tVM image boot test (not run: %s; pnpm test:vm runs it)\\n'"));
});

test("an empty ledger is one failure: no test ran", (t) => {
  const file = join(scratch, "empty");
  writeFileSync(file, "");
  const summary = script("tap-summary.sh", file);
  t.deepEqual(summary.stdout.trimEnd().split("\n"), ["failed: 1 (no test ran)", "skipped: 0, todo: 0", "tests: 0 passed, 1 failed"]);
  t.is(summary.code, 1);
});

test("the real ava 7 --tap output of a planted skip, todo and failure counts as the fixtures do", (t) => {
  const run = plantedAvaRun("planted", ['test("passes", (t) => t.pass());', 'test.skip("skipped one", (t) => t.pass());', 'test.todo("todo one");', 'test("fails", (t) => t.is(1, 2));']);
  t.is(run.status, 1, run.output);
  const { lines } = summarize(run.tapFile, run.status);
  t.deepEqual(lines, ["failed: 1 (fails)", "skipped: 1 (skipped one), todo: 1 (todo one)", "tests: 1 passed, 1 failed"]);
});

test("a test.failing that fails as expected is listed as a known failure, not counted as passed", (t) => {
  const run = plantedAvaRun("planted-known", ['test("passes", (t) => t.pass());', 'test.failing("not yet (known failure: issue 0)", (t) => t.is(1, 2));']);
  t.is(run.status, 0, run.output);
  const { lines, code } = summarize(run.tapFile, 0);
  t.deepEqual(lines, ["skipped: 0, todo: 0, known failures: 1 (not yet (known failure: issue 0))", "tests: 1 passed, 0 failed"]);
  t.is(code, 0);
});

test("every test.failing in the suite says '(known failure' in its title, so the summary can list it", (t) => {
  const grep = spawnSync("git", ["grep", "-n", "-E", "test(\\.serial)?\\.failing\\(", "--", "*.test.ts"], { cwd: repo, encoding: "utf8" });
  const uses = grep.stdout.trim().split("\n").filter((line) => line !== "");
  t.true(uses.length > 0, "the scan finds the suite's test.failing calls");
  t.deepEqual(uses.filter((line) => !line.includes("(known failure")), [], "title these '... (known failure: why)'");
});
