// What `oclog collect` sends, shipped by the openclaw-vm pipeline, must be readable by
// `oclog investigate`: transcripts land with their session, the ledger with its rows, a batch
// the collector re-sent after a crash is kept once (copies set aside and counted), and a row the
// collector marked invalid is quarantined with the collector's reason.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import test from "ava";
import { Collector } from "@oclog/collect";
import { CaseDatabase } from "@oclog/investigate";
import { Emitter } from "@oclog/schema";
import { LEDGER_ROWS, OpenClawState, TRANSCRIPT_ROWS } from "../../packages/collect/test/openclaw-state.js";
import { Receiver } from "../../packages/collect/test/receiver.js";
import { aliceVmPipeline, shippedLine } from "./pipeline-envelope.js";

test("collected records investigate cleanly; re-sent copies and collector-marked rows are set aside with reasons", async (t) => {
  const root = mkdtempSync(join(tmpdir(), "oclog-collector-records-"));
  const state = new OpenClawState(join(root, "openclaw"));
  state.appendTranscript("main");
  state.appendLedger("inv");
  state.agent("main").prepare("INSERT INTO transcript_events (session_id, seq, event_json, created_at) VALUES (?, ?, ?, ?)").run("55555555-5555-4555-8555-555555555555", 0, "{broken", 1795600221000);
  const receiver = new Receiver(join(root, "forward.sock"));
  await receiver.start();
  const emitter = new Emitter({ endpoint: { path: receiver.path } });
  const collector = new Collector({ stateDir: state.dir, workDir: join(root, "collector"), sender: emitter });
  try {
    const result = await collector.cycle();
    t.is(result.pending, 0);
  } finally {
    collector.close();
    await emitter.close();
    await receiver.stop();
    state.close();
  }

  const config = aliceVmPipeline("5.1.1");
  const lines = receiver.entries.map((e) => shippedLine(config, e.tag, new Date(), e.record));
  // A crash after Fluent Bit acknowledged a batch, before the cursor moved: those 7 sent again.
  const resent = lines.slice(0, 7);
  const files = [
    { blob: "oclog/alice/openclaw.transcript/2026/11/25/09/openclaw.transcript.a.1795600300000.gz", lines },
    { blob: "oclog/alice/openclaw.transcript/2026/11/25/09/openclaw.transcript.b.1795600400000.gz", lines: resent },
  ].map(({ blob, lines: content }) => {
    const path = join(root, blob.replaceAll("/", "_"));
    writeFileSync(path, gzipSync(`${content.join("\n")}\n`));
    return { blob, path };
  });
  const db = await CaseDatabase.open(join(root, "case.duckdb"));
  try {
    const load = await db.load(files, { maxLineBytes: 4 * 1024 * 1024, workDir: join(root, "w") });
    const expected = TRANSCRIPT_ROWS.length + LEDGER_ROWS.length;
    t.is(load.records, expected, "every collected row is a record, once");
    t.is(load.quarantined, resent.length + 1);
    const reasons = Object.fromEntries(load.quarantineByReason.map((r) => [r.reason, r.count]));
    t.is(reasons["duplicate of an earlier record with the same oclog_id (collector re-send)"], resent.length);
    t.is(Object.entries(reasons).find(([reason]) => reason.startsWith("marked invalid by the collector: event is not JSON"))?.[1], 1);
    const sessions = await db.connection.runAndReadAll("SELECT DISTINCT session_id FROM events WHERE source = 'transcript'");
    t.deepEqual(sessions.getRows().map((r) => r[0]), [TRANSCRIPT_ROWS[0]!.row.session_id], "transcript events know their session");
    t.true(load.events >= expected);
  } finally {
    db.close();
  }
});
