// Issue 20, `oclog sql`: it claims to be read-only, so no statement may read a host file, write a
// file, attach another case or undo the sandbox. Every attack in test/hostile/corpus/sql/ is planted
// against a real case (built by `oclog investigate` from the demo incident in a real Azurite), plus
// seeded random statements built from the case's own rows; ordinary queries must still work.
import test from "ava";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openCaseReadOnly, runInvestigation, Sensitive } from "@oclog/investigate";
import { buildDemoIncident, DEMO_FIXTURES, uploadIncident } from "@oclog/test-kit/demo";
import { startAzurite, type Azurite } from "@oclog/test-kit/azurite";
import { Dice, HOSTILE_STRINGS, hostileString } from "../../../test/hostile/hostile-random.js";
import { runCli } from "./run-cli.js";

const corpus = fileURLToPath(new URL("../../../test/hostile/corpus/sql/", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "oclog-sql-hostile-"));
const caseDir = join(root, "case");
const otherDir = join(root, "other");
const outDir = join(root, "out");
let azurite: Azurite;

test.before(async () => {
  azurite = await startAzurite();
  const incident = buildDemoIncident(DEMO_FIXTURES);
  await uploadIncident(azurite.connectionString, incident);
  for (const dir of [caseDir, otherDir]) {
    await runInvestigation({ user: incident.user, connectionString: new Sensitive(azurite.connectionString), caseDir: dir, oclogVersion: "test" });
  }
  mkdirSync(outDir);
});
test.after.always(async () => {
  await azurite?.stop();
});

/** Every file under `dir` with its SHA-256: what must not change. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else out[path] = createHash("sha256").update(readFileSync(path)).digest("hex");
    }
  };
  walk(dir);
  return out;
}

const plant = (text: string) => text.replaceAll("{{CASE}}", caseDir).replaceAll("{{OTHER}}", otherDir).replaceAll("{{OUT}}", outDir);

test.serial("ordinary queries still answer, as a table and as --json lines", async (t) => {
  const json = await runCli("sql", caseDir, "SELECT category, count(*)::INTEGER AS n FROM events GROUP BY 1 ORDER BY 1", "--json");
  t.is(json.code, 0, json.stderr);
  const rows = json.stdout.trim().split("\n").map((line) => JSON.parse(line) as { category: string; n: number });
  t.true(rows.length > 1);
  t.true(rows.every((row) => typeof row.category === "string" && row.n > 0));
  const table = await runCli("sql", caseDir, "WITH t AS (SELECT count(*) AS n FROM quarantine) FROM t");
  t.is(table.code, 0, table.stderr);
  t.regex(table.stdout, /^n\n-+\n0\n\(1 row\)/);
  for (const query of ["DESCRIBE events", "SHOW TABLES", "SUMMARIZE evidence_files", "SELECT * FROM duckdb_tables() ORDER BY table_name"]) {
    const result = await runCli("sql", caseDir, query, "--json");
    t.is(result.code, 0, `${query}: ${result.stderr}`);
    t.true(result.stdout.trim().length > 0, query);
  }
});

test.serial("every planted attack is refused with a clear message, and nothing on disk changes", async (t) => {
  const files = readdirSync(corpus).filter((name) => name.endsWith(".sql"));
  t.true(files.length >= 20);
  const before = { ...snapshot(caseDir), ...snapshot(otherDir), ...snapshot(outDir) };
  for (const name of files) {
    const text = plant(readFileSync(join(corpus, name), "utf8"));
    const [first, ...rest] = text.split("\n");
    const expect = new RegExp(first!.replace(/^-- expect: /, ""), "i");
    const result = await runCli("sql", caseDir, rest.join("\n"), "--json");
    t.is(result.code, 2, `${name}: exit ${result.code}, ${result.stdout}${result.stderr}`);
    t.regex(result.stderr, expect, name);
    t.is(result.stdout, "", `${name} printed rows`);
  }
  t.deepEqual({ ...snapshot(caseDir), ...snapshot(otherDir), ...snapshot(outDir) }, before, "no file was written, deleted or changed");
  const other = await runCli("sql", otherDir, "SELECT count(*) AS n FROM events", "--json");
  t.true((JSON.parse(other.stdout) as { n: number }).n > 0, "the other case still has its events");
});

test.serial("a refusal names the statement kind and says what to do instead", async (t) => {
  const copy = await runCli("sql", caseDir, `COPY (SELECT 1) TO '${caseDir}/report.html'`);
  t.is(copy.code, 2);
  t.regex(copy.stderr, /outside the case database/);
  t.regex(copy.stderr, /timeline\.csv|copy of case\.duckdb/, "the hint says how to export instead");
  const del = await runCli("sql", caseDir, "DELETE FROM events");
  t.regex(del.stderr, /read-only: it refuses DELETE statements/);
});

test.serial("--max-rows limits what is read, not only what is printed", async (t) => {
  // Rows past the first few thousand raise an error when produced: a query that read them all fails.
  const query = "SELECT CASE WHEN range < 200000 THEN range ELSE error('read past --max-rows') END AS n FROM range(10000000)";
  const limited = await runCli("sql", caseDir, query, "--json", "--max-rows", "5");
  t.is(limited.code, 0, limited.stderr);
  t.deepEqual(limited.stdout.trim().split("\n").map((line) => (JSON.parse(line) as { n: string | number }).n.toString()), ["0", "1", "2", "3", "4"]);
  t.regex(limited.stderr, /stopped after --max-rows 5 rows/);
  const table = await runCli("sql", caseDir, "SELECT range FROM range(10)", "--max-rows", "3");
  t.regex(table.stdout, /\(3 rows, stopped at --max-rows 3; the query has more\)/);
  const whole = await runCli("sql", caseDir, "SELECT range FROM range(3)", "--max-rows", "3");
  t.regex(whole.stdout, /\(3 rows\)$/m, "exactly max rows is not a cut");
  const unbounded = await runCli("sql", caseDir, query, "--json", "--max-rows", "300000");
  t.is(unbounded.code, 2, "the same query reading past the error fails: the limit above is what kept it out");
  t.regex(unbounded.stderr, /read past --max-rows/);
});

test.serial("seeded random statements from the case's own rows: exit 0 or a typed refusal, never a write", async (t) => {
  const messages = (await runCli("sql", caseDir, "SELECT DISTINCT coalesce(message, '') AS m FROM events WHERE message IS NOT NULL ORDER BY 1 LIMIT 40", "--json")).stdout
    .trim()
    .split("\n")
    .map((line) => (JSON.parse(line) as { m: string }).m);
  t.true(messages.length > 5);
  const attacks = readdirSync(corpus)
    .filter((name) => name.endsWith(".sql"))
    .map((name) => plant(readFileSync(join(corpus, name), "utf8")).split("\n").slice(1).join("\n").trim());
  const before = { ...snapshot(caseDir), ...snapshot(otherDir), ...snapshot(outDir) };
  const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
  for (let i = 0; i < 60; i++) {
    const seed = `sql-hostile-${i}`;
    const dice = new Dice(seed);
    const literal = hostileString(dice, dice.pick(messages)).replaceAll("\0", "");
    const shapes = [
      () => `SELECT count(*) AS n FROM events WHERE message = ${quote(literal)}`,
      () => `SELECT ${quote(literal)} AS x`,
      () => `SELECT 1 AS x; ${dice.pick(attacks)}`,
      () => `/* ${literal.replaceAll("*/", "")} */ ${dice.pick(attacks)}`,
      () => `SELECT * FROM events WHERE message = ${quote(literal)} -- ${dice.pick(HOSTILE_STRINGS).replaceAll("\n", " ")}\n; ${dice.pick(attacks)}`,
      () => `WITH x AS (SELECT ${quote(literal)} AS m) SELECT * FROM x, read_text(${quote(dice.pick(["/etc/passwd", `${otherDir}/manifest.json`, `${caseDir}/custody.jsonl`]))})`,
      () => `SELECT * FROM ${quote(`${otherDir}/case.duckdb`)}`,
    ];
    const sql = dice.pick(shapes)();
    const result = await runCli("sql", caseDir, sql, "--json", "--max-rows", "3");
    t.true(result.code === 0 || result.code === 2, `${seed}: exit ${result.code} ${result.stderr}`);
    if (result.code === 2) t.regex(result.stderr, /oclog sql|query failed/, seed);
    if (result.code === 0) t.true(result.stdout.split("\n").filter(Boolean).length <= 3, seed);
  }
  t.deepEqual({ ...snapshot(caseDir), ...snapshot(otherDir), ...snapshot(outDir) }, before, "no statement changed any file");
  t.true(statSync(join(caseDir, "case.duckdb")).isFile());
});

