// The analysis step (analysis.ts): the rules read by prepare() while the evidence loads are the
// rules run(), and one analysis run twice reports each rule problem once per run. A run killed
// while the timeline is written leaves a temporary file; the next analysis removes it and writes
// the same files as a run never killed.
import test from "ava";
import { createHash } from "node:crypto";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CaseDatabase, type EvidenceFile } from "../src/index.js";
import { detectAndReport } from "../src/analysis.js";
import { timelineSelectSql } from "../src/reports/timeline-export.js";
import type { AnalysisContext } from "../src/investigation.js";
import { generateLogs } from "../benchmarks/generate-logs.js";

const dir = mkdtempSync(join(tmpdir(), "oclog-analysis-"));
const generated = generateLogs(join(dir, "blobs"), 300_000, "alice", Date.parse("2026-11-24T00:00:00Z"), 100_000);
const evidence: EvidenceFile[] = generated.blobs.map((blob) => {
  const path = join(generated.dir, blob);
  return { blob, path, sha256: createHash("sha256").update(readFileSync(path)).digest("hex") };
});

async function loadedCase(name: string, files: EvidenceFile[] = evidence) {
  const caseDir = join(dir, name);
  mkdirSync(caseDir);
  const db = await CaseDatabase.open(join(caseDir, "case.duckdb"));
  const load = await db.load(files, { maxLineBytes: 1 << 20, workDir: join(caseDir, "work"), containerUser: "alice", loaderVersion: "test" });
  const ctx: AnalysisContext = { caseId: name, caseDir, user: "alice", container: "oclog-alice", load, blobs: files.length, bytes: 0 };
  return { db, ctx };
}

test("rules read by prepare() during the load are the ones run() uses: the same findings as without it", async (t) => {
  const plain = await loadedCase("plain");
  const early = await loadedCase("early");
  try {
    const withoutPrepare = await detectAndReport({ oclogVersion: "test", tz: "UTC" }).run(plain.db, plain.ctx);
    const analysis = detectAndReport({ oclogVersion: "test", tz: "UTC" });
    analysis.prepare!();
    const withPrepare = await analysis.run(early.db, early.ctx);
    const summary = (r: typeof withPrepare) => r.findings.map((f) => `${f.detection.id}:${f.count}`);
    t.true(withPrepare.findings.length > 0, "the generated day has findings");
    t.deepEqual(summary(withPrepare), summary(withoutPrepare));
    t.deepEqual(withPrepare.detectionErrors, []);
  } finally {
    plain.db.close();
    early.db.close();
  }
});

test("a rules folder without rules says so once per run, however often the analysis runs", async (t) => {
  const { db, ctx } = await loadedCase("no-rules");
  const empty = join(dir, "empty-rules");
  mkdirSync(empty);
  try {
    const analysis = detectAndReport({ oclogVersion: "test", tz: "UTC", detectionsDir: empty });
    analysis.prepare!();
    for (const run of [1, 2]) {
      const result = await analysis.run(db, ctx);
      t.is(result.findings.length, 0);
      t.deepEqual(result.detectionErrors.map((e) => e.file), [empty], `run ${run}`);
      t.regex(result.detectionErrors[0]!.reason, /no rule files/);
    }
  } finally {
    db.close();
  }
});

test("the reports' folder is made when it does not exist yet (the timeline is written first)", async (t) => {
  const { db, ctx } = await loadedCase("folder-made");
  const reportsDir = join(dir, "not-yet", "reports");
  try {
    const result = await detectAndReport({ oclogVersion: "test", tz: "UTC" }).run(db, { ...ctx, caseDir: reportsDir });
    for (const path of Object.values(result.reports)) t.true(path.startsWith(reportsDir) && existsSync(path), path);
    t.true(readFileSync(join(reportsDir, "timeline.jsonl"), "utf8").split("\n").length > 100);
  } finally {
    db.close();
  }
});

