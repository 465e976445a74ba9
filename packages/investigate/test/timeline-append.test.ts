// The warm case's timeline (reports/timeline-export.ts): a case kept current appends the new
// day's rows to timeline.jsonl and timeline.csv, and the files are then byte for byte what a
// cold investigation of all the evidence writes. Whenever appending could differ from writing
// whole (rows that sort among the old ones, a file changed on disk, an old session renumbered,
// a host's usual account moved), the files are written whole.
import test from "ava";
import { createHash } from "node:crypto";
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { CaseDatabase, type EvidenceFile, type LoadOptions } from "../src/index.js";
import { exportTimeline, TIMELINE_CSV, TIMELINE_JSONL } from "../src/reports/timeline-export.js";
import { checkEnvelopes } from "../src/load/envelope-checks.js";
import { oldStepsUnchanged } from "../src/load/session-steps.js";
import { writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { blobNameV5, shippedRecord } from "@oclog/test-kit/demo";
import { generateLogs } from "../benchmarks/generate-logs.js";

const dir = mkdtempSync(join(tmpdir(), "oclog-timeline-append-"));
const DAY = 24 * 3600_000;
const day = (n: number): EvidenceFile[] => {
  const generated = generateLogs(join(dir, `day-${n}`), 400_000, "alice", Date.parse("2026-11-24T00:00:00Z") + n * DAY, 100_000);
  return generated.blobs.map((blob) => {
    const path = join(generated.dir, blob);
    return { blob, path, sha256: createHash("sha256").update(readFileSync(path)).digest("hex") };
  });
};
const [day0, day1, day2, day3] = [day(0), day(1), day(2), day(3)];
// A real gateway-log line that belongs to no session, shipped at chosen times from chosen files.
const plainLine = readFileSync(new URL("../../../test/fixtures/openclaw-2026.9.6/gateway.log", import.meta.url), "utf8")
  .split("\n")
  .find((l) => l.startsWith("{") && !/sessionId|toolCallId|embedded|runId/.test(l))!;
/** The plain line stamped at `ms`, as generate-logs.ts re-times its lines. */
function stamped(ms: number): string {
  const record = JSON.parse(plainLine) as Record<string, unknown> & { _meta: Record<string, unknown> };
  const iso = new Date(ms).toISOString();
  return JSON.stringify({ ...record, time: iso.replace("Z", "+00:00"), _meta: { ...record._meta, date: iso } });
}
function handMade(name: string, records: { ms: number; path?: string }[]): EvidenceFile {
  const blob = blobNameV5("alice", "openclaw.gateway", records.at(-1)!.ms + 2000, name.padEnd(64, "x"));
  const content = gzipSync(`${records.map((r) => shippedRecord(stamped(r.ms), r.ms, { user: "alice", host: "vm-alice", source: "gateway", ...(r.path ? { path: r.path } : {}) })).join("\n")}\n`);
  const path = join(dir, `${name}.gz`);
  writeFileSync(path, content);
  return { blob, path, sha256: createHash("sha256").update(content).digest("hex") };
}
const options = (name: string): LoadOptions => ({ maxLineBytes: 1 << 20, workDir: join(dir, `work-${name}`), containerUser: "alice", incremental: true, loaderVersion: "test" });
const files = (caseDir: string) => [readFileSync(join(caseDir, TIMELINE_JSONL)), readFileSync(join(caseDir, TIMELINE_CSV))];

/** The files a cold investigation of `evidence` writes. */
async function cold(evidence: EvidenceFile[], name: string): Promise<Buffer[]> {
  const db = await CaseDatabase.open(join(dir, `${name}.duckdb`));
  try {
    await db.load(evidence, options(name));
    const caseDir = join(dir, name);
    mkdirSync(caseDir);
    t_mode(await exportTimeline(db.connection, caseDir), "written");
    return files(caseDir);
  } finally {
    db.close();
  }
}
function t_mode(files: { mode: string }, mode: string): void {
  if (files.mode !== mode) throw new Error(`export mode ${files.mode}, expected ${mode}`);
}

test.serial("day by day: the new rows are appended, and the files are what a cold run writes; a run with nothing new writes nothing (both files written at once, on a second connection, as investigate does; the cold runs write one after the other)", async (t) => {
  const caseDir = join(dir, "warm");
  mkdirSync(caseDir);
  const db = await CaseDatabase.open(join(dir, "warm.duckdb"));
  const writer = await db.connect();
  await db.load(day1, options("w1"));
  t.is((await exportTimeline(db.connection, caseDir, "events", { writer })).mode, "written");
  t.is((await db.load([...day1, ...day2], options("w2"))).mode, "appended");
  const appended = await exportTimeline(db.connection, caseDir, "events", { writer });
  t.is(appended.mode, "appended");
  const expected = await cold([...day1, ...day2], "cold-12");
  t.deepEqual(files(caseDir), expected, "appended files = a cold run's files, byte for byte");
  t.is(appended.rows, readFileSync(join(caseDir, TIMELINE_JSONL), "utf8").trimEnd().split("\n").length);
  // The CSV has its header once, at the top.
  t.is(readFileSync(join(caseDir, TIMELINE_CSV), "utf8").split("\n").filter((l) => l.startsWith("message,datetime,")).length, 1);

  t.is((await db.load([...day1, ...day2], options("w3"))).mode, "reused");
  const current = await exportTimeline(db.connection, caseDir, "events", { writer });
  t.is(current.mode, "current");
  t.is(current.rows, appended.rows);
  t.deepEqual(files(caseDir), expected);

  // An earlier day arrives late: its rows sort before the ones written, so the files are written whole.
  t.is((await db.load([...day0, ...day1, ...day2], options("w4"))).mode, "appended");
  t.is((await exportTimeline(db.connection, caseDir, "events", { writer })).mode, "written");
  t.deepEqual(files(caseDir), await cold([...day0, ...day1, ...day2], "cold-012"));

  // Someone edited the timeline on disk: the next day does not append to it, it writes it whole.
  appendFileSync(join(caseDir, TIMELINE_JSONL), '{"message":"planted"}\n');
  await db.load([...day0, ...day1, ...day2, ...day3], options("w5"));
  t.is((await exportTimeline(db.connection, caseDir, "events", { writer })).mode, "written");
  t.deepEqual(files(caseDir), await cold([...day0, ...day1, ...day2, ...day3], "cold-0123"));
  t.false(readFileSync(join(caseDir, TIMELINE_JSONL), "utf8").includes("planted"));

  // An edit that keeps the size (a changed message, same length) is seen too: by the file's stamp.
  const jsonlPath = join(caseDir, TIMELINE_JSONL);
  const text = readFileSync(jsonlPath, "utf8");
  const at = text.indexOf('"message":"') + 11;
  writeFileSync(jsonlPath, `${text.slice(0, at)}X${text.slice(at + 1)}`);
  const day4 = day(4);
  await db.load([...day0, ...day1, ...day2, ...day3, ...day4], options("w6"));
  t.is((await exportTimeline(db.connection, caseDir, "events", { writer })).mode, "written", "a same-size edit is not appended to");
  const all = [...day0, ...day1, ...day2, ...day3, ...day4];
  t.deepEqual(files(caseDir), await cold(all, "cold-01234"));

  // What a kill -9 in the middle of an append leaves: the state already dropped, part of the new
  // rows in timeline.jsonl, none in timeline.csv. The next run writes both files whole.
  await db.connection.run("DROP TABLE timeline_state");
  appendFileSync(jsonlPath, '{"message":"half a ro');
  const day5 = day(5);
  await db.load([...all, ...day5], options("w7"));
  t.is((await exportTimeline(db.connection, caseDir, "events", { writer })).mode, "written");
  t.deepEqual(files(caseDir), await cold([...all, ...day5], "cold-012345"));
  writer.closeSync();
  db.close();
  t.deepEqual(readdirSync(caseDir).sort(), [TIMELINE_CSV, TIMELINE_JSONL], "no temporary file is left");
});

test.serial("rows that sort among those written, or a host whose usual account moved: written whole, as a cold run writes them", async (t) => {
  const caseDir = join(dir, "moved");
  mkdirSync(caseDir);
  const at = (hours: number) => Date.parse("2026-11-25T00:00:00Z") + hours * 3600_000;
  // Day one: the host's files are mostly in /home/oclog; one in bob's home is marked.
  const first = [...day1, handMade("homes-1", [{ ms: at(1), path: "/home/oclog/a.log" }, { ms: at(1), path: "/home/oclog/b.log" }, { ms: at(1), path: "/home/bob/c.log" }])];
  const db = await CaseDatabase.open(join(dir, "moved.duckdb"));
  await db.load(first, options("m1"));
  await exportTimeline(db.connection, caseDir);
  // A plain line stamped before the last row written, in a new file.
  const early = [...first, handMade("early", [{ ms: at(-30) }])];
  t.is((await db.load(early, options("m2"))).mode, "appended");
  t.is((await exportTimeline(db.connection, caseDir)).mode, "written");
  t.deepEqual(files(caseDir), await cold(early, "cold-early"));
  // Day two: bob's home is now the usual one, so day one's marks change.
  const moved = [...early, handMade("homes-2", [{ ms: at(30), path: "/home/bob/d.log" }, { ms: at(30), path: "/home/bob/e.log" }, { ms: at(30), path: "/home/bob/f.log" }])];
  t.is((await db.load(moved, options("m3"))).mode, "appended");
  t.is((await exportTimeline(db.connection, caseDir)).mode, "written");
  t.deepEqual(files(caseDir), await cold(moved, "cold-moved"));
  db.close();
});

test.serial("a rebuilt case writes the files whole", async (t) => {
  const caseDir = join(dir, "rebuilt");
  mkdirSync(caseDir);
  const db = await CaseDatabase.open(join(dir, "rebuilt.duckdb"));
  await db.load(day1, options("r1"));
  await exportTimeline(db.connection, caseDir);
  t.is((await db.load([...day1, ...day2], { ...options("r2"), maxLineBytes: 1 << 21 })).mode, "rebuilt");
  t.is((await exportTimeline(db.connection, caseDir)).mode, "written");
  db.close();
});

async function stepsTable(c: DuckDBConnection, name: string, rows: string[]): Promise<void> {
  await c.run(`CREATE OR REPLACE TABLE ${name} ("user" VARCHAR, host VARCHAR, session_id VARCHAR, step_no BIGINT, kind VARCHAR, call_id VARCHAR, blob VARCHAR, line BIGINT)`);
  if (rows.length > 0) await c.run(`INSERT INTO ${name} VALUES ${rows.join(", ")}`);
}

test("an old step renumbered, gone, or a new call whose result was loaded before: the old events' steps changed", async (t) => {
  const db = await CaseDatabase.open(":memory:");
  const c = db.connection;
  await c.run("CREATE TABLE evidence_files (file_index INTEGER, blob VARCHAR, path VARCHAR)");
  await c.run("INSERT INTO evidence_files VALUES (0, 'old', ''), (1, 'new', '')");
  await c.run(`CREATE TABLE events AS SELECT 'tool.result' AS action, 's1' AS session_id, 'old' AS blob, 9 AS line,
    {'tool': {'call': {'id': 'late'}}} AS gen_ai`);
  const newBlobs = "SELECT blob FROM evidence_files WHERE file_index >= 1";
  const base = ["('u', 'h', 's1', 1, 'prompt', NULL, 'old', 1)", "('u', 'h', 's1', 2, 'tool', 'c1', 'old', 2)"];
  await stepsTable(c, "before", base);
  await stepsTable(c, "after", [...base, "('u', 'h', 's1', 3, 'tool', 'c2', 'new', 1)"]);
  t.true(await oldStepsUnchanged(c, "before", "after", newBlobs), "a new step after the old ones");
  await stepsTable(c, "after", ["('u', 'h', 's1', 1, 'tool', 'c0', 'new', 1)", "('u', 'h', 's1', 2, 'prompt', NULL, 'old', 1)", "('u', 'h', 's1', 3, 'tool', 'c1', 'old', 2)"]);
  t.false(await oldStepsUnchanged(c, "before", "after", newBlobs), "renumbered");
  await stepsTable(c, "after", [base[0]!]);
  t.false(await oldStepsUnchanged(c, "before", "after", newBlobs), "an old step gone (a late transcript replaced a gateway-only call)");
  await stepsTable(c, "after", [...base, "('u', 'h', 's1', 3, 'tool', 'late', 'new', 1)"]);
  t.false(await oldStepsUnchanged(c, "before", "after", newBlobs), "a result loaded before now has its call");
  db.close();
});

test("checking only the new events: unless a host's usual account moved", async (t) => {
  const db = await CaseDatabase.open(":memory:");
  const c = db.connection;
  const event = (blob: string, path: string) => `(TIMESTAMPTZ '2026-11-24 10:00:00+00', 'alice', 'vm', '${blob}', 1, '${path}')`;
  await c.run(`CREATE TABLE events (time TIMESTAMPTZ, "user" VARCHAR, host VARCHAR, blob VARCHAR, line BIGINT, envelope_path VARCHAR,
    container_user VARCHAR, uploaded_at TIMESTAMPTZ, stamp_skew_s BIGINT, envelope_mismatch VARCHAR, window_note VARCHAR)`);
  await c.run(`INSERT INTO events (time, "user", host, blob, line, envelope_path) VALUES ${event("a", "/home/oclog/x")}, ${event("a", "/home/oclog/y")}, ${event("a", "/home/bob/z")}`);
  t.true((await checkEnvelopes(c, { containerUser: "alice" })).oldEventsChanged, "a whole check");
  await c.run(`INSERT INTO events (time, "user", host, blob, line, envelope_path) VALUES ${event("b", "/home/oclog/w")}`);
  t.false((await checkEnvelopes(c, { containerUser: "alice", newBlobs: "SELECT 'b'" })).oldEventsChanged, "oclog is still the usual account");
  await c.run(`INSERT INTO events (time, "user", host, blob, line, envelope_path) VALUES ${event("c", "/home/bob/1")}, ${event("c", "/home/bob/2")}, ${event("c", "/home/bob/3")}`);
  t.true((await checkEnvelopes(c, { containerUser: "alice", newBlobs: "SELECT 'c'" })).oldEventsChanged, "bob is now the usual account");
  const marked = (await c.runAndReadAll("SELECT blob, envelope_path FROM events WHERE envelope_mismatch IS NOT NULL ORDER BY ALL")).getRows();
  t.deepEqual(marked, [["a", "/home/oclog/x"], ["a", "/home/oclog/y"], ["b", "/home/oclog/w"]], "the old events were checked again against the new usual account");
  db.close();
});
