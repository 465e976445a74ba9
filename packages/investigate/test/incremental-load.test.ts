// The warm case (load/case-database.ts, `incremental`): appending the files an earlier load did
// not have must give exactly the tables a rebuild from all files gives: records, quarantine (with
// planted faults, a blob over a limit, a damaged gzip), events (with a time window), the collector's
// re-sent batch set aside once, tool_steps and session_steps. And an earlier load is reused only
// when it can be: the same settings, the same bytes, nothing missing.
import test from "ava";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import { caseTables } from "./case-tables.js";
import { CaseDatabase, type EvidenceFile, type LoadOptions } from "../src/index.js";
import { SOURCE_NAMES, recordsTableName } from "@oclog/schema";
import { readFixture } from "../../../test/scenarios/fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "oclog-incremental-"));

function write(name: string, content: Buffer): EvidenceFile {
  const path = join(dir, "evidence", ...name.split("/"));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return { blob: name, path, sha256: createHash("sha256").update(content).digest("hex") };
}

// Real Fluent Bit blobs of three scenarios (transcripts, the ledger with oclog_id, the gateway log).
const real = ["prompt-injection-exfil", "sandbox-probing", "credential-hunting"].flatMap((scenario) =>
  readFixture(scenario)!.blobs.map((b) => write(b.name, gzipSync(`${b.lines.join("\n")}\n`))),
);
const ledgerLine = real.map((f) => gunzipLines(f.path).find((l) => l.includes('"oclog_id":"') && l.includes('"oclog_source":"ledger"'))).find(Boolean)!;
function gunzipLines(path: string): string[] {
  return gunzipSync(readFileSync(path)).toString("utf8").split("\n").filter(Boolean);
}
const planted = (n: number, lines: string[]) => write(`oclog/sc-x/openclaw.gateway/2026/12/05/11/openclaw.gateway.${"p".repeat(60)}${n}.${1796466000000 + n}.gz`, gzipSync(`${lines.join("\n")}\n`));

const options = (name: string, extra: Partial<LoadOptions> = {}): LoadOptions => ({
  maxLineBytes: 64 * 1024,
  workDir: join(dir, `work-${name}`),
  containerUser: "sc-prompt-injection-exfil",
  // The window keeps some records out, and the limits make one blob stop early.
  since: new Date("2026-12-05T10:25:00Z"),
  limits: { maxBlobLines: 40 },
  incremental: true,
  loaderVersion: "test",
  ...extra,
});

test.serial("appending the new files gives exactly the tables a rebuild from all of them gives; then nothing new is reused as it is", async (t) => {
  const faults = planted(1, [ledgerLine, "not json", `{"0":"${"x".repeat(70 * 1024)}"}`, '{"foo":1}']);
  const resent = planted(2, [ledgerLine]); // the collector re-sent a batch: a duplicate, set aside once
  const whole = gzipSync(`${gunzipLines(real[0]!.path).join("\n")}\n`);
  const damaged = write("oclog/sc-x/openclaw.gateway/2026/12/05/11/openclaw.gateway.damaged.1796466009999.gz", whole.subarray(0, Math.floor(whole.length * 0.6)));
  const all = [...real, faults, resent, { ...damaged, damaged: "truncated gzip" }];
  const half = [...real.slice(0, Math.ceil(real.length / 2)), faults];

  const cold = await CaseDatabase.open(join(dir, "cold.duckdb"));
  const coldResult = await cold.load(all, options("cold", { incremental: false }));
  const coldTables = await caseTables(cold);
  cold.close();
  t.is(coldResult.mode, "rebuilt");
  t.true(coldResult.quarantined >= 5 && coldResult.eventsOutsideWindow > 0 && coldResult.blobProblems.length > 0, JSON.stringify(coldResult));

  const warm = await CaseDatabase.open(join(dir, "warm.duckdb"));
  t.is((await warm.load(half, options("warm-1"))).mode, "rebuilt", "an empty database is built");
  const appended = await warm.load(all, options("warm-2"));
  t.is(appended.mode, "appended");
  t.is(appended.filesLoaded, all.length - half.length);
  const warmTables = await caseTables(warm);
  for (const name of Object.keys(coldTables)) t.deepEqual(warmTables[name], coldTables[name], `${name}: appended = rebuilt`);
  // filesLoaded, filesReadTyped and filesMeasured are about this load's files, the rest about the whole case.
  const { mode: _a, filesLoaded: _b, filesReadTyped: _e, filesMeasured: _g, toolSteps: appendedSteps, ...appendedCounts } = appended;
  const { mode: _c, filesLoaded: _d, filesReadTyped: _f, filesMeasured: _h, toolSteps: _i, ...coldCounts } = coldResult;
  t.is(appendedSteps?.mode, "appended", "only the new blobs' tool calls were classified");
  t.true(appendedSteps!.classified > 0 && appendedSteps!.classified < appendedSteps!.steps, JSON.stringify(appendedSteps));
  t.deepEqual(appendedCounts, coldCounts, "the accounting is the whole case's");
  t.true(coldTables.quarantine!.some((q) => String((q as { reason: string }).reason).startsWith("duplicate of an earlier record")), "the re-sent record is set aside");

  const again = await warm.load(all, options("warm-3"));
  t.is(again.mode, "reused");
  t.deepEqual(await caseTables(warm), coldTables);
  warm.close();
});

