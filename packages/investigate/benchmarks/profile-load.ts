/**
 * Where the load's time goes, statement by statement: generates OCLOG_BENCH_MB (default 256) of
 * realistic shipped logs, loads them into a fresh case database, runs the detections and writes
 * the reports, and prints the slowest statements with their share of the total. Not part of `pnpm bench` (it
 * measures no ratio); run it when a ratio of investigate.bench.ts needs explaining:
 *   node --import tsx --conditions=oclog-source packages/investigate/benchmarks/profile-load.ts
 * OCLOG_PROFILE_TOP=N prints N statements (25); OCLOG_PROFILE_KEEP=1 keeps the blobs and the
 * database for trying statements by hand.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBConnection } from "@duckdb/node-api";
import { CaseDatabase } from "../src/load/case-database.js";
import { detectAndReport } from "../src/analysis.js";
import { generateLogs } from "./generate-logs.js";

const MB = 1024 * 1024;
const timings: { sql: string; seconds: number }[] = [];

// Every statement through the connection is timed where it runs; nothing else changes.
for (const method of ["run", "runAndReadAll"] as const) {
  const original = DuckDBConnection.prototype[method] as (this: DuckDBConnection, sql: string, ...rest: unknown[]) => Promise<unknown>;
  (DuckDBConnection.prototype as unknown as Record<string, unknown>)[method] = async function (this: DuckDBConnection, sql: string, ...rest: unknown[]) {
    const started = performance.now();
    try {
      return await original.call(this, sql, ...rest);
    } finally {
      timings.push({ sql: sql.replace(/\s+/g, " ").trim(), seconds: (performance.now() - started) / 1000 });
    }
  };
}

const work = mkdtempSync(join(tmpdir(), "oclog-profile-load-"));
try {
  const generated = generateLogs(join(work, "blobs"), Number(process.env.OCLOG_BENCH_MB ?? 256) * MB);
  const files = readdirSync(generated.dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".gz"))
    .map((e) => join(e.parentPath, e.name));
  console.log(`${files.length} blobs, ${generated.records} records, ${(generated.uncompressedBytes / MB).toFixed(0)} MB`);
  const started = performance.now();
  const db = await CaseDatabase.open(join(work, "case.duckdb"));
  const load = await db.load(files.map((path) => ({ blob: path.slice(generated.dir.length + 1), path })), { maxLineBytes: 4 * MB, workDir: join(work, "w") });
  const loaded = performance.now();
  const analysed = timings.length;
  await detectAndReport({ oclogVersion: "profile", tz: "UTC" }).run(db, {
    caseId: "profile",
    caseDir: join(work, "case"),
    user: "alice",
    container: "oclog-alice",
    load,
    blobs: files.length,
    bytes: generated.compressedBytes,
  });
  const detected = performance.now();
  const analysisSql = timings.slice(analysed).reduce((sum, t) => sum + t.seconds, 0);
  db.close();
  const total = timings.reduce((sum, t) => sum + t.seconds, 0);
  console.log(`load ${((loaded - started) / 1000).toFixed(2)} s (${load.events} events), detections and reports ${((detected - loaded) / 1000).toFixed(2)} s (${analysisSql.toFixed(2)} s of it in SQL); ${timings.length} statements, ${total.toFixed(2)} s in SQL`);
  for (const t of [...timings].sort((a, b) => b.seconds - a.seconds).slice(0, Number(process.env.OCLOG_PROFILE_TOP ?? 25))) {
    console.log(`${t.seconds.toFixed(2).padStart(7)} s ${((100 * t.seconds) / total).toFixed(1).padStart(5)}%  ${t.sql.slice(0, 160)}`);
  }
} finally {
  if (process.env.OCLOG_PROFILE_KEEP === "1") console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
