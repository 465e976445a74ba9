// Every table a load makes, read in a fixed order, for tests that compare two loads of the same
// evidence (appended against rebuilt, the typed fast path against the line scan).
import type { CaseDatabase } from "../src/index.js";

/** The case's tables as plain rows, each in a fixed order. */
export async function caseTables(db: CaseDatabase): Promise<Record<string, unknown[]>> {
  const read = async (sql: string) => (await db.connection.runAndReadAll(sql)).getRowObjectsJson();
  return {
    records: await read("SELECT blob, line, source, variant, r::VARCHAR AS r FROM records ORDER BY blob, line"),
    quarantine: await read("SELECT * FROM quarantine ORDER BY blob, line, reason"),
    notStored: await read("SELECT * FROM quarantine_not_stored ORDER BY blob"),
    events: await read("SELECT * EXCLUDE (gen_ai, target, raw), to_json(gen_ai)::VARCHAR AS g, to_json(target)::VARCHAR AS t, to_json(raw)::VARCHAR AS w FROM events ORDER BY blob, line, action, coalesce(gen_ai.tool.call.id, '')"),
    toolSteps: await read("SELECT * EXCLUDE (step_class) FROM tool_steps ORDER BY blob, line, call_id"),
    sessionSteps: await read('SELECT * FROM session_steps ORDER BY "user", host, session_id, step_no'),
  };
}
