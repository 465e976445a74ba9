/**
 * Where the load's time goes, statement by statement: generates OCLOG_BENCH_MB (default 256) of
 * realistic shipped logs, loads them into a fresh case database, runs the detections and writes
 * the reports, and prints the slowest statements with their share of the total. Not part of `pnpm bench` (it
 * measures no ratio); run it when a ratio of investigate.bench.ts needs explaining:
 *   node --import tsx --conditions=oclog-source packages/investigate/benchmarks/profile-load.ts
 * OCLOG_PROFILE_TOP=N prints N statements (25); OCLOG_PROFILE_KEEP=1 keeps the blobs and the
 * database for trying statements by hand; OCLOG_PROFILE_WARM=1 then adds one more day (1/30 of
 * the case), loads it incrementally, analyses again, and profiles that warm run on its own;
 * OCLOG_PROFILE_MEMORY_LIMIT sets DuckDB's memory_limit (512MB, as investigate);
 * OCLOG_PROFILE_LINE_SCAN_ONLY=1 reads every file by the line scan, none by the typed fast path;
 * OCLOG_PROFILE_NO_AUTO_CHECKPOINT=1 leaves the checkpoints to the close, so no statement's time includes one;
 * OCLOG_PROFILE_EXPLAIN=<regex> runs the statements it matches as EXPLAIN ANALYZE and prints their plans;
 * OCLOG_PROFILE_VACUUM_TASKS=<n> sets DuckDB's max_vacuum_tasks (the case's is 0).
 * A kept warm run also keeps `cold.duckdb` and `cold-case/`, the case as the cold run left it;
 * OCLOG_PROFILE_FROM=<kept folder> then starts from those copies and profiles only the warm run.
 * Its load is the warm run's; its timeline is written whole, since the copied files are new inodes
 * and the case rightly takes them for files changed on disk.
 */
import { createHash } from "node:crypto";
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBConnection } from "@duckdb/node-api";
import { CaseDatabase } from "../src/load/case-database.js";
import { detectAndReport } from "../src/analysis.js";
import { generateLogs } from "./generate-logs.js";

const MB = 1024 * 1024;
const timings: { sql: string; seconds: number }[] = [];
const explain = process.env.OCLOG_PROFILE_EXPLAIN ? new RegExp(process.env.OCLOG_PROFILE_EXPLAIN) : undefined;
let depth = 0;
// The statements that raised the process's peak RSS (by more than 20 MB), in order.
const peakMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const rssRises: string[] = [];
let lastPeak = peakMb();

// Every statement through the connection is timed where it runs; nothing else changes.
for (const method of ["run", "runAndReadAll"] as const) {
  const original = DuckDBConnection.prototype[method] as (this: DuckDBConnection, sql: string, ...rest: unknown[]) => Promise<unknown>;
  (DuckDBConnection.prototype as unknown as Record<string, unknown>)[method] = async function (this: DuckDBConnection, sql: string, ...rest: unknown[]) {
    // runAndReadAll goes through run: a statement is timed once, by the outer call.
    if (depth > 0) return original.call(this, sql, ...rest);
    depth++;
    const started = performance.now();
    try {
      if (explain !== undefined && method === "run" && explain.test(sql)) {
        // EXPLAIN ANALYZE runs the statement itself, and returns its plan with each operator's time.
        const planning = performance.now();
        await this.runAndReadAll(`EXPLAIN ${sql}`);
        console.log(`planning alone (EXPLAIN): ${((performance.now() - planning) / 1000).toFixed(2)} s`);
        const plan = await this.runAndReadAll(`EXPLAIN ANALYZE ${sql}`);
        console.log(plan.getRows().map((row) => String(row.at(-1))).join("\n"));
        return plan;
      }
      return await original.call(this, sql, ...rest);
    } catch (error) {
      console.error(`failed: ${sql.replace(/\s+/g, " ").trim().slice(0, 300)}`);
      throw error;
    } finally {
      depth--;
      const peak = peakMb();
      if (peak > lastPeak + 20) rssRises.push(`${String(lastPeak).padStart(5)} -> ${peak} MB  ${sql.replace(/\s+/g, " ").trim().slice(0, 130)}`);
      lastPeak = Math.max(lastPeak, peak);
      timings.push({ sql: sql.replace(/\s+/g, " ").trim(), seconds: (performance.now() - started) / 1000 });
    }
  };
}

function gzFiles(dir: string): { blob: string; path: string; sha256: string }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".gz"))
    .map((e) => join(e.parentPath, e.name))
    .map((path) => ({ blob: path.slice(dir.length + 1), path, sha256: createHash("sha256").update(readFileSync(path)).digest("hex") }));
}

function printTop(label: string, from: number, seconds: number): void {
  const part = timings.slice(from);
  const total = part.reduce((sum, t) => sum + t.seconds, 0);
  console.log(`${label}: ${seconds.toFixed(2)} s, ${part.length} statements, ${total.toFixed(2)} s in SQL`);
  for (const t of [...part].sort((a, b) => b.seconds - a.seconds).slice(0, Number(process.env.OCLOG_PROFILE_TOP ?? 25))) {
    console.log(`${t.seconds.toFixed(2).padStart(7)} s ${((100 * t.seconds) / total).toFixed(1).padStart(5)}%  ${t.sql.slice(0, 160)}`);
  }
}

