/**
 * `pnpm bench investigate`: generates realistic shipped logs (OCLOG_BENCH_MB, default 1024 MB
 * uncompressed) in a real Azurite, then measures in the same run:
 *   - end to end: `oclog investigate` vs a naive baseline (sequential download + line-by-line
 *     JSON.parse), target >= 20x;
 *   - load + detect on the local evidence vs a bare DuckDB `read_json` count over the same files,
 *     target <= 1.5x;
 *   - peak RSS of the investigation process, target <= 1 GB.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createGunzip } from "node:zlib";
import { BlobServiceClient } from "@azure/storage-blob";
import { DuckDBInstance } from "@duckdb/node-api";
import { splitLines } from "@oclog/schema";
import { startAzurite, uploadDirectory } from "@oclog/test-kit/azurite";
import { CaseDatabase } from "../src/load/case-database.js";
import { loadDetections, runDetections } from "../src/detect/detections.js";
import type { BenchResult } from "../../../scripts/bench-kit.js";
import { generateLogs } from "./generate-logs.js";

const MB = 1024 * 1024;

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

async function naiveBaseline(connectionString: string): Promise<{ seconds: number; records: number }> {
  const started = performance.now();
  const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient("oclog-alice");
  let records = 0;
  for await (const blob of container.listBlobsFlat()) {
    const response = await container.getBlobClient(blob.name).download();
    const lines = splitLines(response.readableStreamBody!.pipe(createGunzip()), 64 * MB);
    const decoder = new TextDecoder();
    for await (const line of lines) {
      JSON.parse(decoder.decode(line.bytes));
      records++;
    }
  }
  return { seconds: (performance.now() - started) / 1000, records };
}

export async function run(): Promise<BenchResult[]> {
  const targetMb = Number(process.env.OCLOG_BENCH_MB ?? 1024);
  const work = mkdtempSync(join(tmpdir(), "oclog-bench-investigate-"));
  const azurite = await startAzurite({ location: join(work, "azurite") });
  try {
    const generated = generateLogs(join(work, "blobs"), targetMb * MB);
    console.log(`generated ${generated.blobs.length} blobs, ${generated.records.toLocaleString("en-US")} records, ${(generated.uncompressedBytes / MB).toFixed(0)} MB uncompressed (${(generated.compressedBytes / MB).toFixed(0)} MB gzip)`);
    await BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient("oclog-alice").createIfNotExists();
    await uploadDirectory(azurite.connectionString, "oclog-alice", generated.dir);

    const naive = await naiveBaseline(azurite.connectionString);

    const caseDir = join(work, "case");
    const child = spawnSync(
      process.execPath,
      ["--import", "tsx", "--conditions=oclog-source", fileURLToPath(new URL("./investigate-child.ts", import.meta.url)), caseDir],
      { env: { ...process.env, OCLOG_BENCH_CONNECTION_STRING: azurite.connectionString }, encoding: "utf8", maxBuffer: 16 * MB },
    );
    if (child.status !== 0) throw new Error(`investigation failed: ${child.stderr.slice(-2000)}`);
    const oclog = JSON.parse(child.stdout.trim().split("\n").at(-1)!) as { seconds: number; records: number; maxRssBytes: number; stages: { download: number; load: number; analyse: number } };
    if (oclog.records !== generated.records) throw new Error(`oclog loaded ${oclog.records} records, generated ${generated.records}`);

    // Load + detect alone, over the evidence now on disk, against a bare DuckDB scan of it.
    const files = walk(join(caseDir, "evidence")).filter((p) => p.endsWith(".gz"));
    const bareStart = performance.now();
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    const list = `[${files.map((f) => `'${f}'`).join(", ")}]`;
    const bare = await connection.runAndReadAll(`SELECT count(*) FROM read_json(${list}, format = 'newline_delimited')`);
    const bareSeconds = (performance.now() - bareStart) / 1000;
    const bareCount = Number(bare.getRows()[0]![0]);
    // What DuckDB's reader costs when it has to materialize the records, not only count them.
    const typedStart = performance.now();
    await connection.run(`CREATE TEMP TABLE typed AS SELECT * FROM read_json(${list}, format = 'newline_delimited', union_by_name = true)`);
    const typedSeconds = (performance.now() - typedStart) / 1000;
    connection.closeSync();
    instance.closeSync();

    const loadStart = performance.now();
    const db = await CaseDatabase.open(join(work, "bench.duckdb"));
    const load = await db.load(files.map((path) => ({ blob: path.slice(caseDir.length + 1), path })), { maxLineBytes: 4 * MB, workDir: join(work, "w") });
    const detections = await loadDetections();
    await runDetections(db.connection, detections.detections);
    const loadSeconds = (performance.now() - loadStart) / 1000;
    db.close();

    console.log(`  naive: sequential download + JSON.parse       ${naive.seconds.toFixed(1)} s (${naive.records} records)`);
    console.log(`  oclog investigate (end to end, own process)    ${oclog.seconds.toFixed(1)} s  -> ${(naive.seconds / oclog.seconds).toFixed(1)}x faster (target >= 20x)`);
    console.log(`    stages: download ${oclog.stages.download.toFixed(1)} s, load ${oclog.stages.load.toFixed(1)} s, detect + reports ${oclog.stages.analyse.toFixed(1)} s`);
    console.log(`  bare DuckDB read_json count                    ${bareSeconds.toFixed(1)} s (${bareCount} rows)`);
    console.log(`  DuckDB read_json materializing every column   ${typedSeconds.toFixed(1)} s  -> ${(typedSeconds / bareSeconds).toFixed(2)}x the bare scan`);
    console.log(`  oclog load + detect (${load.events} events)      ${loadSeconds.toFixed(1)} s  -> ${(loadSeconds / bareSeconds).toFixed(2)}x the bare scan (target <= 1.5x)`);
    console.log(`  peak RSS of the investigation                  ${(oclog.maxRssBytes / MB).toFixed(0)} MB (target <= 1024 MB)`);
    const suite = `investigate ${(generated.uncompressedBytes / MB).toFixed(0)} MB (records/s)`;
    const result = (name: string, seconds: number): BenchResult => ({ suite, name, items: generated.records, seconds, perSecond: generated.records / seconds, ratio: naive.seconds / seconds });
    return [
      result("naive: sequential download + JSON.parse", naive.seconds),
      result("oclog investigate end to end", oclog.seconds),
      result("bare DuckDB read_json count (local)", bareSeconds),
      result("DuckDB read_json into a table (local)", typedSeconds),
      result("oclog load + detect (local)", loadSeconds),
    ];
  } finally {
    await azurite.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
