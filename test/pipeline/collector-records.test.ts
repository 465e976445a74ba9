// What `oclog collect` sends, received by real Fluent Bit 5.1.1's forward input on the checked-in
// pipeline and shipped to Azurite, must be readable by `oclog investigate`: transcripts land with
// their session, the ledger with its rows, a batch the collector sent again is kept once (the
// copies set aside and counted), and a row the collector marked invalid is quarantined with the
// collector's reason.
import { cpSync } from "node:fs";
import { join } from "node:path";
import test from "ava";
import { Collector } from "@oclog/collect";
import { CaseDatabase } from "@oclog/investigate";
import { Emitter } from "@oclog/schema";
import { LEDGER_ROWS, OpenClawState, TRANSCRIPT_ROWS } from "@oclog/test-kit/openclaw";
import { ShippingRig, waitFor } from "./shipping-rig.js";

test("collected records investigate cleanly; a re-sent batch and a collector-marked row are set aside with reasons", async (t) => {
  t.timeout(180_000);
  const rig = await ShippingRig.start();
  const state = new OpenClawState(join(rig.dir, "openclaw"));
  const emitter = new Emitter({ endpoint: { path: rig.paths.forwardSocket } });
  try {
    state.appendTranscript("main");
    state.appendLedger("inv");
    state.agent("main").prepare("INSERT INTO transcript_events (session_id, seq, event_json, created_at) VALUES (?, ?, ?, ?)").run("55555555-5555-4555-8555-555555555555", 0, "{broken", 1795600221000);
    const workDir = join(rig.dir, "collector");
    const collector = new Collector({ stateDir: state.dir, workDir, sender: emitter });
    t.is((await collector.cycle()).pending, 0);
    // A kill -9 after Fluent Bit acknowledged the next batch and before its cursor was written:
    // the restarted collector has the cursors from before that batch and sends it again.
    const before = join(rig.dir, "collector-before-batch");
    cpSync(workDir, before, { recursive: true });
    const batch = state.appendLedger("batch");
    t.is((await collector.cycle()).sent, batch.length);
    collector.close();
    const restarted = new Collector({ stateDir: state.dir, workDir: before, sender: emitter });
    t.is((await restarted.cycle()).sent, batch.length, "the batch is sent again, with the same oclog_id");
    restarted.close();

    const sent = TRANSCRIPT_ROWS.length + 1 + 2 * LEDGER_ROWS.length + batch.length;
    await waitFor(`all ${sent} records in blobs`, 60_000, async () => ((await rig.shipped()).length >= sent ? true : undefined), 1_000);
    const files = await rig.downloadBlobs();
    const db = await CaseDatabase.open(join(rig.dir, "case.duckdb"));
    try {
      const load = await db.load(files, { maxLineBytes: 4 * 1024 * 1024, workDir: join(rig.dir, "work") });
      const expected = TRANSCRIPT_ROWS.length + 2 * LEDGER_ROWS.length;
      t.is(load.records, expected, "every collected row is a record, once");
      t.is(load.quarantined, batch.length + 1);
      const reasons = Object.fromEntries(load.quarantineByReason.map((r) => [r.reason, r.count]));
      t.log(`records ${load.records}, re-sent copies set aside ${reasons["duplicate of an earlier record with the same oclog_id (collector re-send)"]}, marked invalid 1`);
      t.is(reasons["duplicate of an earlier record with the same oclog_id (collector re-send)"], batch.length);
      t.is(Object.entries(reasons).find(([reason]) => reason.startsWith("marked invalid by the collector: event is not JSON"))?.[1], 1);
      const sessions = await db.connection.runAndReadAll("SELECT DISTINCT session_id FROM events WHERE source = 'transcript'");
      t.deepEqual(sessions.getRows().map((r) => r[0]), [TRANSCRIPT_ROWS[0]!.row.session_id], "transcript events know their session");
      t.true(load.events >= expected);
      for (const [line, n] of rig.problems()) t.log(`fluent-bit x${n}: ${line}`);
    } finally {
      db.close();
    }
  } finally {
    await emitter.close();
    state.close();
    await rig.close();
  }
});
