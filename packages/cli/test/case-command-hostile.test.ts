// Issue 20 through the CLI: `oclog case verify` and `oclog investigate --case-dir` over hostile case
// folders (a real case built from the demo incident in a real Azurite, then tampered with), and
// what they print: exit codes, problems named, nothing raw reaching the terminal.
import test from "ava";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildDemoIncident, DEMO_FIXTURES, uploadIncident } from "@oclog/test-kit/demo";
import { startAzurite, type Azurite } from "@oclog/test-kit/azurite";
import { Dice, HOSTILE_STRINGS } from "../../../test/hostile/hostile-random.js";
import { runCli } from "./run-cli.js";

const corpus = fileURLToPath(new URL("../../../test/hostile/corpus/case/", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "oclog-case-cli-"));
const caseDir = join(root, "case");
let azurite: Azurite;

test.before(async () => {
  azurite = await startAzurite();
  await uploadIncident(azurite.connectionString, buildDemoIncident(DEMO_FIXTURES));
  process.env.AZURE_STORAGE_CONNECTION_STRING = azurite.connectionString;
  const first = await runCli("investigate", "--user", "alice", "--case-dir", caseDir, "--no-progress");
  if (first.code !== 0) throw new Error(first.stderr);
});
test.after.always(async () => {
  delete process.env.AZURE_STORAGE_CONNECTION_STRING;
  await azurite?.stop();
});

function copyOfCase(name: string): string {
  const dir = join(root, name);
  cpSync(caseDir, dir, { recursive: true });
  return dir;
}

test.serial("a case queried with oclog sql still verifies intact: reads never change the sealed case.duckdb", async (t) => {
  for (const query of ["SELECT count(*) FROM events", "SUMMARIZE events", "SELECT * FROM quarantine"]) t.is((await runCli("sql", caseDir, query)).code, 0);
  const verify = await runCli("case", "verify", caseDir, "--json");
  t.is(verify.code, 0, verify.stdout);
  const report = JSON.parse(verify.stdout) as { ok: boolean; isCase: boolean; files: number };
  t.deepEqual([report.ok, report.isCase, report.files], [true, true, 12]);
});

test.serial("case verify names links, a rewritten case.duckdb and planted files, exit 1, terminal-safe", async (t) => {
  const dir = copyOfCase("tampered");
  rmSync(join(dir, "report.html"));
  symlinkSync("/etc/hostname", join(dir, "report.html"));
  writeFileSync(join(dir, "case.duckdb"), Buffer.from("not the sealed database"), { flag: "a" });
  const dice = new Dice("case-cli-planted-names");
  const planted = Array.from({ length: 4 }, () => dice.pick(HOSTILE_STRINGS.filter((s) => !s.includes("/") && !s.includes("\0") && s.length < 200)));
  for (const [i, name] of planted.entries()) writeFileSync(join(dir, "evidence", `${i}-${name}`), "planted");
  const text = await runCli("case", "verify", dir);
  t.is(text.code, 1);
  t.regex(text.stdout, /report\.html: is a symbolic link \(never followed\)/);
  t.regex(text.stdout, /case\.duckdb: SHA-256 \w+ does not match the hash sealed in custody/);
  t.is(text.stdout.match(/present in evidence\/ but not in the manifest/g)?.length, planted.length);
  t.notRegex(text.stdout, /[\u001b\u009b\u0007\u202e]/, "planted names reach the terminal cleaned");
  const json = await runCli("case", "verify", dir, "--json");
  t.is(json.code, 1);
  t.true((JSON.parse(json.stdout) as { problems: string[] }).problems.length >= 2 + planted.length);
});

test.serial("case verify on a folder that is not a case exits 2 and says what to pass instead", async (t) => {
  for (const planted of ["users-own-folder", "foreign-manifest"]) {
    const dir = join(root, `foreign-${planted}`);
    cpSync(join(corpus, planted), dir, { recursive: true });
    const result = await runCli("case", "verify", dir);
    t.is(result.code, 2, `${planted}: ${result.stdout}${result.stderr}`);
    t.regex(result.stderr, /is not an oclog case folder[\s\S]*hint: pass a folder that `oclog investigate` made/);
  }
});

test.serial("investigate --case-dir refuses a user's folder, a link, a held lock and tampered evidence with exit 3 and a hint", async (t) => {
  const own = join(root, "own");
  cpSync(join(corpus, "users-own-folder"), own, { recursive: true });
  const before = readFileSync(join(own, "report.html"), "utf8");
  const foreign = await runCli("investigate", "--user", "alice", "--case-dir", own, "--no-progress");
  t.is(foreign.code, 3);
  t.regex(foreign.stderr, /is not an oclog case[\s\S]*hint: pass a new or empty folder/);
  t.is(readFileSync(join(own, "report.html"), "utf8"), before);

  const link = join(root, "link");
  symlinkSync(caseDir, link);
  const linked = await runCli("investigate", "--user", "alice", "--case-dir", link, "--no-progress");
  t.is(linked.code, 3);
  t.regex(linked.stderr, /symbolic link/);

  const locked = copyOfCase("locked");
  writeFileSync(join(locked, "case.lock"), JSON.stringify({ pid: process.pid, host: (await import("node:os")).hostname(), startedAt: "2026-12-05T00:00:00.000Z", token: "x" }));
  const held = await runCli("investigate", "--user", "alice", "--case-dir", locked, "--no-progress");
  t.is(held.code, 3);
  t.regex(held.stderr, new RegExp(`in use by oclog pid ${process.pid}[\\s\\S]*hint: wait for that run to finish`));

  const edited = copyOfCase("edited");
  const manifest = JSON.parse(readFileSync(join(edited, "manifest.json"), "utf8")) as { evidence: Record<string, { path: string }> };
  const victim = join(edited, Object.values(manifest.evidence)[0]!.path);
  rmSync(victim, { force: true });
  writeFileSync(victim, "replaced");
  const refused = await runCli("investigate", "--user", "alice", "--case-dir", edited, "--no-progress");
  t.is(refused.code, 3);
  t.regex(refused.stderr, /evidence does not match its chain of custody[\s\S]*hint: keep this folder untouched/);
});
