/**
 * Reads a case's sessions back as TypeScript values: `sessions`, `session_steps` and
 * `finding_steps` (written once detections ran). Used by the reports and by `oclog sessions` /
 * `oclog session`, on a case being written or a finished one opened read-only.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { sqlString } from "@oclog/schema";
import { severityRank, type Severity } from "../detect/finding.js";
import type { SessionStep, SessionSummary, StepKind, StepPin } from "./replay-types.js";
import { tableExists } from "../load/case-tables.js";

const iso = (value: unknown): string => (value === null || value === undefined ? "" : new Date(Number(value)).toISOString());
const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/** Every session of the case with its worst pinned finding, worst first, then by start. */
export async function readSessions(connection: DuckDBConnection): Promise<SessionSummary[]> {
  if (!(await tableExists(connection, "sessions"))) return [];
  const pins = await tableExists(connection, "finding_steps");
  const rows = (
    await connection.runAndReadAll(`
      SELECT s.session_id, s."user", s.host, s.agent_id, epoch_ms(s.started) AS started, epoch_ms(s.ended) AS ended, s.steps, s.tool_calls,
          s.tools, s.first_prompt, s.has_transcript, s.blobs, s.days,
          ${pins ? "f.severities, f.findings" : "NULL AS severities, 0 AS findings"}
      FROM sessions s
      ${pins ? `LEFT JOIN (SELECT session_id, list(DISTINCT severity) AS severities, count(DISTINCT finding) AS findings FROM finding_steps GROUP BY ALL) f USING (session_id)` : ""}
      ORDER BY s.started, s.session_id`)
  ).getRowObjectsJson();
  const sessions = rows.map((r): SessionSummary => {
    const severities = (Array.isArray(r.severities) ? r.severities : []) as Severity[];
    const worst = severities.length === 0 ? null : severities.reduce((a, b) => (severityRank(b) > severityRank(a) ? b : a));
    return {
      sessionId: String(r.session_id),
      user: text(r.user),
      host: text(r.host),
      agentId: text(r.agent_id),
      started: iso(r.started),
      ended: iso(r.ended),
      steps: Number(r.steps),
      toolCalls: Number(r.tool_calls),
      tools: (Array.isArray(r.tools) ? r.tools : []).map(String),
      firstPrompt: text(r.first_prompt),
      hasTranscript: r.has_transcript === true,
      blobs: Number(r.blobs),
      days: Number(r.days),
      worst,
      findings: Number(r.findings ?? 0),
    };
  });
  const rank = (s: SessionSummary) => (s.worst === null ? -1 : severityRank(s.worst));
  // Stable: sessions of equal worst keep their start order.
  return sessions.sort((a, b) => rank(b) - rank(a));
}

const STEP_COLUMNS = `session_id, step_no, epoch_ms(time) AS ms, kind, source, run_id, tool, call_id, arguments, status, result, duration_ms, decision, text, blob, line`;

function toStep(r: Record<string, unknown>): SessionStep {
  return {
    sessionId: String(r.session_id),
    stepNo: Number(r.step_no),
    time: iso(r.ms),
    kind: String(r.kind) as StepKind,
    source: String(r.source),
    runId: text(r.run_id),
    tool: text(r.tool),
    callId: text(r.call_id),
    arguments: text(r.arguments),
    status: text(r.status),
    result: text(r.result),
    durationMs: num(r.duration_ms),
    decision: text(r.decision),
    text: text(r.text),
    blob: String(r.blob),
    line: Number(r.line),
  };
}

/** The steps of one session, in order; empty when the case has no such session. */
export async function readSessionSteps(connection: DuckDBConnection, sessionId: string): Promise<SessionStep[]> {
  if (!(await tableExists(connection, "session_steps"))) return [];
  const prepared = await connection.prepare(`SELECT ${STEP_COLUMNS} FROM session_steps WHERE session_id = $1 ORDER BY step_no`);
  prepared.bindVarchar(1, sessionId);
  return (await prepared.runAndReadAll()).getRowObjectsJson().map(toStep);
}

/** The steps of many sessions at once, at most `maxSteps` in all: whole sessions, in the order given. */
export async function readStepsOf(connection: DuckDBConnection, sessionIds: readonly string[], maxSteps: number): Promise<{ steps: Record<string, SessionStep[]>; omitted: number }> {
  // No prototype: a session id is agent-written text (`__proto__`, `constructor`).
  const steps = Object.create(null) as Record<string, SessionStep[]>;
  if (sessionIds.length === 0 || !(await tableExists(connection, "session_steps"))) return { steps, omitted: 0 };
  const counts = new Map(
    (await connection.runAndReadAll("SELECT session_id, count(*) AS n FROM session_steps GROUP BY ALL")).getRowObjectsJson().map((r) => [String(r.session_id), Number(r.n)]),
  );
  const chosen: string[] = [];
  let budget = maxSteps;
  for (const id of sessionIds) {
    const n = counts.get(id) ?? 0;
    if (n > budget) continue;
    budget -= n;
    chosen.push(id);
  }
  if (chosen.length > 0) {
    const list = chosen.map((id) => sqlString(id)).join(", ");
    const rows = (await connection.runAndReadAll(`SELECT ${STEP_COLUMNS} FROM session_steps WHERE session_id IN (${list}) ORDER BY session_id, step_no`)).getRowObjectsJson();
    for (const r of rows) (steps[String(r.session_id)] ??= []).push(toStep(r));
  }
  return { steps, omitted: sessionIds.length - chosen.length };
}

/**
 * Finding pins (`finding_steps`): of one session by step, or of the whole case by finding and row; empty when the case has no `finding_steps` (written before detections pinned steps).
 */
export async function readStepPins(connection: DuckDBConnection, sessionId?: string): Promise<StepPin[]> {
  if (!(await tableExists(connection, "finding_steps"))) return [];
  const prepared = await connection.prepare(
    `SELECT finding, detection_id, title, severity, "row", role, session_id, step_no, blob, line
     FROM finding_steps ${sessionId === undefined ? 'ORDER BY finding, "row", role DESC' : 'WHERE session_id = $1 ORDER BY step_no, finding, "row", role DESC'}`,
  );
  if (sessionId !== undefined) prepared.bindVarchar(1, sessionId);
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