test.serial("an earlier load is rebuilt, never appended to, when a setting, a file's bytes or a file differ", async (t) => {
  const db = await CaseDatabase.open(join(dir, "guard.duckdb"));
  try {
    await db.load(real, options("g1"));
    t.is((await db.load(real, options("g2", { limits: { maxBlobLines: 41 } }))).mode, "rebuilt", "another limit");
    t.is((await db.load(real, options("g3", { limits: { maxBlobLines: 41 } }))).mode, "reused");
    t.is((await db.load(real, { ...options("g5", { limits: { maxBlobLines: 41 } }), loaderVersion: "other" })).mode, "rebuilt", "another oclog");
    const changed = real.map((f, i) => (i === 0 ? { ...f, sha256: "0".repeat(64) } : f));
    t.is((await db.load(changed, { ...options("g6", { limits: { maxBlobLines: 41 } }), loaderVersion: "other" })).mode, "rebuilt", "other bytes");
    t.is((await db.load(real.slice(1), { ...options("g7", { limits: { maxBlobLines: 41 } }), loaderVersion: "other" })).mode, "rebuilt", "a file loaded before is gone");
    t.is((await db.load(real, { ...options("g8", { limits: { maxBlobLines: 41 } }), loaderVersion: "other", incremental: false })).mode, "rebuilt", "not asked to append");
  } finally {
    db.close();
  }
});

test.serial("a case in the layout of an earlier oclog (`records` one wide table, no table per source) is rebuilt, and `records` is a view after", async (t) => {
  const db = await CaseDatabase.open(join(dir, "older-layout.duckdb"));
  try {
    const first = await db.load(real, options("o1"));
    for (const source of SOURCE_NAMES) await db.connection.run(`DROP TABLE ${recordsTableName(source)}`);
    await db.connection.run("DROP VIEW records");
    await db.connection.run("CREATE TABLE records (blob VARCHAR, line BIGINT, r JSON, source VARCHAR, variant VARCHAR)");
    const again = await db.load(real, options("o2"));
    t.is(again.mode, "rebuilt");
    t.is(again.records, first.records);
    t.is(Number((await db.connection.runAndReadAll("SELECT count(*) FROM duckdb_views() WHERE view_name = 'records'")).getRows()[0]![0]), 1);
    t.is(Number((await db.connection.runAndReadAll("SELECT count(*) FROM records")).getRows()[0]![0]), first.records);
  } finally {
    db.close();
  }
});

