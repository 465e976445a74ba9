/**
 * Pins every finding's evidence rows to the session steps they are about (`finding_steps`), so
 * a report can put a finding on its step and a step can say which findings it carries.
 *
 * A row is pinned, in order of certainty:
 *   1. to the step built from the very record (same blob and line; when a line holds several tool
 *      calls, the one with the row's call id);
 *   2. to the tool call whose id the row's record carries (a tool result, the gateway's trace);
 *   3. to the latest step at or before the record's time in the record's session.
 * A row outside any session (an auth failure, a config write) is not pinned. The evidence rows
 * of a chain rule also carry where the chain began (`taint_blob`, `taint_line`): that end is
 * pinned too, as the `cause`.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { sqlString } from "@oclog/schema";
import type { Finding } from "../detect/finding.js";
import { readStepPins } from "./replay-data.js";
import type { StepPin } from "./replay-types.js";

interface PinRef {
  finding: number;
  row: number;
  role: "evidence" | "cause";
  blob: string;
  line: number;
  callId: string | null;
}

const str = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);
const lineOf = (value: unknown): number | null => (typeof value === "number" && Number.isSafeInteger(value) && value > 0 ? value : typeof value === "string" && /^\d{1,15}$/.test(value) ? Number(value) : null);

/** The references a finding's rows make: each row's own record, and the start of its chain. */
export function pinRefs(findings: readonly Finding[]): PinRef[] {
  const refs: PinRef[] = [];
  findings.forEach((finding, f) => {
    finding.rows.forEach((row, r) => {
      const blob = str(row.blob);
      const line = lineOf(row.line);
      if (blob !== null && line !== null) refs.push({ finding: f, row: r, role: "evidence", blob, line, callId: str(row.call_id) });
      const taintBlob = str(row.taint_blob);
      const taintLine = lineOf(row.taint_line);
      if (taintBlob !== null && taintLine !== null) refs.push({ finding: f, row: r, role: "cause", blob: taintBlob, line: taintLine, callId: null });
    });
  });
  return refs;
}

const PIN_SQL = `
WITH refs AS (SELECT * FROM pin_refs),
direct AS (
    SELECT r.k, s.session_id, s.step_no FROM refs r
    JOIN session_steps s ON s.blob = r.blob AND s.line = r.line AND (r.call_id IS NULL OR s.call_id IS NULL OR s.call_id = r.call_id)
    QUALIFY row_number() OVER (PARTITION BY r.k ORDER BY s.call_id IS NOT DISTINCT FROM r.call_id DESC, s.kind <> 'tool', s.step_no) = 1
),
record AS (
    SELECT r.k, e."user", e.host, e.session_id, e.time, coalesce(r.call_id, e.gen_ai.tool.call.id) AS call_id FROM refs r
    JOIN events e ON e.blob = r.blob AND e.line = r.line
    WHERE r.k NOT IN (SELECT k FROM direct)
    QUALIFY row_number() OVER (PARTITION BY r.k ORDER BY e.session_id IS NULL, e.time) = 1
),
by_call AS (
    SELECT x.k, s.session_id, s.step_no FROM record x
    JOIN session_steps s ON s.call_id = x.call_id AND s."user" IS NOT DISTINCT FROM x."user" AND s.host IS NOT DISTINCT FROM x.host
    QUALIFY row_number() OVER (PARTITION BY x.k ORDER BY s.session_id IS NOT DISTINCT FROM x.session_id DESC, s.step_no) = 1
),
by_time AS (
    SELECT x.k, s.session_id, s.step_no FROM record x
    JOIN session_steps s ON s.session_id = x.session_id AND s."user" IS NOT DISTINCT FROM x."user" AND s.host IS NOT DISTINCT FROM x.host AND s.time <= x.time
    WHERE x.k NOT IN (SELECT k FROM by_call)
    QUALIFY row_number() OVER (PARTITION BY x.k ORDER BY s.step_no DESC) = 1
),
pinned AS (SELECT * FROM direct UNION ALL SELECT * FROM by_call UNION ALL SELECT * FROM by_time)
SELECT r.finding, r."row", r.role, p.session_id, p.step_no, r.blob, r.line
FROM refs r JOIN pinned p USING (k)`;

/** (Re)creates `finding_steps` for `findings` (in report order) and returns the pins. */
export async function pinFindings(connection: DuckDBConnection, findings: readonly Finding[]): Promise<StepPin[]> {
  await connection.run("DROP TABLE IF EXISTS finding_steps");
  await connection.run(`CREATE TABLE finding_steps (finding INTEGER, detection_id VARCHAR, title VARCHAR, severity VARCHAR, "row" INTEGER, role VARCHAR,
    session_id VARCHAR, step_no BIGINT, blob VARCHAR, line BIGINT)`);
  const refs = pinRefs(findings);
  if (refs.length === 0) return [];
  await connection.run("CREATE OR REPLACE TEMP TABLE pin_findings (finding INTEGER, detection_id VARCHAR, title VARCHAR, severity VARCHAR)");
  const named = findings.map((f, i) => `(${i}, ${sqlString(f.detection.id)}, ${sqlString(f.detection.title)}, ${sqlString(f.detection.severity)})`);
  for (let i = 0; i < named.length; i += 500) await connection.run(`INSERT INTO pin_findings VALUES ${named.slice(i, i + 500).join(", ")}`);
  await connection.run("CREATE OR REPLACE TEMP TABLE pin_refs (k INTEGER, finding INTEGER, \"row\" INTEGER, role VARCHAR, blob VARCHAR, line BIGINT, call_id VARCHAR)");
  // A few thousand refs at most (rows are capped per finding): one VALUES insert per 500.
  for (let i = 0; i < refs.length; i += 500) {
    const values = refs.slice(i, i + 500).map((r, j) => `(${i + j}, ${r.finding}, ${r.row}, '${r.role}', ${sqlString(r.blob)}, ${r.line}, ${r.callId === null ? "NULL" : sqlString(r.callId)})`);
    await connection.run(`INSERT INTO pin_refs VALUES ${values.join(", ")}`);
  }
  // The pins go into the case with the finding's name, then are read back as the reports use them.
  await connection.run(`INSERT INTO finding_steps
    SELECT p.finding, f.detection_id, f.title, f.severity, p."row", p.role, p.session_id, p.step_no, p.blob, p.line
    FROM (${PIN_SQL}) p JOIN pin_findings f ON f.finding = p.finding`);
  await connection.run("DROP TABLE pin_refs");
  await connection.run("DROP TABLE pin_findings");
  const pins = await readStepPins(connection);
  return pins;
}
