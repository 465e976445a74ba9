// The collector on the store layouts of the releases before 2026.9 (test/openclaw/releases.ts):
// 2026.6 and 2026.7 keep each session as JSONL files (agents/<agent>/sessions/<session>.jsonl and
// .trajectory.jsonl) and 2026.7 a 17-column audit_events; 2026.8 keeps transcripts in SQLite
// without the event_zstd column 2026.9 added. Each state folder is built from what the real
// release wrote (test/fixtures/openclaw-<version>, from test/openclaw/capture.ts: its lines, its
// rows, its CREATE TABLE statements) and shipped to real Fluent Bit 5.1.1's forward input.
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import test from "ava";
import Database from "better-sqlite3";
import { Collector, discoverStores } from "@oclog/collect";
import { Emitter } from "@oclog/schema";
import { duplicates, Receiver } from "@oclog/test-kit/fluent-bit";
import { sessionLineRecord } from "../src/collected-record.js";
import { JsonlFileReader } from "../src/jsonl-file-reader.js";

const fixturesOf = (version: string) => fileURLToPath(new URL(`../../../test/fixtures/openclaw-${version}/`, import.meta.url));
const FIXTURES = fixturesOf("2026.7.35");

interface CapturedLine {
  db: string;
  table: string;
  event: unknown;
}

/** A state folder as 2026.7.35 left it: its session files, line for line, and its 17-column audit_events. */
function release2026_7State(root: string): { dir: string; lines: Map<string, string[]>; ledgerIds: string[] } {
  const dir = join(root, "openclaw");
  const lines = new Map<string, string[]>();
  for (const text of readFileSync(join(FIXTURES, "sqlite-event-rows.jsonl"), "utf8").split("\n").filter(Boolean)) {
    const line = JSON.parse(text) as CapturedLine;
    lines.set(line.db, [...(lines.get(line.db) ?? []), JSON.stringify(line.event)]);
  }
  for (const [file, content] of lines) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), content.map((l) => `${l}\n`).join(""));
  }
  // Files the release keeps beside the sessions, which are not sessions.
  writeFileSync(join(dir, "agents/main/sessions/sessions.json"), "{}\n");
  mkdirSync(join(dir, "state"), { recursive: true });
  const manifest = JSON.parse(readFileSync(join(FIXTURES, "manifest.json"), "utf8")) as { sqliteSchemas: Record<string, string> };
  const db = new Database(join(dir, "state", "openclaw.sqlite"));
  db.exec(manifest.sqliteSchemas["state/openclaw.sqlite:audit_events"]!);
  const rows = readFileSync(join(FIXTURES, "audit-ledger.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  for (const row of rows) {
    const columns = Object.keys(row);
    db.prepare(`INSERT INTO audit_events (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`).run(...columns.map((c) => row[c] as never));
  }
  db.close();
  return { dir, lines, ledgerIds: rows.map((r) => String(r.event_id)) };
}

/** Real Fluent Bit's forward input (the Receiver), an emitter to it, and collectors of `stateDir` sharing one work dir. */
async function shipTo(root: string, stateDir: string) {
  const receiver = new Receiver(join(root, "forward.sock"));
  await receiver.start();
  const emitter = new Emitter({ endpoint: { path: receiver.path }, ackTimeoutMs: 15_000 });
  const collectors: Collector[] = [];
  return {
    receiver,
    collector(extra: { batchSize?: number; log?: (event: string, fields: Record<string, unknown>) => void } = {}): Collector {
      const collector = new Collector({ stateDir, workDir: join(root, "collector"), sender: emitter, ...extra });
      collectors.push(collector);
      return collector;
    },
    async close(): Promise<void> {
      for (const collector of collectors) collector.close();
      await emitter.close();
      await receiver.stop();
    },
  };
}

/** The ids the collector gives a file's lines: its name and each line's byte offset. */
function lineIds(file: string, lines: readonly string[]): string[] {
  let offset = 0;
  return lines.map((line) => {
    const id = `${file}#${offset}`;
    offset += Buffer.byteLength(line) + 1;
    return id;
  });
}

