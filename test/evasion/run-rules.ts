/**
 * Runs the rules over one variant's or benign day's events, alone in a fresh in-memory DuckDB (no
 * other item's fetch or session can pair with its steps), the way the rule tests load events.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CaseDatabase, loadEventsJsonl, runDetections, type Finding, type LoadedDetection } from "@oclog/investigate";
import type { CorpusEventRow } from "./normalized-events.js";

export interface RuleRun {
  findings: Finding[];
  errors: string[];
  /** Rows in the events table after the load (every event, or some were dropped). */
  loadedRows: number;
}

/** Evidence rows kept per finding: all of them, so no step's row is cut off. */
const ROW_LIMIT = 100_000;

export async function runRulesOnEvents(rows: readonly CorpusEventRow[], detections: readonly LoadedDetection[]): Promise<RuleRun> {
  const dir = mkdtempSync(join(tmpdir(), "oclog-evasion-"));
  const path = join(dir, "events.jsonl");
  writeFileSync(path, `${rows.map((row) => JSON.stringify(row)).join("\n")}\n`);
  const db = await CaseDatabase.open(":memory:");
  try {
    await loadEventsJsonl(db.connection, path);
    const counted = (await db.connection.runAndReadAll("SELECT count(*) AS n FROM events")).getRowObjectsJson()[0]!.n;
    const { findings, errors } = await runDetections(db.connection, [...detections], { rowLimit: ROW_LIMIT });
    return { findings, errors: errors.map((e) => `${e.file}: ${e.reason}`), loadedRows: Number(counted) };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
