/**
 * A finished case's sessions for `oclog sessions` and `oclog session`: opens the case read-only,
 * reads, closes. The CLI stays wiring; the errors say what to run when the case cannot answer.
 */
import { openCaseReadOnly } from "../case/case-database-reader.js";
import type { CaseDatabaseReader } from "../case/case-database-reader.js";
import { NoSessionTablesError, UnknownSessionError } from "./replay-errors.js";
import { readSessions, readSessionSteps, readStepPins } from "./replay-data.js";
import type { SessionStep, SessionSummary, StepPin } from "./replay-types.js";

/** One session replayed: its summary, its steps in order, and the findings pinned to them. */
export interface SessionReplay {
  session: SessionSummary;
  steps: SessionStep[];
  pins: StepPin[];
}

async function withSessionTables<T>(caseDir: string, read: (reader: CaseDatabaseReader) => Promise<T>): Promise<T> {
  const reader = await openCaseReadOnly(caseDir);
  try {
    const result = await reader.connection.runAndReadAll("SELECT count(*) FROM duckdb_tables() WHERE table_name IN ('sessions', 'session_steps')");
    // Both tables are built together at load; a case without them predates sessions.
    if (Number(result.getRows()[0]?.[0] ?? 0) < 2) throw new NoSessionTablesError(caseDir);
    return await read(reader);
  } finally {
    reader.close();
  }
}

/** Every session of the case in `caseDir`, worst finding first, then by start. */
export async function readCaseSessions(caseDir: string): Promise<SessionSummary[]> {
  return withSessionTables(caseDir, (reader) => readSessions(reader.connection));
}

/** One session of the case in `caseDir` with its steps and pins; UnknownSessionError when there is none. */
export async function readCaseSessionReplay(caseDir: string, sessionId: string): Promise<SessionReplay> {
  return withSessionTables(caseDir, async ({ connection }) => {
    // readSessions is a small table scan; one code path keeps the summary the same as the list's.
    const session = (await readSessions(connection)).find((s) => s.sessionId === sessionId);
    if (session === undefined) throw new UnknownSessionError(caseDir, sessionId);
    return { session, steps: await readSessionSteps(connection, sessionId), pins: await readStepPins(connection, sessionId) };
  });
}