test("discovery finds a 2026.7 state folder's session files by kind, not what sits beside them, and says which .jsonl it leaves out", (t) => {
  const { dir } = release2026_7State(mkdtempSync(join(tmpdir(), "oclog-sessions-discover-")));
  const sessions = join(dir, "agents/main/sessions");
  symlinkSync("/etc/hostname", join(sessions, "link.jsonl"));
  writeFileSync(join(sessions, "odd name.jsonl"), "{}\n");
  const skipped: string[] = [];
  const stores = discoverStores(dir, (path, why) => skipped.push(`${path.slice(sessions.length + 1)}: ${why}`)).map((s) => `${s.kind}:${s.format}:${s.name.replace(/[0-9a-f-]{36}/, "<session>")}`);
  t.deepEqual(skipped.sort(), ["link.jsonl: not a regular file (a link or a folder is never followed)", "odd name.jsonl: a name OpenClaw does not give session files (letters, digits, . _ - only)"]);
  t.deepEqual(stores.sort(), [
    "config-audit:sqlite:state/openclaw.sqlite:config-audit",
    "ledger:sqlite:state/openclaw.sqlite",
    "trajectory:jsonl:agents/main/sessions/<session>.trajectory.jsonl",
    "transcript:jsonl:agents/main/sessions/<session>.jsonl",
  ]);
});

test("an agent whose database holds transcripts is read from it only; 2026.7's memory-only database beside session files is not", async (t) => {
  const root = mkdtempSync(join(tmpdir(), "oclog-sessions-upgraded-"));
  const { dir } = release2026_7State(root);
  mkdirSync(join(dir, "agents/main/agent"), { recursive: true });
  // What 2026.7.35 puts in openclaw-agent.sqlite (openclaw-agent-db in its dist/): memory and auth, no transcripts.
  const db = new Database(join(dir, "agents/main/agent/openclaw-agent.sqlite"));
  db.exec("CREATE TABLE memory_index_meta (key TEXT PRIMARY KEY, value TEXT); CREATE TABLE auth_profile_state (id TEXT PRIMARY KEY)");
  const shipping = await shipTo(root, dir);
  try {
    const memoryOnly = await shipping.collector().cycle();
    t.is(memoryOnly.byKind.transcript?.read, 24, "the session files are read");
    t.is(memoryOnly.byKind.trajectory?.read, 14);
    // An upgraded release made transcript_events: from here on the database is the store.
    db.exec("CREATE TABLE transcript_events (session_id TEXT NOT NULL, seq INTEGER NOT NULL, event_json TEXT NOT NULL, created_at INTEGER NOT NULL)");
    const upgraded = await shipping.collector().cycle();
    t.deepEqual(Object.keys(upgraded.byKind).sort(), ["config-audit", "ledger", "transcript"], "no session-file store any more");
  } finally {
    db.close();
    await shipping.close();
  }
});

