// Issue 20, `oclog collect`: no row can block the stream and no cursor file is trusted blindly.
// Hostile rows from test/hostile/corpus/collect/ (nested past the forward encoder's 100 levels and
// past a recursive walk's stack, zstd bombs with and without a declared size, a row over the
// size limit) sit between real OpenClaw rows and go to real Fluent Bit 5.1.1's forward input
// (@oclog/test-kit/fluent-bit's Receiver): the hostile ones arrive marked `oclog_invalid` with the start of their raw text in
// `log` (the investigator quarantines exactly these), their neighbours arrive whole, and rows
// written later keep flowing. Damaged cursor files stop the collector with an error naming the file.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FluentClient } from "@fluent-org/logger";
import test from "ava";
import { Collector, MAX_RECORD_BYTES, MAX_ROW_BYTES, RAW_PREFIX, type CollectorOptions } from "@oclog/collect";
import { Emitter, RecordEncodingError } from "@oclog/schema";
import { deepNest } from "../../../test/hostile/hostile-random.js";
import { OpenClawState, TRANSCRIPT_ROWS, zstdCompress } from "@oclog/test-kit/openclaw";
import { duplicates, Receiver } from "@oclog/test-kit/fluent-bit";

const CORPUS = new URL("../../../test/hostile/corpus/collect/", import.meta.url);
const corpus = (name: string) => readFileSync(new URL(name, CORPUS));
const STORE = "agents/main/agent/openclaw-agent.sqlite";
const SESSION = "55555555-5555-4555-8555-555555555555";
const FAKE_KEY = `sk-proj-${"FAKE0oclog".repeat(4)}`;

function setup(name: string) {
  const root = mkdtempSync(join(tmpdir(), `oclog-collect-hostile-${name}-`));
  const state = new OpenClawState(join(root, "openclaw"));
  const receiver = new Receiver(join(root, "forward.sock"));
  const emitter = new Emitter({ endpoint: { path: receiver.path }, ackTimeoutMs: 15_000 });
  const logs: string[] = [];
  const workDir = join(root, "collector");
  const collector = (extra: Partial<CollectorOptions> = {}) =>
    new Collector({ stateDir: state.dir, workDir, sender: emitter, batchSize: 50, log: (event, fields) => logs.push(JSON.stringify({ event, ...fields })), ...extra });
  return { root, state, receiver, emitter, logs, workDir, collector };
}

/** Real transcript events (the fixture's), as the neighbours of the hostile rows. */
const REAL = TRANSCRIPT_ROWS.map((r) => r.event as Record<string, unknown>);

/** What the mark carries of a longer raw text: its start, without the token the cut falls in (it may be a secret). */
const head = (text: string) => text.slice(0, RAW_PREFIX).replace(/[A-Za-z0-9_\-.~+/=]+$/, "");

/** The record minus the envelope the collector adds, to compare with the event it came from. */
function withoutEnvelope(record: Record<string, unknown>): Record<string, unknown> {
  const { oclog_id: _id, oclog_path: _path, ...rest } = record;
  return rest;
}