/** A pid no process has now: a child that already exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""]);
  await once(child, "exit");
  return child.pid!;
}

test("killed after a timeline COPY, before its rename: the next analysis removes the left temporary file and writes what a clean run writes", async (t) => {
  const clean = await loadedCase("clean-reference");
  try {
    await detectAndReport({ oclogVersion: "test", tz: "UTC" }).run(clean.db, clean.ctx);
  } finally {
    clean.db.close();
  }
  const { db, ctx } = await loadedCase("killed");
  db.close();
  const jobPath = join(dir, "kill-job.json");
  writeFileSync(jobPath, JSON.stringify({ dbPath: join(ctx.caseDir, "case.duckdb"), caseDir: ctx.caseDir, ctx }));
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=oclog-source", fileURLToPath(new URL("./analysis-child.ts", import.meta.url)), jobPath], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const [code, signal] = (await once(child, "exit")) as [number | null, string | null];
  t.is(signal, "SIGKILL", `the child ended by ${signal ?? `exit ${code}`}: ${out}`);
  t.true(out.includes("copied") && !out.includes("finished"));
  const left = readdirSync(ctx.caseDir).filter((name) => /\.tmp-\d+-[0-9a-f]{8}$/.test(name));
  t.true(left.length >= 1, "the kill left a temporary timeline file");

  // Another writer's temporary file (a live process), and a file that only looks like one, stay.
  const otherWriter = `report.html.tmp-${process.pid}-0123abcd`;
  const notOurs = `notes.txt.tmp-${await deadPid()}-0123abcd`;
  const deadWriter = `report.md.tmp-${await deadPid()}-89abcdef`;
  for (const name of [otherWriter, notOurs, deadWriter]) writeFileSync(join(ctx.caseDir, name), "partial");

  const reopened = await CaseDatabase.open(join(ctx.caseDir, "case.duckdb"));
  try {
    await detectAndReport({ oclogVersion: "test", tz: "UTC" }).run(reopened, ctx);
  } finally {
    reopened.close();
  }
  const after = readdirSync(ctx.caseDir);
  for (const name of [...left, deadWriter]) t.false(after.includes(name), `${name} removed`);
  t.true(after.includes(otherWriter) && after.includes(notOurs));
  for (const file of ["timeline.jsonl", "timeline.csv"]) {
    t.true(readFileSync(join(ctx.caseDir, file)).equals(readFileSync(join(clean.ctx.caseDir, file))), `${file} as a clean run writes it`);
  }
});

test("the timeline joins each event to its session step by hash, never by nested loop (real cases have a call id per call)", async (t) => {
  // 2 MB: several passes over the capture's gateway log and its transcript.
  const more = generateLogs(join(dir, "more"), 2_000_000, "alice", Date.parse("2026-11-24T00:00:00Z"), 400_000);
  const { db } = await loadedCase("plan", more.blobs.map((blob) => ({ blob, path: join(more.dir, blob), sha256: createHash("sha256").update(readFileSync(join(more.dir, blob))).digest("hex") })));
  try {
    const count = async (sql: string) => Number((await db.connection.runAndReadAll(sql)).getRows()[0]![0]);
    // The generated logs are what the bench measures: every pass over the capture has its own ids.
    // The capture has 7 call ids and one gateway session; 300 KB of logs pass over it several times.
    const callIds = await count("SELECT count(DISTINCT call_id) FROM session_steps");
    const sessions = await count("SELECT count(DISTINCT session_id) FROM session_steps");
    t.true(callIds >= 20 && sessions > 2, `${callIds} distinct call ids, ${sessions} sessions in the generated case`);
    const plan = (await db.connection.runAndReadAll(`EXPLAIN ${timelineSelectSql("events", false, "session_steps")}`)).getRows().map((row) => String(row.at(-1))).join("\n");
    t.regex(plan, /HASH_JOIN/);
    // A join condition that is not on keys alone made DuckDB compare every event with every step (57 s for 1 GB of logs).
    t.notRegex(plan, /NESTED_LOOP_JOIN|BLOCKWISE_NL_JOIN|PIECEWISE_MERGE_JOIN|CROSS_PRODUCT/);
  } finally {
    db.close();
  }
});
