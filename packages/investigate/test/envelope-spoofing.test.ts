// Envelope spoofing is visible (issue 20): a record whose oclog_user, blob path or file names
// another user is marked and raised; a record stamped far from its blob's upload is raised; and
// --since/--until keep an event stamped outside the window when its blob was uploaded inside it.
// Planted: the hostile corpus (test/hostile/corpus/investigate-envelope), seeded variants of a
// real shipped blob; measured: false alarms on every real recorded blob and the demo incident.
import test from "ava";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import { Dice, HOSTILE_STRINGS, hostileString } from "../../../test/hostile/hostile-random.js";
import { FIXTURES_DIR as SCENARIO_FIXTURES_DIR, readFixture } from "../../../test/scenarios/fixtures.js";
import { parseBlobName } from "../src/source/blob-name.js";
import { CaseDatabase, type LoadResult } from "../src/load/case-database.js";
import { buildDemoIncident } from "@oclog/test-kit/demo";
import { DETECTIONS_DIR, loadDetections, runDetections } from "../src/detect/detections.js";
import { STAMPED_AFTER_WINDOW, STAMPED_BEFORE_WINDOW, UPLOADED_AT_SQL } from "../src/load/envelope-checks.js";
import type { Finding } from "../src/detect/finding.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const corpusDir = join(repo, "test/hostile/corpus/investigate-envelope");
const samplesDir = join(repo, "../shared/fluent-bit/samples");
const vmSourcesDir = join(repo, "test/fixtures/vm-sources");
const scratch = mkdtempSync(join(tmpdir(), "oclog-envelope-"));

const USER_RULE = "pipeline_envelope_names_another_user";
const STAMP_RULE = "pipeline_record_stamped_far_from_upload";
const { detections: all } = await loadDetections(DETECTIONS_DIR);
const rules = all.filter((d) => d.stem === USER_RULE || d.stem === STAMP_RULE);

interface Planted {
  blob: string;
  /** JSON lines as Fluent Bit shipped them. */
  lines: string[];
}

interface Loaded {
  load: LoadResult;
  events: Record<string, unknown>[];
  findings: Finding[];
}

let counter = 0;
/** Loads planted blobs into a real case database as an investigation of `containerUser` would. */
async function investigateBlobs(blobs: Planted[], options: { containerUser?: string; since?: Date; until?: Date } = {}): Promise<Loaded> {
  const dir = mkdtempSync(join(scratch, `case-${counter++}-`));
  const files = blobs.map((b, i) => {
    const path = join(dir, `evidence-${i}.gz`);
    writeFileSync(path, gzipSync(`${b.lines.join("\n")}\n`));
    return { blob: b.blob, path };
  });
  const db = await CaseDatabase.open(":memory:");
  try {
    const load = await db.load(files, { maxLineBytes: 4 << 20, workDir: join(dir, "work"), ...options });
    const events = (await db.connection.runAndReadAll(
      `SELECT blob, line::INTEGER AS line, "user", container_user, uploaded_at::VARCHAR AS uploaded_at, stamp_skew_s::DOUBLE AS stamp_skew_s, envelope_mismatch, envelope_path, window_note, time::VARCHAR AS time FROM events ORDER BY blob, line`,
    )).getRowObjectsJson() as Record<string, unknown>[];
    const { findings, errors } = await runDetections(db.connection, rules, { rowLimit: 100_000 });
    if (errors.length > 0) throw new Error(JSON.stringify(errors));
    return { load, events, findings };
  } finally {
    db.close();
  }
}

const linesOf = (findings: Finding[], stem: string, blob?: string) =>
  [...new Set((findings.find((f) => f.detection.file.endsWith(`${stem}.yml`))?.rows ?? [])
    .filter((r) => blob === undefined || r.blob === blob)
    .map((r) => Number(r.line)))].sort((a, b) => a - b);
const markedLines = (events: Record<string, unknown>[], blob?: string) =>
  [...new Set(events.filter((e) => e.envelope_mismatch !== null && (blob === undefined || e.blob === blob)).map((e) => Number(e.line)))].sort((a, b) => a - b);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The blobs real Fluent Bit shipped (4.x and 5.x layouts), as named in the container. */