test("hostile rows go out marked with their raw prefix, their neighbours whole, and later rows keep flowing", async (t) => {
  const { state, receiver, emitter, collector, logs } = setup("rows");
  const db = state.agent("main");
  const insert = db.prepare("INSERT INTO transcript_events (session_id, seq, event_json, created_at, event_zstd, event_utf8_bytes, navigation_json) VALUES (?, ?, ?, ?, ?, ?, ?)");
  const oversized = JSON.stringify({ type: "message", id: "oversized", pad: "b".repeat(MAX_ROW_BYTES + 1) });
  const deep101 = corpus("event-nested-101.json").toString("utf8").trim();
  const deep20000 = corpus("event-nested-20000.json").toString("utf8").trim();
  // Not JSON, with a key straddling the cut: 15 of its characters would pass the 20-character pattern.
  const cutSecret = `{"type":"message","note":"${"x".repeat(RAW_PREFIX - 41)} ${FAKE_KEY} and on`;
  // Over 4 MiB even compressed (OpenClaw's CHECK forbids it; a tampered database does not): only its first 256 KB are read.
  const noise = Array.from({ length: 200_000 }, (_, i) => createHash("sha256").update(String(i)).digest("base64")).join("");
  const incompressible = zstdCompress(`{"type":"message","id":"incompressible","pad":"${noise}"}`);
  t.true(incompressible.length > MAX_ROW_BYTES, `the compressed row is ${incompressible.length} bytes`);
  db.pragma("ignore_check_constraints = ON");
  const rows: Array<{ json?: string; zstd?: Buffer }> = [
    { json: JSON.stringify(REAL[0]) },
    { json: deep101 },
    { json: JSON.stringify(REAL[1]) },
    { json: deep20000 },
    { zstd: zstdCompress(JSON.stringify(REAL[2])) },
    { zstd: corpus("event-zstd-bomb-1gib.zst") },
    { json: JSON.stringify(REAL[3]) },
    { zstd: corpus("event-zstd-bomb-1gib-declared.zst") },
    { json: oversized },
    { json: JSON.stringify(REAL[4]) },
    { json: cutSecret },
    { json: JSON.stringify(REAL[5]) },
    { zstd: incompressible },
    { json: JSON.stringify(REAL[6]) },
  ];
  // A compressed row must name its size and navigation (OpenClaw's CHECK); the bombs lie about their size.
  const navigation = TRANSCRIPT_ROWS.find((r) => r.row.navigation_json)!.row.navigation_json;
  rows.forEach((r, seq) => insert.run(SESSION, seq, r.json ?? null, 1795600300000 + seq, r.zstd ?? null, r.zstd ? 1_000 : null, r.zstd ? navigation : null));
  await receiver.start();
  const c = collector();
  try {
    const first = await c.cycle();
    t.is(first.sendError, undefined, "Fluent Bit takes the whole batch");
    t.is(first.sent, rows.length);
    t.is(first.invalid, 7);
    t.is(first.truncated, 6, "all but the 101-level row (692 bytes) had their raw text cut");
    t.is(first.pending, 0);
    t.is(c.cursors.position(STORE), rows.length, "the cursor moves past the hostile rows");

    const later = state.appendTranscript("main", "66666666-6666-4666-8666-666666666666");
    const second = await c.cycle();
    t.is(second.sent, later.length, "rows written after the hostile ones keep flowing");
    await receiver.stop();

    t.deepEqual(duplicates(receiver.ids()), []);
    const bySeq = new Map(receiver.entries.filter((e) => String(e.record.oclog_id).includes(SESSION)).map((e) => [Number(String(e.record.oclog_id).split("/").at(-1)), e.record]));
    t.is(bySeq.size, rows.length, "every hostile row arrived, none dropped");
    for (const [seq, real] of [[0, 0], [2, 1], [4, 2], [6, 3], [9, 4], [11, 5], [13, 6]] as const) {
      t.deepEqual(withoutEnvelope(bySeq.get(seq)!), REAL[real], `neighbour ${seq} arrives whole`);
    }
    const expectations: Array<[seq: number, reason: RegExp, raw: string]> = [
      [1, /nests deeper than 48 levels/, deep101],
      [3, /nests deeper than 48 levels/, head(deep20000)],
      [5, /decompresses to more than 4194304 bytes/, '{"type":"message","id":"bomb","pad":"'],
      [7, /decompresses to more than 4194304 bytes/, '{"type":"message","id":"bomb","pad":"'],
      [8, new RegExp(`event_json is ${Buffer.byteLength(oversized)} bytes, over the ${MAX_ROW_BYTES}-byte row limit`), '{"type":"message","id":"oversized","pad":"'],
      [10, /event is not JSON/, head(cutSecret)],
      [12, new RegExp(`event_zstd is ${incompressible.length} bytes compressed, over the ${MAX_ROW_BYTES}-byte row limit`), '{"type":"message","id":"incompressible","pad":"'],
    ];
    for (const [seq, reason, raw] of expectations) {
      const record = bySeq.get(seq)!;
      t.regex(String(record.oclog_invalid), reason, `row ${seq} is marked`);
      t.is(record.log, raw, `row ${seq} carries the start of its raw text`);
      t.is(record.session_id, SESSION, `row ${seq} still names its session`);
    }
    t.true(head(cutSecret).endsWith("x "), "the cut key is dropped whole");
    t.false(JSON.stringify(bySeq.get(10)).includes("sk-proj"), "no piece of the cut key leaves");
    t.is(receiver.ids().filter((id) => later.includes(id)).length, later.length);
    t.false(logs.join("\n").includes("bottom"), "logs carry counts, never row contents");
  } finally {
    c.close();
    await emitter.close();
    await receiver.stop();
    state.close();
  }
});