test("every transcript and trajectory line and every 2026.7 ledger row arrives exactly once, valid, with tool arguments and results", async (t) => {
  const root = mkdtempSync(join(tmpdir(), "oclog-sessions-ship-"));
  const { dir, lines, ledgerIds } = release2026_7State(root);
  const shipping = await shipTo(root, dir);
  const receiver = shipping.receiver;
  let collector = shipping.collector({ batchSize: 10 });
  try {
    const first = await collector.cycle();
    const fileLines = [...lines.values()].flat().length;
    t.is(first.read, fileLines + ledgerIds.length);
    t.is(first.pending, 0, first.sendError);
    t.deepEqual(Object.keys(first.byKind).sort(), ["config-audit", "ledger", "trajectory", "transcript"]);
    t.is(first.byKind.transcript!.read + first.byKind.trajectory!.read, fileLines);
    t.is(first.byKind.ledger!.read, ledgerIds.length);

    // A line OpenClaw is still writing waits for its newline; then it goes out, once.
    const [transcriptFile, transcriptLines] = [...lines].find(([file]) => !file.endsWith(".trajectory.jsonl"))!;
    const added = JSON.stringify({ type: "custom", customType: "oclog-test", data: { n: 1 }, id: "c0ffee01", parentId: null, timestamp: "2026-12-07T09:00:00.000Z" });
    appendFileSync(join(dir, transcriptFile), added.slice(0, 40));
    t.is((await collector.cycle()).read, 0, "half a line is not read");
    appendFileSync(join(dir, transcriptFile), `${added.slice(40)}\n`);
    t.is((await collector.cycle()).read, 1);
    // A restarted collector resumes at its cursors: nothing again.
    collector.close();
    collector = shipping.collector({ batchSize: 10 });
    t.is((await collector.cycle()).read, 0, "a restart re-reads nothing");
    await receiver.stop();

    const expected = [...[...lines].flatMap(([file, content]) => lineIds(file, content)), ...lineIds(transcriptFile, [...transcriptLines, added]).slice(-1), ...ledgerIds];
    t.deepEqual(receiver.ids().sort(), expected.sort());
    t.deepEqual(duplicates(receiver.ids()), []);
    t.deepEqual(receiver.entries.filter((e) => "oclog_invalid" in e.record).map((e) => `${e.tag} ${String(e.record.oclog_invalid)}`), [], "the real lines and rows pass @oclog/schema");
    const byTag = (tag: string) => receiver.entries.filter((e) => e.tag === tag);
    t.is(byTag("openclaw.trajectory").length, lines.get([...lines.keys()].find((f) => f.endsWith(".trajectory.jsonl"))!)!.length);
    t.true(byTag("openclaw.transcript").every((e) => e.record.oclog_path === transcriptFile), "oclog_path names the session file");
    const shipped = JSON.stringify(byTag("openclaw.transcript").map((e) => e.record));
    const scenario = JSON.parse(readFileSync(join(FIXTURES, "scenario.json"), "utf8")) as { toolCalls: { id: string; arguments: Record<string, unknown> }[] };
    for (const call of scenario.toolCalls) {
      t.true(shipped.includes(`"toolCallId":"${call.id}"`), `the result of ${call.id} shipped`);
      t.true(shipped.includes(JSON.stringify(call.arguments).slice(1, -1)), `the arguments of ${call.id} shipped`);
    }
  } finally {
    await shipping.close();
  }
});

test("a session file cut below the cursor is a failed store, named with why, and the other stores are still read and sent", async (t) => {
  const root = mkdtempSync(join(tmpdir(), "oclog-sessions-cut-"));
  const { dir, lines } = release2026_7State(root);
  const shipping = await shipTo(root, dir);
  const logged: string[] = [];
  const collector = shipping.collector({ log: (event, fields) => logged.push(`${event} ${String(fields.store)} ${String(fields.code)}`) });
  try {
    t.is((await collector.cycle()).pending, 0);
    const file = [...lines.keys()].find((f) => !f.endsWith(".trajectory.jsonl"))!;
    const other = [...lines.keys()].find((f) => f.endsWith(".trajectory.jsonl"))!;
    truncateSync(join(dir, file), 10);
    const added = JSON.stringify({ type: "custom", customType: "oclog-test", data: { n: 2 }, id: "c0ffee02", parentId: null, timestamp: "2026-12-07T09:00:00.000Z" });
    appendFileSync(join(dir, other), `${added}\n`);
    const cycle = await collector.cycle();
    t.deepEqual(Object.keys(cycle.failedStores ?? {}), [file]);
    t.regex(cycle.failedStores![file]!, new RegExp(`the cursor of ${file.replace(/\./g, "\\.")} .* past the store's last row \\(10\\)`));
    t.is(cycle.read, 1, "the line added to the other session file is read in the same cycle");
    t.is(cycle.pending, 0, "and sent");
    // Said once, not on every poll.
    await collector.cycle();
    t.deepEqual(logged.filter((l) => l.startsWith("store.failed")), [`store.failed ${file} E_CURSOR_PAST_END`]);
    // Fluent Bit writes out what it acknowledged when it stops (a flush after each ack before that).
    await shipping.receiver.stop();
    t.true(shipping.receiver.ids().includes(lineIds(other, [...lines.get(other)!, added]).at(-1)!), "the line added to the other file arrived");
  } finally {
    await shipping.close();
  }
});

