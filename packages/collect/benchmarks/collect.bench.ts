/**
 * `pnpm bench collect`: rows/s from OpenClaw's databases to records Fluent Bit acknowledged,
 * side by side with reading the same rows alone (the floor) and with sending the same records
 * through the emitter without the collector (spool, cursors, redaction, validation).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Collector } from "@oclog/collect";
import { Emitter } from "@oclog/schema";
import { runSuite, type BenchResult } from "../../../scripts/bench-kit.js";
import { OpenClawState } from "@oclog/test-kit/openclaw";
import { Receiver } from "@oclog/test-kit/fluent-bit";

export async function run(): Promise<BenchResult[]> {
  const root = mkdtempSync(join(tmpdir(), "oclog-bench-collect-"));
  const state = new OpenClawState(join(root, "openclaw"));
  const sessions = Number(process.env.OCLOG_BENCH_SESSIONS ?? 200);
  for (let i = 0; i < sessions; i++) {
    state.appendTranscript("main", `33333333-3333-4333-8333-${String(i).padStart(12, "0")}`);
    state.appendLedger(`bench-${i}`);
  }
  state.close();
  const receiver = new Receiver(join(root, "forward.sock"));
  await receiver.start();
  const emitter = new Emitter({ endpoint: { path: receiver.path } });
  let round = 0;
  try {
    const collected: Record<string, unknown>[] = [];
    const results = await runSuite("collect: database to acknowledged receipt (rows/s)", [
      {
        name: "read rows only (better-sqlite3, no decode)",
        async run() {
          let rows = 0;
          for (const [file, sql] of [
            [join(state.dir, "agents/main/agent/openclaw-agent.sqlite"), "SELECT * FROM transcript_events"],
            [join(state.dir, "state/openclaw.sqlite"), "SELECT * FROM audit_events"],
          ] as const) {
            const db = new Database(file, { readonly: true });
            rows += db.prepare(sql).all().length;
            db.close();
          }
          return rows;
        },
      },
      {
        name: "emitter alone (same records, acks)",
        async run() {
          if (collected.length === 0) return 0;
          await Promise.all(collected.map((r) => emitter.send(r.oclog_path ? "transcript" : "ledger", r, new Date())));
          return collected.length;
        },
      },
      {
        name: "oclog collector (decode, validate, redact, spool, ack, cursor)",
        async run() {
          const before = receiver.entries.length;
          const collector = new Collector({ stateDir: state.dir, workDir: join(root, `collector-${round++}`), sender: emitter, batchSize: 500 });
          let result = await collector.cycle();
          let acknowledged = result.sent;
          while (result.read > 0 || result.pending > 0) acknowledged += (result = await collector.cycle()).sent;
          collector.close();
          // The first round's records, as Fluent Bit wrote them out, are what the emitter case sends.
          if (collected.length === 0) {
            await receiver.waitFor(before + acknowledged);
            collected.push(...receiver.entries.slice(before, before + acknowledged).map((e) => e.record));
          }
          return acknowledged;
        },
      },
    ]);
    console.log(`${sessions} sessions: ${results[2]!.items} rows; collector at ${results[2]!.perSecond.toFixed(0)} rows/s = ${(results[2]!.perSecond / results[1]!.perSecond).toFixed(2)}x the bare emitter`);
    return results;
  } finally {
    await emitter.close();
    await receiver.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