test.serial("a load killed in the middle of an append (the state marked loading, the kept records moved aside, new ones half loaded) is rebuilt, not appended to", async (t) => {
  const want = await coldCaseTables("crash-cold", "c0");
  const db = await CaseDatabase.open(join(dir, "crash.duckdb"));
  try {
    await db.load(real.slice(0, 2), options("c1"));
    // What #append leaves when the process dies mid-way: the state marked, no `records` view,
    // a source's kept records renamed aside and its table holding only new rows (one here).
    await db.connection.run("UPDATE load_state SET key = 'loading'");
    await db.connection.run("DROP VIEW records");
    await db.connection.run("ALTER TABLE records_gateway_log RENAME TO records_gateway_log_kept");
    await db.connection.run("CREATE TABLE records_gateway_log AS SELECT *, NULL::VARCHAR AS reason, NULL::VARCHAR AS raw_prefix FROM records_gateway_log_kept LIMIT 1");
    const after = await db.load(real, options("c2"));
    t.is(after.mode, "rebuilt");
    t.deepEqual(await caseTables(db), want);
    t.is(Number((await db.connection.runAndReadAll("SELECT count(*) FROM duckdb_tables() WHERE ends_with(table_name, '_kept')")).getRows()[0]![0]), 0, "no table moved aside is left");
    // And the same with only the state marked (died before anything was moved).
    await db.connection.run("UPDATE load_state SET key = 'loading'");
    t.is((await db.load(real, options("c3"))).mode, "rebuilt");
  } finally {
    db.close();
  }
});

/** Loads `files` into the case at `path` with DuckDB's trace log on; returns the load and how many vacuum steps its checkpoints took. */
async function vacuumsWhileLoading(path: string, files: EvidenceFile[], name: string, vacuumTasks?: number): Promise<{ mode: string; vacuums: number }> {
  const db = await CaseDatabase.open(path);
  try {
    if (vacuumTasks !== undefined) await db.connection.run(`SET max_vacuum_tasks = ${vacuumTasks}`);
    await db.connection.run("CALL enable_logging(level = 'trace')");
    const { mode } = await db.load(files, options(name));
    await db.connection.run("CHECKPOINT");
    const logged = await db.connection.runAndReadAll("SELECT count(*) FROM duckdb_logs WHERE type = 'Checkpoint' AND contains(message, '''type'': vacuum')");
    return { mode: String(mode), vacuums: Number(logged.getRows()[0]![0]) };
  } finally {
    db.close();
  }
}

test.serial("a warm append's checkpoints merge no row groups the case already has (DuckDB's vacuum would rewrite the end of `events` in the first warm run)", async (t) => {
  // Each load leaves an under-filled last row group in `events`: two earlier loads make two.
  const [first, second] = [real.slice(0, Math.ceil(real.length / 3)), real.slice(0, Math.ceil((2 * real.length) / 3))];
  const build = async (name: string) => {
    const path = join(dir, `${name}.duckdb`);
    const db = await CaseDatabase.open(path);
    await db.load(first, options(`${name}-1`));
    await db.load(second, options(`${name}-2`));
    db.close();
    return path;
  };
  t.deepEqual(await vacuumsWhileLoading(await build("vacuum-off"), real, "vacuum-off-3"), { mode: "appended", vacuums: 0 });
  // The same with DuckDB's default, to show that the case above is one where a vacuum happens.
  const withVacuum = await vacuumsWhileLoading(await build("vacuum-on"), real, "vacuum-on-3", 100);
  t.is(withVacuum.mode, "appended");
  t.true(withVacuum.vacuums > 0, JSON.stringify(withVacuum));
});

test.serial("a new case is written in DuckDB 1.3's storage format (smaller and faster to write than DuckDB's default for old readers)", async (t) => {
  const db = await CaseDatabase.open(join(dir, "format.duckdb"));
  try {
    await db.load(real.slice(0, 1), options("format"));
    const tags = await storageTags(db);
    t.deepEqual(tags, [{ key: "storage_version", value: "v1.3.0+" }]);
  } finally {
    db.close();
  }
});

test.serial("a case file in DuckDB's older storage format (made by an earlier oclog) is loaded and appended to as it is, and keeps its format", async (t) => {
  const want = await coldCaseTables("old-format-cold", "old-format-cold");
  const path = join(dir, "old-format.duckdb");
  // DuckDB's own default format, as every case before c2cbf71 was written.
  const older = await DuckDBInstance.create(path, { storage_compatibility_version: "v0.10.2" });
  older.closeSync();
  const db = await CaseDatabase.open(path);
  try {
    await db.load(real.slice(0, 2), options("old-format-1"));
    t.is((await db.load(real, options("old-format-2"))).mode, "appended");
    t.deepEqual(await caseTables(db), want);
    const tags = await storageTags(db);
    t.deepEqual(tags, [{ key: "storage_version", value: "v1.0.0+" }]);
  } finally {
    db.close();
  }
});