test("the file reader: byte offsets as positions, only whole lines, an over-limit line kept as its size and start", (t) => {
  const root = mkdtempSync(join(tmpdir(), "oclog-sessions-reader-"));
  const path = join(root, "s.jsonl");
  const long = `{"x":"${"é".repeat(600)}"}`;
  writeFileSync(path, `{"a":1}\n${long}\n{"b":"ü"}\n{"c":`);
  const reader = new JsonlFileReader({ kind: "transcript", format: "jsonl", name: "s.jsonl", path }, 1000);
  try {
    // Read on from each position, as the collector does.
    const rows = [];
    for (let batch = reader.read(0, 100); batch.length > 0; batch = reader.read(batch.at(-1)!.position, 100)) rows.push(...batch);
    t.deepEqual(
      rows.map((r) => [r.offset, r.position, r.text, r.bytes]),
      [
        [0, 8, '{"a":1}', 7],
        [8, 8 + Buffer.byteLength(long) + 1, null, Buffer.byteLength(long)],
        [8 + Buffer.byteLength(long) + 1, 8 + Buffer.byteLength(long) + 1 + 11, '{"b":"ü"}', 10],
      ],
    );
    t.true(rows[1]!.prefix!.startsWith('{"x":"éé'));
    // No descriptor is kept between reads: a gateway with thousands of session files would exhaust them.
    const openOn = (file: string) => readdirSync("/proc/self/fd").filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`) === file;
      } catch {
        return false;
      }
    }).length;
    t.is(openOn(path), 0);
    t.deepEqual(reader.read(rows[0]!.position, 1).map((r) => r.offset), [8], "a read starts at a position and honours the limit");
    t.deepEqual(reader.read(rows.at(-1)!.position, 100), [], "the unfinished last line waits");
    t.is(reader.end(), Buffer.byteLength(readFileSync(path)));
    // A line over the limit that has not ended yet is not read either, however long it is.
    const open = join(root, "open.jsonl");
    writeFileSync(open, `{"y":"${"z".repeat(5000)}`);
    const openReader = new JsonlFileReader({ kind: "transcript", format: "jsonl", name: "open.jsonl", path: open }, 1000);
    t.deepEqual(openReader.read(0, 10), []);
    appendFileSync(open, '"}\n{"next":true}\n');
    t.deepEqual(openReader.read(0, 10).map((r) => [r.text === null, r.bytes]), [[true, 5008]]);
    openReader.close();
  } finally {
    reader.close();
  }
});

/** A state folder as 2026.8.2 left it: its databases, with its own CREATE TABLE statements and rows. */
function release2026_8State(root: string): { dir: string; expected: string[] } {
  const fixtures = fixturesOf("2026.8.2");
  const dir = join(root, "openclaw");
  const manifest = JSON.parse(readFileSync(join(fixtures, "manifest.json"), "utf8")) as { sqliteSchemas: Record<string, string> };
  const expected: string[] = [];
  const open = (name: string, tables: string[]) => {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    const db = new Database(join(dir, name));
    // Only the tables the collector reads are made; their foreign keys name tables it never reads.
    db.pragma("foreign_keys = OFF");
    for (const table of tables) db.exec(manifest.sqliteSchemas[`${name}:${table}`]!);
    return db;
  };
  const agent = open("agents/main/agent/openclaw-agent.sqlite", ["transcript_events"]);
  for (const text of readFileSync(join(fixtures, "sqlite-event-rows.jsonl"), "utf8").split("\n").filter(Boolean)) {
    const { table, row } = JSON.parse(text) as { table: string; row: { session_id: string; seq: number; event_json: string; created_at: number } };
    if (table !== "transcript_events") continue;
    agent.prepare("INSERT INTO transcript_events (session_id, seq, event_json, created_at) VALUES (?, ?, ?, ?)").run(row.session_id, row.seq, row.event_json, row.created_at);
    expected.push(`agents/main/agent/openclaw-agent.sqlite#${row.session_id}/${row.seq}`);
  }
  agent.close();
  const state = open("state/openclaw.sqlite", ["audit_events", "diagnostic_events"]);
  for (const text of readFileSync(join(fixtures, "audit-ledger.jsonl"), "utf8").split("\n").filter(Boolean)) {
    const row = JSON.parse(text) as Record<string, unknown>;
    const columns = Object.keys(row);
    state.prepare(`INSERT INTO audit_events (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`).run(...columns.map((c) => row[c] as never));
    expected.push(String(row.event_id));
  }
  state.close();
  return { dir, expected };
}

test("2026.8's transcript_events (event_json only, no event_zstd) and its ledger ship whole and valid", async (t) => {
  const root = mkdtempSync(join(tmpdir(), "oclog-layout-2026-8-"));
  const { dir, expected } = release2026_8State(root);
  const shipping = await shipTo(root, dir);
  const receiver = shipping.receiver;
  const collector = shipping.collector();
  try {
    const result = await collector.cycle();
    t.is(result.pending, 0, result.sendError);
    t.is(result.byKind.transcript?.read, expected.filter((id) => id.includes("#")).length);
    await receiver.stop();
    t.deepEqual(receiver.ids().sort(), expected.sort());
    t.deepEqual(receiver.entries.filter((e) => "oclog_invalid" in e.record).map((e) => `${e.tag} ${String(e.record.oclog_invalid)}`), []);
    t.regex(JSON.stringify(receiver.entries.map((e) => e.record)), /"toolCallId":"call_read_passwd"/, "tool results shipped");
  } finally {
    await shipping.close();
  }
});

test("the file reader follows a file replaced by a longer copy of itself (as 2026.7 does with trajectories), and stops at one rewritten otherwise", (t) => {
  const root = mkdtempSync(join(tmpdir(), "oclog-sessions-replaced-"));
  const path = join(root, "s.trajectory.jsonl");
  const first = '{"seq":1}\n{"seq":2}\n';
  writeFileSync(path, first);
  const reader = new JsonlFileReader({ kind: "trajectory", format: "jsonl", name: "s.trajectory.jsonl", path });
  try {
    const rows = reader.read(0, 10);
    t.deepEqual(rows.map((r) => r.text), ['{"seq":1}', '{"seq":2}']);
    // Write, then rename over: a new inode holding the old lines and new ones.
    writeFileSync(`${path}.tmp`, `${first}{"seq":3}\n`);
    renameSync(`${path}.tmp`, path);
    t.deepEqual(reader.read(rows.at(-1)!.position, 10).map((r) => [r.offset, r.text, r.key]), [[first.length, '{"seq":3}', undefined]], "the new file is read on from the same offset, lines known by their offsets");
  } finally {
    reader.close();
  }
  // A reader that never saw the file (a restart) finds it rewritten under its cursor: it stops.
  writeFileSync(`${path}.tmp`, '{"seq":"one"}\n{"seq":"two"}\n{"seq":"three"}\n');
  renameSync(`${path}.tmp`, path);
  const restarted = new JsonlFileReader({ kind: "trajectory", format: "jsonl", name: "s.trajectory.jsonl", path });
  try {
    const error = t.throws(() => restarted.read(first.length + 10, 10));
    t.regex(error?.message ?? "", /was replaced by a file without a line end at byte 30, where the cursor of s.trajectory.jsonl is: it was rewritten, not extended/);
    t.regex((error as { hint?: string } | undefined)?.hint ?? "", /remove the "s.trajectory.jsonl" entry from the collector.s cursors.json/);
    // Deleted: nothing to read, and no cursor is past the end of a file that is gone.
    rmSync(path);
    t.deepEqual(restarted.read(30, 10), []);
    t.is(restarted.end(), Number.POSITIVE_INFINITY);
  } finally {
    restarted.close();
  }
});

test("a 2026.7 trajectory window rewritten with a line sorted before the cursor: every line once, new ones by key, appends after them", (t) => {
  const root = mkdtempSync(join(tmpdir(), "oclog-sessions-window-"));
  const path = join(root, "w.trajectory.jsonl");
  const line = (ts: string, n: number) => JSON.stringify({ ts: `2026-12-07T09:00:${ts}.000Z`, seq: n });
  const [a, b, late, c, d] = [line("01", 1), line("03", 2), line("02", 3), line("04", 4), line("05", 5)];
  writeFileSync(path, `${a}\n${b}\n`);
  const reader = new JsonlFileReader({ kind: "trajectory", format: "jsonl", name: "w.trajectory.jsonl", path });
  try {
    const first = reader.read(0, 10);
    const cursor = first.at(-1)!.position;
    // OpenClaw's flush: the lines so far plus new ones, sorted by ts: `late` lands between a and b.
    writeFileSync(`${path}.tmp`, `${a}\n${late}\n${b}\n${c}\n`);
    renameSync(`${path}.tmp`, path);
    const second = reader.read(cursor, 1);
    t.deepEqual(second.map((r) => r.text), [late], "a batch of one");
    const third = reader.read(second.at(-1)!.position, 10);
    t.deepEqual(third.map((r) => r.text), [c]);
    const after = [...second, ...third];
    t.true(after.every((r) => typeof r.key === "string" && r.key.length === 20), "known by their keys");
    t.deepEqual(after.map((r) => r.position), [cursor + 1, cursor + 2], "positions go on from the cursor");
    t.deepEqual(reader.read(third.at(-1)!.position, 10), [], "nothing twice");
    t.is(reader.end(), cursor + 2, "the end is where the cursor is");
    // An append to the rewritten file follows them, by offset again.
    appendFileSync(path, `${d}\n`);
    const appended = reader.read(cursor + 2, 10);
    t.deepEqual(appended.map((r) => [r.text, r.key, r.position]), [[d, undefined, cursor + 3 + d.length]]);
    // Rewritten again, another early line sorted in: only that one comes, once.
    const later = line("02.5", 6);
    writeFileSync(`${path}.tmp`, `${a}\n${late}\n${later}\n${b}\n${c}\n${d}\n`);
    renameSync(`${path}.tmp`, path);
    const again = reader.read(appended.at(-1)!.position, 10);
    t.deepEqual(again.map((r) => r.text), [later]);
    t.deepEqual(reader.read(again.at(-1)!.position, 10), [], "nothing twice after a second rewrite");
    // The record ids: keys for the rewritten lines, offsets otherwise, never one twice.
    const store = { kind: "trajectory" as const, format: "jsonl" as const, name: "w.trajectory.jsonl", path };
    const ids = [...first, ...after, ...appended].map((r) => String(sessionLineRecord(store, r).record.oclog_id));
    t.is(new Set(ids).size, 5);
    t.regex(ids[2]!, /^w\.trajectory\.jsonl#h[0-9a-f]{20}$/);
  } finally {
    reader.close();
  }
});

test("a rewritten trajectory window with odd lines (NUL, invalid UTF-8, over the row limit) returns each once, the big one as its size and start", (t) => {
  const root = mkdtempSync(join(tmpdir(), "oclog-sessions-window-odd-"));
  const path = join(root, "o.trajectory.jsonl");
  const first = Buffer.from('{"ts":"2026-12-07T09:00:01.000Z","seq":1}\n');
  writeFileSync(path, first);
  const reader = new JsonlFileReader({ kind: "trajectory", format: "jsonl", name: "o.trajectory.jsonl", path }, 200);
  try {
    const cursor = reader.read(0, 10).at(-1)!.position;
    const nul = Buffer.from('{"ts":"2026-12-07T09:00:00.500Z","seq":2,"x":"a\u0000b"}\n');
    const badUtf8 = Buffer.concat([Buffer.from('{"ts":"2026-12-07T09:00:00.600Z","seq":3,"x":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]);
    const big = Buffer.from(`{"ts":"2026-12-07T09:00:00.700Z","seq":4,"x":"${"y".repeat(1000)}"}\n`);
    writeFileSync(`${path}.tmp`, Buffer.concat([nul, badUtf8, big, first]));
    renameSync(`${path}.tmp`, path);
    const rows = reader.read(cursor, 10);
    t.is(rows.length, 3);
    t.true(rows[0]!.text!.includes("a\u0000b"));
    t.true(rows[1]!.text!.includes("\ufffd"), "invalid UTF-8 is replaced, not dropped");
    t.is(rows[2]!.text, null);
    t.is(rows[2]!.bytes, big.length - 1);
    t.deepEqual(reader.read(rows.at(-1)!.position, 10), []);
    t.is(new Set(rows.map((r) => r.key)).size, 3);
  } finally {
    reader.close();
  }
});
