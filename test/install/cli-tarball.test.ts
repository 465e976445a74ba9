// The CLI as a user installs it: `pnpm run pack:cli`, `npm install -g` of that tarball into an
// empty prefix (dependencies from the npm registry, through a cache in .oclog-tmp/ so a re-run
// is quicker), then the installed `oclog`, found on PATH, run from a folder outside the
// repository, with an environment that holds nothing of the workspace. It fails when the
// rules, the demo's capture or a run-time dependency is missing from the tarball.
// How long the install takes is logged (`npx ava --verbose test/install/cli-tarball.test.ts`): on
// the 2-core development machine 114 s with an empty npm cache, 91 s with a warm one and
// --prefer-offline (505 packages, ~500 MB unpacked, most of it Azurite's and the Azure SDK's: the
// time is unpacking, not downloading); the whole file about 2 minutes.
import test from "ava";
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startAzurite, type Azurite } from "@oclog/test-kit/azurite";
import { buildDemoIncident, DEMO_FIXTURES, uploadIncident } from "@oclog/test-kit/demo";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const NPM_CACHE = join(REPO, ".oclog-tmp", "npm-cache");
const work = realpathSync(mkdtempSync(join(tmpdir(), "oclog-cli-tarball-")));
const prefix = join(work, "prefix");
const userDir = join(work, "user"); // the folder the user runs oclog in: not below the repository

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of a user's shell: the prefix's bin first, nothing of pnpm, npm scripts or tsx. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|pnpm_|NODE_OPTIONS$|INIT_CWD$|PNPM_)/i.test(key)) env[key] = value;
  }
  const systemPath = (process.env.PATH ?? "").split(delimiter).filter((p) => p && !p.includes("node_modules") && !p.startsWith(REPO));
  env.PATH = [join(prefix, "bin"), dirname(process.execPath), ...systemPath].join(delimiter);
  return { ...env, ...extra };
}

function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: options.cwd, env: options.env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const oclog = (args: string[], extraEnv: Record<string, string> = {}) => run("oclog", args, { cwd: userDir, env: userEnv(extraEnv), timeoutMs: 180_000 });

let tarball = "";
let installed: { ok: boolean; why: string } = { ok: false, why: "the install did not run" };
let azurite: Azurite | undefined;

test.before(async (t) => {
  t.timeout(20 * 60_000, "npm install of the tarball (about 500 packages from the registry)");
  mkdirSync(userDir, { recursive: true });
  const pack = await run("pnpm", ["run", "--silent", "pack:cli"], { cwd: REPO, env: process.env, timeoutMs: 300_000 });
  if (pack.code !== 0) return void (installed = { ok: false, why: `pnpm run pack:cli failed (${pack.code}): ${pack.stderr.slice(-2000)}` });
  tarball = pack.stdout.trim().split("\n").at(-1)!;
  const started = Date.now();
  const install = await run("npm", ["install", "-g", "--prefix", prefix, "--cache", NPM_CACHE, "--prefer-offline", "--no-audit", "--no-fund", "--loglevel", "error", tarball], { cwd: userDir, env: userEnv(), timeoutMs: 18 * 60_000 });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  installed = install.code === 0 ? { ok: true, why: "" } : { ok: false, why: `npm install -g failed (${install.code}) after ${seconds} s: ${install.stderr.slice(-3000)}` };
  t.log(`npm install -g of ${tarball} took ${seconds} s`);
});

test.after.always(async () => {
  await azurite?.stop();
  rmSync(work, { recursive: true, force: true });
});

test.serial("pack:cli prints the tarball's absolute path last, and it installs into an empty prefix", (t) => {
  t.regex(tarball, /^\/.*\/oclog-\d+\.\d+\.\d+[^/]*\.tgz$/);
  t.true(existsSync(tarball), tarball);
  t.true(installed.ok, installed.why);
  t.true(existsSync(join(prefix, "bin", "oclog")));
});

test.serial("--version is the CLI package's version, and `oclog` on PATH is the installed one", async (t) => {
  if (!installed.ok) return t.fail(installed.why);
  const expected = (JSON.parse(readFileSync(join(REPO, "packages/cli/package.json"), "utf8")) as { version: string }).version;
  const version = await oclog(["--version"]);
  t.is(version.code, 0, version.stderr);
  t.is(version.stdout.trim(), expected);
  const which = await run("sh", ["-c", "command -v oclog"], { cwd: userDir, env: userEnv() });
  t.is(which.stdout.trim(), join(prefix, "bin", "oclog"));
});

test.serial("schema validate: real gateway log lines pass, a line of no known shape fails", async (t) => {
  if (!installed.ok) return t.fail(installed.why);
  const lines = readFileSync(join(REPO, "test/fixtures/openclaw-2026.9.6/gateway.log"), "utf8").split("\n").filter(Boolean).slice(0, 5);
  writeFileSync(join(userDir, "gateway.log"), `${lines.join("\n")}\n`);
  const good = await oclog(["schema", "validate", "--source", "auto", "gateway.log"]);
  t.is(good.code, 0, good.stdout + good.stderr);
  t.regex(good.stdout, /5 valid, 0 invalid/);
  writeFileSync(join(userDir, "bad.log"), '{"neither":"a gateway line nor anything else"}\n');
  const bad = await oclog(["schema", "validate", "--source", "auto", "bad.log"]);
  t.is(bad.code, 1, bad.stdout + bad.stderr);
  t.regex(bad.stdout, /0 valid, 1 invalid/);
});