/** The tables of a case built by one cold load of every real file (what an append must end with). */
async function coldCaseTables(file: string, name: string) {
  const cold = await CaseDatabase.open(join(dir, `${file}.duckdb`));
  try {
    await cold.load(real, options(name, { incremental: false }));
    return await caseTables(cold);
  } finally {
    cold.close();
  }
}

/** The storage format tags DuckDB reports for a case file. */
async function storageTags(db: CaseDatabase): Promise<unknown> {
  return (await db.connection.runAndReadAll("SELECT tags FROM duckdb_databases() WHERE database_name = current_database()")).getRowsJson()[0]![0];
}

/** Runs load-child.ts on a job; resolves with its output, or the signal that ended it. */
function loadInChild(job: object, name: string): Promise<{ signal: string | null; stdout: string; stderr: string }> {
  const jobPath = join(dir, `${name}.job.json`);
  writeFileSync(jobPath, JSON.stringify(job));
  const child = fileURLToPath(new URL("./load-child.ts", import.meta.url));
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", "--conditions=oclog-source", child, jobPath], (error, stdout, stderr) => {
      resolve({ signal: (error as { signal?: string } | null)?.signal ?? null, stdout, stderr });
    });
  });
}

test.serial("a load killed with SIGKILL at each statement of an append where the case changes state (a real crash: no cleanup, no checkpoint) leaves a case the next load makes whole", async (t) => {
  const want = await coldCaseTables("kill-cold", "k-cold");
  const base = join(dir, "kill-base.duckdb");
  const first = await CaseDatabase.open(base);
  await first.load(real.slice(0, 2), options("k-base"));
  first.close();
  const copyOfBase = (name: string) => {
    const path = join(dir, `${name}.duckdb`);
    copyFileSync(base, path);
    if (existsSync(`${base}.wal`)) copyFileSync(`${base}.wal`, `${path}.wal`);
    return path;
  };
  const { since, ...rest } = options("k-child");
  const job = (dbPath: string, killAt: number) => ({ dbPath, files: real, options: { ...rest, since: since!.toISOString() }, killAt });

  // The whole append once, to list its statements and see that it appends.
  const whole = await loadInChild(job(copyOfBase("kill-count"), 0), "kill-count");
  t.is(whole.signal, null, whole.stderr);
  const { sql, mode } = JSON.parse(whole.stdout) as { sql: string[]; mode: string };
  t.is(mode, "appended");
  // Killed where the case changes state: marked loading, the kept records moved aside, the new
  // events inserted, a kept table dropped before its rename back, the views made again, the
  // state rewritten, and the last statement.
  const at = (pattern: RegExp) => {
    const index = sql.findIndex((statement) => pattern.test(statement));
    t.not(index, -1, `the append runs a statement like ${pattern}`);
    return index + 1;
  };
  const points = [
    at(/^UPDATE load_state SET key = 'loading'/),
    at(/^ALTER TABLE \w+ RENAME TO \w+_kept$/),
    at(/^INSERT INTO events /),
    at(/^DROP TABLE records_/),
    at(/^CREATE OR REPLACE VIEW records /),
    at(/^DELETE FROM load_state/),
    sql.length,
  ];
  for (const killAt of points) {
    const path = copyOfBase(`kill-${killAt}`);
    const killed = await loadInChild(job(path, killAt), `kill-${killAt}`);
    t.is(killed.signal, "SIGKILL", `killed at statement ${killAt}: ${sql[killAt - 1]}; ${killed.stderr}`);
    const db = await CaseDatabase.open(path);
    try {
      const again = await db.load(real, options(`k-again-${killAt}`));
      t.deepEqual(await caseTables(db), want, `killed at statement ${killAt} (${sql[killAt - 1]}), then loaded again (${again.mode})`);
      t.is(Number((await db.connection.runAndReadAll("SELECT count(*) FROM duckdb_tables() WHERE ends_with(table_name, '_kept')")).getRows()[0]![0]), 0, `no table moved aside is left (killed at ${killAt})`);
    } finally {
      db.close();
    }
  }
});