const from = process.env.OCLOG_PROFILE_FROM;
if (from !== undefined && !existsSync(join(from, "cold.duckdb"))) throw new Error(`OCLOG_PROFILE_FROM=${from} holds no cold.duckdb: keep a warm run first (OCLOG_PROFILE_KEEP=1 OCLOG_PROFILE_WARM=1)`);
const work = from ?? mkdtempSync(join(tmpdir(), "oclog-profile-load-"));
try {
  const targetBytes = Number(process.env.OCLOG_BENCH_MB ?? 256) * MB;
  const memoryLimit = process.env.OCLOG_PROFILE_MEMORY_LIMIT;
  if (from !== undefined) {
    copyFileSync(join(from, "cold.duckdb"), join(from, "case.duckdb"));
    rmSync(join(from, "case.duckdb.wal"), { force: true });
    rmSync(join(from, "case"), { recursive: true, force: true });
    cpSync(join(from, "cold-case"), join(from, "case"), { recursive: true });
  }
  const db = await CaseDatabase.open(join(work, "case.duckdb"), memoryLimit ? { memoryLimit } : {});
  // Checkpoints only when asked and at close: each statement's own time, without the checkpoint its commit may trigger.
  if (process.env.OCLOG_PROFILE_NO_AUTO_CHECKPOINT === "1") await db.connection.run("SET checkpoint_threshold = '1TB'");
  // DuckDB's own default is 100; the case sets 0 (case-database.ts says why).
  if (process.env.OCLOG_PROFILE_VACUUM_TASKS) await db.connection.run(`SET max_vacuum_tasks = ${Number(process.env.OCLOG_PROFILE_VACUUM_TASKS)}`);
  const rss = () => `peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`;
  const analyse = async (load: Awaited<ReturnType<CaseDatabase["load"]>>, blobs: number) =>
    detectAndReport({ oclogVersion: "profile", tz: "UTC" }).run(db, { caseId: "profile", caseDir: join(work, "case"), user: "alice", container: "oclog-alice", load, blobs, bytes: 0 });
  const options = { maxLineBytes: 4 * MB, workDir: join(work, "w"), incremental: true, lineScanOnly: process.env.OCLOG_PROFILE_LINE_SCAN_ONLY === "1" };
  let started = performance.now();
  if (from === undefined) {
    const generated = generateLogs(join(work, "blobs"), targetBytes);
    const files = gzFiles(generated.dir);
    console.log(`${files.length} blobs, ${generated.records} records, ${(generated.uncompressedBytes / MB).toFixed(0)} MB`);
    started = performance.now();
    const load = await db.load(files, options);
    const loaded = performance.now();
    printTop(`load (${load.events} events, ${rss()})`, 0, (loaded - started) / 1000);
    const analysed = timings.length;
    await analyse(load, files.length);
    printTop(`detections and reports (${rss()})`, analysed, (performance.now() - loaded) / 1000);
  }
  if (from !== undefined || process.env.OCLOG_PROFILE_WARM === "1") {
    if (from === undefined) {
      // What the cold run left in the WAL is written now, as closing would: the warm run starts clean.
      const checkpointing = performance.now();
      await db.connection.run("CHECKPOINT");
      console.log(`checkpoint after the cold run: ${((performance.now() - checkpointing) / 1000).toFixed(2)} s`);
      if (process.env.OCLOG_PROFILE_KEEP === "1") {
        copyFileSync(join(work, "case.duckdb"), join(work, "cold.duckdb"));
        cpSync(join(work, "case"), join(work, "cold-case"), { recursive: true });
      }
      generateLogs(join(work, "blobs"), targetBytes / 30, "alice", Date.parse("2026-11-25T00:00:00Z"));
    }
    const all = gzFiles(join(work, "blobs"));
    const warmFrom = timings.length;
    started = performance.now();
    const warmLoad = await db.load(all, options);
    const warmLoaded = performance.now();
    printTop(`warm load (${warmLoad.mode}, ${warmLoad.filesLoaded} files)`, warmFrom, (warmLoaded - started) / 1000);
    const warmAnalysed = timings.length;
    await analyse(warmLoad, all.length);
    printTop("warm detections and reports", warmAnalysed, (performance.now() - warmLoaded) / 1000);
  }
  // Closing checkpoints what the WAL still holds: part of every run's time.
  const closing = performance.now();
  db.close();
  console.log(`close (final checkpoint): ${((performance.now() - closing) / 1000).toFixed(2)} s`);
  console.log("statements that raised the peak RSS:");
  for (const rise of rssRises) console.log(`  ${rise}`);
} finally {
  if (process.env.OCLOG_PROFILE_KEEP === "1" || from !== undefined) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