test("rows at OpenClaw's own 4 MiB limit in one read each arrive; one that redaction or the wire format swells past the limit goes out as its marked stand-in", async (t) => {
  const { state, receiver, emitter, collector } = setup("big");
  const insert = state.agent("main").prepare("INSERT INTO transcript_events (session_id, seq, event_json, created_at, event_zstd, event_utf8_bytes, navigation_json) VALUES (?, ?, ?, ?, ?, ?, ?)");
  // Four of these in one forward message are 14 MB: Fluent Bit's forward input (6M buffer) never
  // acknowledged it, and the stream stopped there for good.
  const big = { ...REAL[0], oclogPad: "y".repeat(3_500_000) };
  for (let seq = 0; seq < 4; seq++) insert.run(SESSION, seq, JSON.stringify(big), 1795600300000 + seq, null, null, null);
  // Within the row limit as written; every "&sig=a" becomes "&sig=[REDACTED:sas]" on the way out.
  const swelling = { ...REAL[1], oclogPad: "&sig=a".repeat(600_000) };
  insert.run(SESSION, 4, JSON.stringify(swelling), 1795600300004, null, null, null);
  insert.run(SESSION, 5, JSON.stringify(REAL[2]), 1795600300005, null, null, null);
  // 3.9 MB of JSON that MessagePack carries in 8.8 MB ("0.5," is 4 bytes, a float64 9), past Fluent Bit's 6M buffer.
  const numbers = { ...REAL[3], oclogNumbers: Array(975_000).fill(0.5) };
  insert.run(SESSION, 6, JSON.stringify(numbers), 1795600300006, null, null, null);
  insert.run(SESSION, 7, JSON.stringify(REAL[4]), 1795600300007, null, null, null);
  await receiver.start();
  const c = collector();
  try {
    const result = await c.cycle();
    t.is(result.sendError, undefined);
    t.like(result, { read: 8, sent: 8, invalid: 2, truncated: 2, pending: 0 });
    await receiver.stop();
    const bySeq = new Map(receiver.entries.map((e) => [Number(String(e.record.oclog_id).split("/").at(-1)), e.record]));
    for (let seq = 0; seq < 4; seq++) t.deepEqual(withoutEnvelope(bySeq.get(seq)!), big, `big row ${seq} arrives whole`);
    const standIn = bySeq.get(4)!;
    t.regex(String(standIn.oclog_invalid), new RegExp(`the record is \\d+ bytes \\(as JSON or as sent\\), over the ${MAX_RECORD_BYTES}-byte limit`));
    t.is(standIn.oclog_path, `${STORE}/transcript_events/${SESSION}.jsonl`);
    t.true(String(standIn.log).length <= RAW_PREFIX);
    t.regex(String(standIn.log), /&sig=\[REDACTED:sas\]/, "its raw text is the redacted record's");
    t.false(String(standIn.log).includes("&sig=a&"));
    t.deepEqual(withoutEnvelope(bySeq.get(5)!), REAL[2], "the row after it arrives whole");
    t.regex(String(bySeq.get(6)!.oclog_invalid), /the record is \d+ bytes \(as JSON or as sent\)/, "numbers that swell on the wire go out as a stand-in too");
    t.true(String(bySeq.get(6)!.log).startsWith("{"));
    t.deepEqual(withoutEnvelope(bySeq.get(7)!), REAL[4]);
  } finally {
    c.close();
    await emitter.close();
    await receiver.stop();
    state.close();
  }
});

test("a spooled record the forward encoder refuses goes out marked in its place; the batch and the cursor move on", async (t) => {
  const { state, receiver, emitter, collector, workDir } = setup("encode");
  // A spool written by a collector without the read-time bounds: the encoder's limit is the last line of defence.
  const spool = join(workDir, "spool");
  mkdirSync(spool, { recursive: true });
  const envelope = (seq: number) => ({ oclog_id: `${STORE}#${SESSION}/${seq}`, oclog_path: `${STORE}/transcript_events/${SESSION}.jsonl` });
  const records = [
    { source: "transcript", time: 1795600300000, record: { ...REAL[0], ...envelope(0) } },
    { source: "transcript", time: 1795600300001, record: { type: "message", id: "deep", message: deepNest(400), ...envelope(1) } },
    { source: "transcript", time: 1795600300002, record: { ...REAL[1], ...envelope(2) } },
  ];
  writeFileSync(join(spool, "0000000000000000.batch.json"), JSON.stringify({ store: STORE, from: 0, to: 3, records }));
  await receiver.start();
  const c = collector();
  try {
    const result = await c.cycle();
    t.is(result.sendError, undefined);
    t.is(result.sent, 3);
    t.is(result.invalid, 1);
    t.is(result.truncated, 1);
    t.is(result.pending, 0);
    t.is(c.cursors.position(STORE), 3);
    await receiver.stop();
    const byId = new Map(receiver.entries.map((e) => [e.record.oclog_id, e.record]));
    t.deepEqual(withoutEnvelope(byId.get(envelope(0).oclog_id)!), REAL[0]);
    t.deepEqual(withoutEnvelope(byId.get(envelope(2).oclog_id)!), REAL[1]);
    const marked = byId.get(envelope(1).oclog_id)!;
    t.regex(String(marked.oclog_invalid), /cannot be encoded for the forward protocol: it nests deeper than the 63 levels/);
    t.is(marked.oclog_path, envelope(1).oclog_path);
    t.true(String(marked.log).startsWith('{"type":"message","id":"deep","message":{"a":{"a":'));
    t.is(String(marked.log).length, RAW_PREFIX);
  } finally {
    c.close();
    await emitter.close();
    await receiver.stop();
    state.close();
  }
});

