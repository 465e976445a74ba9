/**
 * Reads the finding pins of a session (`finding_steps`): which finding's evidence, or cause, is
 * which step. A case written before detections pinned steps has no such table: no pins, not an error.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { Severity } from "../detect/finding.js";
import type { StepPin } from "./replay-types.js";

/** The pins of one session's steps, by step then finding; empty when the case has no `finding_steps`. */
export async function readStepPins(connection: DuckDBConnection, sessionId: string): Promise<StepPin[]> {
  const exists = await connection.runAndReadAll("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'finding_steps'");
  if (Number(exists.getRows()[0]?.[0] ?? 0) === 0) return [];
  const prepared = await connection.prepare(
    `SELECT finding, detection_id, title, severity, "row", role, session_id, step_no, blob, line
     FROM finding_steps WHERE session_id = $1 ORDER BY step_no, finding, "row"`,
  );
  prepared.bindVarchar(1, sessionId);
  return (await prepared.runAndReadAll()).getRowObjectsJson().map(
    (r): StepPin => ({
      finding: Number(r.finding),
      detectionId: String(r.detection_id),
      title: String(r.title),
      severity: String(r.severity) as Severity,
      row: Number(r.row),
      role: r.role === "cause" ? "cause" : "evidence",
      sessionId: String(r.session_id),
      stepNo: Number(r.step_no),
      blob: String(r.blob),
      line: Number(r.line),
    }),
  );
}
