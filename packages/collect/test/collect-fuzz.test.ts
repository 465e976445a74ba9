// Issue 20, `oclog collect`, seeded: real OpenClaw transcript events mutated by
// test/hostile/hostile-random.ts (terminal escapes, lone surrogates, prototype keys, 70,000-character
// strings, nesting up to 5,000 levels), some cut mid-text, some zstd-compressed, written as rows
// and collected into real Fluent Bit 5.1.1. Every row arrives exactly once, as itself or marked
// with the reason, and the rows written after them still flow. A failure names its seed.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { Collector, MAX_RECORD_DEPTH } from "@oclog/collect";
import { Emitter, nestsDeeperThan } from "@oclog/schema";
import { Dice, mutateRecord } from "../../../test/hostile/hostile-random.js";
import { OpenClawState, TRANSCRIPT_ROWS, zstdCompress } from "@oclog/test-kit/openclaw";
import { duplicates, Receiver } from "@oclog/test-kit/fluent-bit";

const ROWS = 60;
const SESSION = "77777777-7777-4777-8777-777777777777";
const REAL = TRANSCRIPT_ROWS.map((r) => r.event);

/** JSON text of `value` without recursion: JSON.stringify overflows the stack on the deep mutations. */
function stringifyDeep(value: unknown): string {
  let out = "";
  const stack: unknown[] = [value];
  const CLOSE = Symbol("close");
  const closers: string[] = [];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === CLOSE) {
      out += closers.pop();
      continue;
    }
    if (typeof item === "string" && item.startsWith("\u0000raw:")) {
      out += item.slice(5);
      continue;
    }
    if (typeof item !== "object" || item === null) {
      out += JSON.stringify(item) ?? "null";
      continue;
    }
    const entries = Array.isArray(item) ? item.map((v) => ["", v] as const) : Object.entries(item);
    out += Array.isArray(item) ? "[" : "{";
    closers.push(Array.isArray(item) ? "]" : "}");
    stack.push(CLOSE);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      stack.push(child, `\u0000raw:${i > 0 ? "," : ""}${Array.isArray(item) ? "" : `${JSON.stringify(key)}:`}`);
    }
  }
  return out;
}

test("seeded hostile rows: every one arrives once, whole or marked, and later rows keep flowing", async (t) => {
  const root = mkdtempSync(join(tmpdir(), "oclog-collect-fuzz-"));
  const state = new OpenClawState(join(root, "openclaw"));
  const receiver = new Receiver(join(root, "forward.sock"));
  const emitter = new Emitter({ endpoint: { path: receiver.path }, ackTimeoutMs: 15_000 });
  const db = state.agent("main");
  const insert = db.prepare("INSERT INTO transcript_events (session_id, seq, event_json, created_at, event_zstd, event_utf8_bytes, navigation_json) VALUES (?, ?, ?, ?, ?, ?, ?)");
  const navigation = TRANSCRIPT_ROWS.find((r) => r.row.navigation_json)!.row.navigation_json;
  const expected: Array<{ seed: string; why: "whole" | "deep" | "cut" }> = [];
  for (let seq = 0; seq < ROWS; seq++) {
    const seed = `collect-fuzz-${seq}`;
    const dice = new Dice(seed);
    let text = stringifyDeep(mutateRecord(dice, dice.pick(REAL)));
    let why: "whole" | "deep" | "cut" = nestsDeeperThan(JSON.parse(text), MAX_RECORD_DEPTH) ? "deep" : "whole";
    if (dice.chance(0.15)) {
      text = text.slice(0, dice.int(1, text.length - 1));
      why = "cut";
    }
    if (dice.chance(0.2)) insert.run(SESSION, seq, null, 1795600400000 + seq, zstdCompress(text), Buffer.byteLength(text), navigation);
    else insert.run(SESSION, seq, text, 1795600400000 + seq, null, null, null);
    expected.push({ seed, why });
  }
  await receiver.start();
  const c = new Collector({ stateDir: state.dir, workDir: join(root, "collector"), sender: emitter, batchSize: 25 });
  try {
    const first = await c.cycle();
    t.is(first.sendError, undefined);
    t.is(first.sent, ROWS);
    const later = state.appendTranscript("main", "88888888-8888-4888-8888-888888888888");
    t.is((await c.cycle()).sent, later.length, "rows written after the hostile ones keep flowing");
    await receiver.stop();

    t.deepEqual(duplicates(receiver.ids()), []);
    const bySeq = new Map(receiver.entries.filter((e) => String(e.record.oclog_id).includes(SESSION)).map((e) => [Number(String(e.record.oclog_id).split("/").at(-1)), e.record]));
    t.is(bySeq.size, ROWS, "every hostile row arrived");
    expected.forEach(({ seed, why }, seq) => {
      const record = bySeq.get(seq);
      if (!record) return void t.fail(`${seed}: row ${seq} never arrived`);
      const mark = String(record.oclog_invalid ?? "");
      if (why === "cut") t.regex(mark, /is not JSON/, seed);
      else if (why === "deep") t.regex(mark, /nests deeper than 48 levels/, seed);
      else t.notRegex(mark, /is not JSON|nests deeper|row limit|decompress/, `${seed}: a whole row is not marked for its shape`);
    });
    const counts = { whole: 0, deep: 0, cut: 0 };
    for (const e of expected) counts[e.why]++;
    t.log(counts);
    t.true(counts.deep > 0 && counts.cut > 0 && counts.whole > 0, "the seeds cover every kind");
    t.is(receiver.ids().filter((id) => later.includes(id)).length, later.length);
  } finally {
    c.close();
    await emitter.close();
    await receiver.stop();
    state.close();
  }
});