test.serial("the rules are in the package: hunt --dry-run lists every KQL twin", async (t) => {
  if (!installed.ok) return t.fail(installed.why);
  const hunt = await oclog(["hunt", "--dry-run", "--all", "--since", "7d", "--users", "alice", "--json"]);
  t.is(hunt.code, 0, hunt.stderr);
  const rules = JSON.parse(hunt.stdout) as { id: string; query: string }[];
  t.true(rules.length > 20, `${rules.length} rules`);
});

test.serial("investigate against a separately started Azurite: the bundled detections find the incident, a report is written", async (t) => {
  if (!installed.ok) return t.fail(installed.why);
  azurite = await startAzurite();
  await uploadIncident(azurite.connectionString, buildDemoIncident(DEMO_FIXTURES));
  const caseDir = join(userDir, "cases", "alice");
  // The connection string goes through the environment, never argv.
  const result = await oclog(["investigate", "--user", "alice", "--case-dir", caseDir, "--json"], { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString });
  t.is(result.code, 0, result.stderr);
  const summary = JSON.parse(result.stdout) as { findings: { severity: string; title: string }[]; report_html: string; quarantined: number };
  t.true(summary.findings.length >= 5, JSON.stringify(summary.findings));
  t.true(summary.findings.some((f) => f.severity === "high"));
  t.is(summary.quarantined, 0);
  t.true(existsSync(summary.report_html), summary.report_html);
  const report = readFileSync(join(caseDir, "report.md"), "utf8");
  t.regex(report, /None: every detection ran\./);
});

test.serial("demo exits 0 and its last line names a report that exists", async (t) => {
  if (!installed.ok) return t.fail(installed.why);
  const demo = await oclog(["demo"]);
  t.is(demo.code, 0, demo.stdout + demo.stderr);
  const last = demo.stdout.trim().split("\n").at(-1)!;
  const match = /^Report:\s+(\S+)$/.exec(last);
  t.truthy(match, last);
  t.true(existsSync(match![1]!), match![1]);
});

test.serial("sas schedule names the installed launcher, so cron runs this oclog", async (t) => {
  if (!installed.ok) return t.fail(installed.why);
  const schedule = await oclog(["sas", "schedule", "--vm", "oclog-alice", "--transport", "ssh", "--account-url", "https://acme.blob.core.windows.net", "--json"]);
  t.is(schedule.code, 0, schedule.stderr);
  const { command } = JSON.parse(schedule.stdout) as { command: string[] };
  t.is(command[0], join(prefix, "lib", "node_modules", "oclog", "bin", "oclog.js"));
  t.true(existsSync(command[0]!));
});

test.serial("the installed package is self-contained: it holds no path into this repository", (t) => {
  if (!installed.ok) return t.fail(installed.why);
  const root = join(prefix, "lib", "node_modules", "oclog");
  const main = readFileSync(join(root, "dist", "main.js"), "utf8");
  t.false(main.includes(REPO), "dist/main.js names the checkout");
  copyFileSync(join(root, "package.json"), join(work, "installed-package.json"));
  const manifest = JSON.parse(readFileSync(join(work, "installed-package.json"), "utf8")) as { dependencies: Record<string, string> };
  t.false(Object.keys(manifest.dependencies).some((name) => name.startsWith("@oclog/")), "no unpublished workspace package is a dependency");
  t.truthy(manifest.dependencies["azurite"], "azurite, which oclog demo starts, is a dependency");
});

// A damaged install (a folder deleted by hand, a packaging mistake) must not read as an all-clear.
test.serial("rules missing from the install: investigate exits 3 and says no detection ran, instead of a clean result", async (t) => {
  if (!installed.ok || !azurite) return t.fail(installed.why || "the investigate test above did not start Azurite");
  const rules = join(prefix, "lib", "node_modules", "oclog", "queries", "detections");
  renameSync(rules, `${rules}.moved`);
  try {
    const caseDir = join(userDir, "cases", "alice-no-rules");
    const result = await oclog(["investigate", "--user", "alice", "--case-dir", caseDir, "--no-progress"], { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString });
    t.is(result.code, 3, result.stdout + result.stderr);
    t.regex(result.stdout, /did not run/);
    t.regex(readFileSync(join(caseDir, "report.md"), "utf8"), /reinstall oclog/);
  } finally {
    renameSync(`${rules}.moved`, rules);
  }
});

test.serial("demo data missing from the install: demo fails with what is missing and what to do, not a crash", async (t) => {
  if (!installed.ok) return t.fail(installed.why);
  const capture = join(prefix, "lib", "node_modules", "oclog", "test", "fixtures", "openclaw-2026.9.6");
  renameSync(capture, `${capture}.moved`);
  try {
    const demo = await oclog(["demo"]);
    t.not(demo.code, 0);
    t.regex(demo.stderr, /the demo's capture is missing/);
    t.regex(demo.stderr, /reinstall oclog/);
    t.notRegex(demo.stderr, /bug in oclog/);
  } finally {
    renameSync(`${capture}.moved`, capture);
  }
});