test.serial("the reader's sandbox holds on its own: statements the filter refuses also fail when run directly", async (t) => {
  // Defence in depth: hunt and ingest read cases through the same reader without oclog sql's filter.
  const before = { ...snapshot(caseDir), ...snapshot(otherDir), ...snapshot(outDir) };
  const { connection, close } = await openCaseReadOnly(caseDir);
  try {
    for (const name of readdirSync(corpus).filter((n) => n.endsWith(".sql"))) {
      const statement = plant(readFileSync(join(corpus, name), "utf8")).split("\n").slice(1).join("\n");
      // Harmless when run alone, or not one attack: the snapshot below still proves they wrote nothing.
      // (PRAGMA enable_profiling is a per-connection switch the lock does not cover; with its output
      // path locked to "" it writes no file. oclog sql refuses it by statement type anyway.)
      if (/^SELECT 1; SELECT 2|^\/\*|^BEGIN|^CALL|^CHECKPOINT|^EXPLAIN ANALYZE|^PRAGMA enable_profiling|^SELECT count\(\*\) FROM events; COPY/.test(statement.trim())) continue;
      await t.throwsAsync(connection.run(statement), undefined, name);
    }
    await t.throwsAsync(connection.run("SET enable_external_access = true"), { message: /configuration has been locked/ });
    await t.throwsAsync(connection.run("SET lock_configuration = false"), { message: /locked/ });
    await t.throwsAsync(connection.run(`PRAGMA profiling_output = '${outDir}/profile.json'`), { message: /locked/ });
    t.is((await connection.runAndReadAll("SELECT current_setting('enable_external_access') AS v")).getRowObjectsJson()[0]!.v, false);
  } finally {
    close();
  }
  t.deepEqual({ ...snapshot(caseDir), ...snapshot(otherDir), ...snapshot(outDir) }, before);
});