test("a spool an older collector wrote (one 14 MB batch, a 6.5 MB record) is sent in pieces Fluent Bit takes, the oversized record as its stand-in", async (t) => {
  const { state, receiver, emitter, collector, workDir } = setup("old-spool");
  const spool = join(workDir, "spool");
  mkdirSync(spool, { recursive: true });
  const envelope = (seq: number) => ({ oclog_id: `${STORE}#${SESSION}/${seq}`, oclog_path: `${STORE}/transcript_events/${SESSION}.jsonl` });
  const big = { ...REAL[0], oclogPad: "y".repeat(3_500_000) };
  const records = [0, 1, 2, 3].map((seq) => ({ source: "transcript", time: 1795600300000 + seq, record: { ...big, ...envelope(seq) } }));
  records.push({ source: "transcript", time: 1795600300004, record: { ...REAL[1], oclogPad: "z".repeat(6_500_000), ...envelope(4) } });
  writeFileSync(join(spool, "0000000000000000.batch.json"), JSON.stringify({ store: STORE, from: 0, to: 5, records }));
  await receiver.start();
  const c = collector();
  try {
    const result = await c.cycle();
    t.is(result.sendError, undefined);
    t.like(result, { sent: 5, invalid: 1, truncated: 1, pending: 0 });
    t.is(c.cursors.position(STORE), 5);
    await receiver.stop();
    const byId = new Map(receiver.entries.map((e) => [e.record.oclog_id, e.record]));
    for (let seq = 0; seq < 4; seq++) t.deepEqual(withoutEnvelope(byId.get(envelope(seq).oclog_id)!), big);
    t.regex(String(byId.get(envelope(4).oclog_id)!.oclog_invalid), /over the \d+-byte limit/);
  } finally {
    c.close();
    await emitter.close();
    await receiver.stop();
    state.close();
  }
});

test("the emitter refuses a record nested deeper than Fluent Bit decodes, as the record's fault, before anything is sent", async (t) => {
  const root = mkdtempSync(join(tmpdir(), "oclog-collect-hostile-emit-"));
  const receiver = new Receiver(join(root, "forward.sock"));
  const emitter = new Emitter({ endpoint: { path: receiver.path }, ackTimeoutMs: 15_000 });
  await receiver.start();
  try {
    // {type, message: deepNest(63)}: objects 64 deep, which Fluent Bit 5.1.1 acknowledges and then
    // loses with its whole chunk. One level less arrives.
    const error = await t.throwsAsync(emitter.send("transcript", { type: "message", message: deepNest(63) }), { instanceOf: RecordEncodingError });
    t.is(error?.code, "E_RECORD_ENCODE");
    t.regex(error!.message, /nests deeper than the 63 levels/);
    await emitter.send("transcript", { type: "message", id: "deepest", message: deepNest(62) });
    await emitter.send("transcript", { type: "message", id: "after" });
    await receiver.stop();
    t.deepEqual(receiver.entries.map((e) => e.record.id), ["deepest", "after"], "one level less is sent, and the connection is good for the next record");
  } finally {
    await emitter.close();
    await receiver.stop();
  }
});

test("why the limit: Fluent Bit 5.1.1 acknowledges a record nested 64 deep, then loses it and its neighbours", async (t) => {
  const root = mkdtempSync(join(tmpdir(), "oclog-collect-hostile-fb-depth-"));
  const receiver = new Receiver(join(root, "forward.sock"));
  // The client the Emitter wraps, configured as the Emitter does, without the Emitter's check.
  const sendPair = async (depth: number) => {
    const client = new FluentClient(null, { socket: { path: receiver.path, timeout: 15_000 }, ack: { ackTimeout: 15_000 }, eventMode: "PackedForward", milliseconds: true, eventRetry: { attempts: 0 } });
    try {
      await Promise.all([client.emit("openclaw.transcript", { id: `deep-${depth}`, message: deepNest(depth) }), client.emit("openclaw.transcript", { id: `beside-${depth}` })]);
    } finally {
      await client.shutdown();
    }
  };
  try {
    // One Fluent Bit run per pair, so each pair is a chunk of its own whatever the timing.
    await receiver.start();
    await sendPair(62);
    await receiver.stop();
    await receiver.start();
    await sendPair(63);
    await receiver.stop();
    t.deepEqual(receiver.entries.map((e) => e.record.id), ["deep-62", "beside-62"], "both pairs were acknowledged; the 64-deep one never came out, nor its neighbour");
  } finally {
    await receiver.stop();
  }
});