function realBlobs(): Planted[] {
  return filesUnder(samplesDir)
    .filter((p) => p.endsWith(".gz"))
    .map((p) => ({ blob: p.slice(p.indexOf("/oclog/") + 1), lines: gunzipSync(readFileSync(p)).toString("utf8").split("\n").filter(Boolean) }));
}

test("the SQL reads a blob's upload time exactly where parseBlobName does, hostile names included", async (t) => {
  const dice = new Dice("envelope-blob-names");
  const real = realBlobs().map((b) => b.blob);
  const names = [
    ...real,
    ...buildDemoIncident(join(repo, "test/fixtures/openclaw-2026.9.6")).blobs.map((b) => b.name),
    "oclog/alice/openclaw.gateway.abcdefgh.179559691680.gz",
    "oclog/alice/openclaw.gateway.abcdefgh.17955969168021.gz",
    "oclog/alice/openclaw.gateway.1795596916802.gz",
    "oclog/alice/openclaw.gateway.abc-defgh.1795596916802.gz",
    "oclog/alice/openclaw.gateway.abcdefgh.1795596916802.gz.gz",
    "oclog/alice/",
    "capture/gateway.log",
    ...HOSTILE_STRINGS.filter((s) => s.length < 1000).map((s) => `${s}.abcdefgh.1795596916802.gz`),
    ...Array.from({ length: 40 }, () => hostileString(dice, real[0]!).slice(0, 2000)),
  ];
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run("CREATE TABLE names (i INTEGER, blob VARCHAR)");
    const appender = await connection.createAppender("names");
    names.forEach((name, i) => {
      appender.appendInteger(i);
      appender.appendVarchar(name);
      appender.endRow();
    });
    appender.closeSync();
    const rows = (await connection.runAndReadAll(`SELECT i, epoch_ms(${UPLOADED_AT_SQL}) AS ms FROM names ORDER BY i`)).getRowObjectsJson();
    for (const [i, name] of names.entries()) {
      const parsed = parseBlobName(name);
      const expected = parsed.ok ? parsed.blob.uploadedAt.getTime() : null;
      t.is(rows[i]!.ms === null ? null : Number(rows[i]!.ms), expected, JSON.stringify(name.slice(0, 120)));
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
});

// --- the hostile corpus -------------------------------------------------------------------

const manifest = JSON.parse(readFileSync(join(corpusDir, "manifest.json"), "utf8")) as {
  containerUser: string;
  files: Record<string, { blob: string; mismatch: number[]; stamped: number[] }>;
};

test("every corpus file is listed in the manifest", (t) => {
  const files = readdirSync(corpusDir).filter((n) => n.endsWith(".jsonl")).sort();
  t.deepEqual(Object.keys(manifest.files).sort(), files);
});

test("hostile corpus: each lying envelope is marked on its event and raised, every other line is not", async (t) => {
  const planted = Object.entries(manifest.files).map(([file, entry]) => ({
    file,
    entry,
    blob: { blob: entry.blob, lines: readFileSync(join(corpusDir, file), "utf8").split("\n").filter(Boolean) },
  }));
  const { load, events, findings } = await investigateBlobs(planted.map((p) => p.blob), { containerUser: manifest.containerUser });
  t.is(load.quarantined, 0, "nothing is set aside: every lying record stays evidence");
  t.is(load.records, planted.reduce((n, p) => n + p.blob.lines.length, 0));
  for (const { file, entry } of planted) {
    t.deepEqual(markedLines(events, entry.blob), entry.mismatch, `${file}: envelope_mismatch on exactly these lines`);
    t.deepEqual(linesOf(findings, USER_RULE, entry.blob), entry.mismatch, `${file}: ${USER_RULE} raises exactly these lines`);
    t.deepEqual(linesOf(findings, STAMP_RULE, entry.blob), entry.stamped, `${file}: ${STAMP_RULE} raises exactly these lines`);
  }
  const mark = (file: string, line: number) => String(events.find((e) => e.blob === manifest.files[file]!.blob && e.line === line)?.envelope_mismatch);
  t.is(mark("user-bob.jsonl", 3), "oclog_user bob is not alice, whose container held the record");
  t.regex(mark("user-missing.jsonl", 3), /names no oclog_user/);
  t.regex(mark("home-of-bob.jsonl", 5), /is in the home of bob, not of oclog/);
  t.regex(mark("honest-under-bob-path.jsonl", 1), /the blob path names user bob, not alice/);
  t.regex(mark("user-injection.jsonl", 3), /oclog_user '; DROP TABLE events; -- is not alice/);
  const skew = events.find((e) => e.blob === manifest.files["backdated-line.jsonl"]!.blob && e.line === 4)!.stamp_skew_s;
  t.true(Number(skew) > 3 * 3600, `the backdated line's stamp_skew_s is ${String(skew)} s`);
});

test("with --since, a backdated record in a blob uploaded inside the window stays, marked; a blob's honest lines too", async (t) => {
  const backdated = { blob: manifest.files["whole-blob-backdated.jsonl"]!.blob, lines: readFileSync(join(corpusDir, "whole-blob-backdated.jsonl"), "utf8").split("\n").filter(Boolean) };
  const future = { blob: manifest.files["future-stamped.jsonl"]!.blob, lines: readFileSync(join(corpusDir, "future-stamped.jsonl"), "utf8").split("\n").filter(Boolean) };
  const unnamed = { blob: "exported/gateway-copy.jsonl", lines: backdated.lines };
  // The blobs were uploaded at 08:55:16.802; the records say 3 days earlier and 09:55.
  const since = new Date("2026-11-25T08:50:00Z");
  const until = new Date("2026-11-25T09:00:00Z");
  const { load, events, findings } = await investigateBlobs([backdated, future, unnamed], { containerUser: "alice", since, until });
  const from = (blob: string) => events.filter((e) => e.blob === blob);
  t.is(from(backdated.blob).length, 8, "every backdated event is in the case");
  t.true(from(backdated.blob).every((e) => e.window_note === STAMPED_BEFORE_WINDOW));
  const late = from(future.blob).filter((e) => e.window_note === STAMPED_AFTER_WINDOW);
  t.deepEqual(late.map((e) => [e.line, e.window_note]), [[5, STAMPED_AFTER_WINDOW]], "the line stamped after --until stays too");
  t.true(from(future.blob).filter((e) => e.line !== 5).every((e) => e.window_note === STAMPED_BEFORE_WINDOW), "its honest lines, stamped 08:21, were uploaded inside the window");
  t.is(from(unnamed.blob).length, 0, "a blob with no upload time in its name is windowed by the records' own time");
  t.is(load.eventsAdmittedByUpload, 16);
  t.is(load.eventsOutsideWindow, 8);
  t.deepEqual(linesOf(findings, STAMP_RULE, backdated.blob), [1, 2, 3, 4, 5, 6, 7, 8], "and the admitted records are raised");

  const before = await investigateBlobs([backdated], { containerUser: "alice", since: new Date("2026-11-25T09:00:00Z") });
  t.is(before.events.length, 0, "a blob uploaded before --since holds nothing in the window");
  t.is(before.load.eventsOutsideWindow, 8);
});

// --- false alarms on real recorded data -----------------------------------------------------

test("real recorded blobs and the demo incident: no envelope marked, neither rule fires; skew measured", async (t) => {
  const demo = buildDemoIncident(join(repo, "test/fixtures/openclaw-2026.9.6"));
  const vmSources = ["egress", "journal", "nginx", "oclog"].map((source) => ({
    // Records as shipped; the capture kept no blob names, so their upload time is unknown.
    blob: `oclog/alice/vm-sources/${source}.jsonl`,
    lines: readFileSync(join(vmSourcesDir, `${source}.jsonl`), "utf8").split("\n").filter(Boolean),
  }));
  for (const [name, blobs] of [
    ["Fluent Bit 4.x and 5.x samples", realBlobs()],
    ["demo incident", demo.blobs.map((b) => ({ blob: b.name, lines: gunzipSync(b.content).toString("utf8").split("\n").filter(Boolean) }))],
    ["VM sources", vmSources],
  ] as const) {
    const { load, events, findings } = await investigateBlobs([...blobs], { containerUser: "alice" });
    t.true(load.events > 0, name);
    t.deepEqual(markedLines(events), [], `${name}: no envelope_mismatch`);
    t.deepEqual(findings.map((f) => `${f.detection.file}: ${f.rows.slice(0, 3).map((r) => r.message).join(" | ")}`), [], `${name}: no finding`);
    const skews = events.map((e) => e.stamp_skew_s).filter((s) => s !== null).map(Number);
    if (skews.length > 0) {
      t.log(`${name}: ${skews.length} events with an upload time, stamp_skew_s min ${Math.min(...skews)} max ${Math.max(...skews)}`);
      t.true(Math.max(...skews) < 3600 && Math.min(...skews) >= 0, `${name}: real shipping stays inside the rule's tolerances`);
    }
  }
});

// Every scenario run real Fluent Bit shipped from a real gateway (test/scenarios/fixtures), in the
// scenario user's own container. log-cutting fakes two silent hours by stamping the later records
// two hours ahead of the clock Fluent Bit names blobs by, so its records are stamped after their
// upload: the stamp rule rightly raises them there (an attack scenario), and it is measured apart.
test("real scenario captures: no envelope marked, the stamp rule silent except on log-cutting's shifted clock", async (t) => {
  const dir = SCENARIO_FIXTURES_DIR;
  const measured: string[] = [];
  for (const file of readdirSync(dir).filter((n) => n.endsWith(".blobs.jsonl.gz")).sort()) {
    const name = file.replace(".blobs.jsonl.gz", "");
    const blobs = readFixture(name)!.blobs.map((b) => ({ blob: b.name, lines: b.lines }));
    const user = /^oclog\/([^/]+)\//.exec(blobs[0]!.blob)![1]!;
    const { events, findings } = await investigateBlobs(blobs, { containerUser: user });
    t.deepEqual(markedLines(events), [], `${name}: no envelope_mismatch`);
    t.deepEqual(linesOf(findings, USER_RULE), [], `${name}: ${USER_RULE} silent`);
    const skews = events.map((e) => Number(e.stamp_skew_s));
    measured.push(`${name} ${Math.min(...skews)}..${Math.max(...skews)} s`);
    if (name === "log-cutting") {
      t.true(linesOf(findings, STAMP_RULE).length > 0 && Math.min(...skews) < -3600, "log-cutting: the records re-timed two hours ahead are stamped after their upload");
    } else {
      t.deepEqual(linesOf(findings, STAMP_RULE), [], `${name}: ${STAMP_RULE} silent`);
      t.true(Math.max(...skews) < 3600 && Math.min(...skews) >= 0, `${name}: stamp_skew_s inside the tolerances`);
    }
  }
  t.log(`stamp_skew_s per scenario: ${measured.join(", ")}`);
});

// --- seeded variants: recall and near misses ------------------------------------------------

type Kind = "other-user" | "hostile-user" | "backdated" | "future" | "other-blob-path" | "near-backdated" | "near-future";
const SPOOFS: readonly Kind[] = ["other-user", "hostile-user", "backdated", "future", "other-blob-path"];
const NEAR_MISSES: readonly Kind[] = ["near-backdated", "near-future"];

function restamp(record: Record<string, any>, ms: number): void {
  const iso = new Date(ms).toISOString();
  record.time = iso.replace("Z", "+00:00");
  if (record._meta) record._meta.date = iso;
  record["@timestamp"] = iso.replace("Z", "000Z");
}

test("seeded variants of a real blob: every spoof is raised, no near miss is", async (t) => {
  const dice = new Dice("envelope-spoofing-variants");
  const source = realBlobs().find((b) => b.blob.includes("fluent-bit") === false && /\/2026\/.*gateway/.test(b.blob))!;
  const parsed = parseBlobName(source.blob);
  if (!parsed.ok) throw new Error(parsed.reason);
  const uploadMs = parsed.blob.uploadedAt.getTime();
  const base = source.lines.slice(0, 40).map((l) => JSON.parse(l) as Record<string, any>);
  const planted: { kind: Kind; blob: string; line: number }[] = [];
  const blobs: Planted[] = [];
  for (let i = 0; i < 70; i++) {
    const kind = dice.pick([...SPOOFS, ...NEAR_MISSES]);
    const records = base.map((r) => structuredClone(r));
    // Not the blob's first line: a backdated line is one written after newer ones.
    const line = dice.int(3, records.length);
    const record = records[line - 1]!;
    const ownMs = Date.parse(record.time as string);
    const firstMs = Date.parse(records[0]!.time as string);
    let path = `oclog/alice/openclaw.gateway/2026/11/25/08`;
    switch (kind) {
      case "other-user": record.oclog_user = dice.pick(["bob", "carol", "alice2", "team-7", "root"]); break;
      case "hostile-user": record.oclog_user = hostileString(dice, "alice").slice(0, 500); break;
      // More than the 1 h tolerance before every line written ahead of it (the first is the oldest).
      case "backdated": restamp(record, firstMs - 3_600_000 - dice.int(60, 30 * 86_400) * 1000); break;
      case "future": restamp(record, uploadMs + dice.int(301, 30 * 86_400) * 1000); break;
      case "other-blob-path": path = `oclog/${dice.pick(["bob", "carol", "alice-old"])}/openclaw.gateway/2026/11/25/08`; break;
      // Within the tolerances: older than the lines before it by under an hour; a clock 0-4 min ahead.
      case "near-backdated": restamp(record, ownMs - dice.int(0, 50 * 60) * 1000); break;
      case "near-future": restamp(record, uploadMs + dice.int(0, 240) * 1000); break;
    }
    const blob = `${path}/openclaw.gateway.Variant${String(i).padStart(3, "0")}${"x".repeat(40)}.${uploadMs}.gz`;
    if (hostileUserIsAlice(kind, record)) continue;
    blobs.push({ blob, lines: records.map((r) => JSON.stringify(r)) });
    planted.push({ kind, blob, line });
  }
  const { events, findings, load } = await investigateBlobs(blobs, { containerUser: "alice" });
  t.is(load.quarantined, 0);
  const raised = (p: { blob: string; line: number }) =>
    linesOf(findings, USER_RULE, p.blob).includes(p.line) || linesOf(findings, STAMP_RULE, p.blob).includes(p.line) || markedLines(events, p.blob).includes(p.line);
  const recall: Record<string, string> = {};
  for (const kind of [...SPOOFS, ...NEAR_MISSES]) {
    const ofKind = planted.filter((p) => p.kind === kind);
    const hits = ofKind.filter(raised).length;
    recall[kind] = `${hits}/${ofKind.length}`;
    if (SPOOFS.includes(kind)) t.is(hits, ofKind.length, `${kind}: every planted spoof raised`);
    else t.is(hits, 0, `${kind}: no near miss raised`);
  }
  t.log("raised/planted by kind:", JSON.stringify(recall));
  t.true(planted.length >= 60 && SPOOFS.every((k) => planted.some((p) => p.kind === k)), "every kind planted");
  // Only the planted lines: the rest of every variant is the real blob, unchanged.
  const other = findings.flatMap((f) => f.rows).filter((r) => {
    const p = planted.find((x) => x.blob === r.blob)!;
    return p.kind !== "other-blob-path" && r.line !== p.line;
  });
  t.deepEqual(other.map((r) => `${String(r.blob)}:${String(r.line)}`), [], "no untouched line raised");
});

/** A hostile string spliced into nothing at all can come out as plain `alice`: not a spoof. */
function hostileUserIsAlice(kind: Kind, record: Record<string, any>): boolean {
  return kind === "hostile-user" && record.oclog_user === "alice";
}