const CURSOR_PROBLEMS: Record<string, RegExp> = {
  "cursor-cut-off.json": /is damaged: .*JSON/,
  "cursor-no-version.json": /unknown format version undefined/,
  "cursor-not-an-object.json": /not a JSON object/,
  "cursor-position-fraction.json": /is 2\.5, not a whole number/,
  "cursor-position-infinity.json": /is Infinity, not a whole number/,
  "cursor-position-negative.json": /is -5, not a whole number/,
  "cursor-position-null.json": /is null, not a whole number/,
  "cursor-position-string.json": /is "12", not a whole number/,
  "cursor-position-unsafe-integer.json": /is 9007199254740992, not a whole number/,
  "cursor-stores-array.json": /"stores" is not an object/,
  "cursor-stores-empty.json": /"stores" is empty/,
  "cursor-stores-null.json": /"stores" is not an object/,
};

test("every damaged cursor file in the corpus stops the collector with an error naming the file and the problem", (t) => {
  const planted = readdirSync(CORPUS).filter((f) => f.startsWith("cursor-")).sort();
  t.deepEqual(planted, Object.keys(CURSOR_PROBLEMS).sort(), "every corpus cursor file has its expectation");
  const { state, workDir, collector } = setup("cursors");
  mkdirSync(workDir, { recursive: true });
  const path = join(workDir, "cursors.json");
  try {
    for (const file of planted) {
      writeFileSync(path, corpus(file));
      const error = t.throws(() => collector(), { message: CURSOR_PROBLEMS[file] }, file);
      t.is((error as { code?: string } | undefined)?.code, "E_CURSOR", file);
      t.true(error?.message.includes(path), `${file}: the message names the file`);
      t.regex(String((error as { hint?: string } | undefined)?.hint), /restore it from backup, or move it aside/, `${file}: and what to do`);
    }
  } finally {
    state.close();
  }
});

test("a cursor past the end of its store (the database was replaced) is a failed store with what to do, not a silent stop", async (t) => {
  const { root, state, receiver, emitter, collector } = setup("past-end");
  const first = state.appendTranscript("main");
  await receiver.start();
  const before = collector();
  t.is((await before.cycle()).sent, first.length);
  before.close();
  const cursors = before.cursors.snapshot();
  // OpenClaw's agent database is replaced by a fresh one holding two rows.
  state.agents.get("main")!.close();
  state.agents.delete("main");
  for (const suffix of ["", "-wal", "-shm"]) rmSync(join(state.dir, STORE + suffix), { force: true });
  const db = state.agent("main");
  const insert = db.prepare("INSERT INTO transcript_events (session_id, seq, event_json, created_at, event_zstd, event_utf8_bytes, navigation_json) VALUES (?, ?, ?, ?, ?, ?, ?)");
  insert.run(SESSION, 0, JSON.stringify(REAL[0]), 1795600300000, null, null, null);
  insert.run(SESSION, 1, JSON.stringify(REAL[1]), 1795600300001, null, null, null);
  const logged: Record<string, unknown>[] = [];
  const after = collector({ log: (event, fields) => event === "store.failed" && logged.push(fields) });
  try {
    const cycle = await after.cycle();
    t.regex(cycle.failedStores?.[STORE] ?? "", new RegExp(`the cursor of ${STORE} in .* is at ${first.length}, past the store's last row \\(2\\)`));
    t.is(logged[0]?.code, "E_CURSOR_PAST_END");
    t.regex(String(logged[0]?.hint), /remove the ".*" entry .* set the entry to 2: every row up to there was sent/);
    t.deepEqual(after.cursors.snapshot(), cursors, "the cursor file is left as it was, for the operator");
    t.deepEqual(JSON.parse(readFileSync(join(root, "collector", "cursors.json"), "utf8")).stores, cursors);
    await receiver.stop();
    t.is(receiver.entries.length, first.length, "nothing from the new database was sent under the old cursor");
  } finally {
    after.close();
    await emitter.close();
    await receiver.stop();
    state.close();
  }
});
