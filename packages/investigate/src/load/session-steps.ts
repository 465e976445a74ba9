/**
 * Sessions as case data: `session_steps` (every step of every agent session, in order) and
 * `sessions` (one row each). Steps come from the transcripts: the prompt that started a turn, the
 * model's turns, each tool call with its result, compactions, model changes and errors. A tool
 * call no transcript holds (the transcript is missing, or was never shipped) comes from the
 * gateway's trace log instead (`embedded_tool_execution_start`, and its `tool end` line for the
 * duration), so a session known only from the gateway still replays, without arguments.
 *
 * Built in SQL at load time, after `tool_steps`; each step keeps its evidence reference.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { sqlIdentifier } from "@oclog/schema";
import { queryNumber, tableExists } from "./case-tables.js";

/** Longest text kept per field of a step; the whole record stays in `events`. */
export const STEP_TEXT_CHARS = { arguments: 4000, result: 1000, text: 2000 } as const;

// When timestamps tie, the evidence decides: earlier blob and line first, and within one line
// (an assistant message holds its text and its tool calls) the text, then the calls in order.
const KIND_RANK = "CASE kind WHEN 'session_start' THEN 0 WHEN 'prompt' THEN 1 WHEN 'model_change' THEN 2 WHEN 'compaction' THEN 3 WHEN 'model' THEN 4 WHEN 'error' THEN 4 ELSE 5 END";

// What makes an event a tool call of a session, and a gateway-log tool start.
const callEvent = (e: string) => `${e}.action = 'tool.call' AND ${e}.session_id IS NOT NULL AND ${e}.gen_ai.tool.name IS NOT NULL AND ${e}.source <> 'gateway-log'`;
const gatewayStartEvent = (e: string) =>
  `${e}.source = 'gateway-log' AND ${e}.action = 'embedded_tool_execution_start' AND ${e}.session_id IS NOT NULL AND ${e}.gen_ai.tool.call.id IS NOT NULL`;

// The steps of every session, or (`touched`, a table of user, host and session_id) of those alone:
// each session's steps are numbered within it, so a session's rows depend on its own events only.
// For the touched sessions, each kind of step reads only the events it can come from: every copy of
// a call one of them made (the copy kept may be any), the results of those calls, the gateway
// starts of their calls. Reading all of them cost 0.4 s of a warm 1 GB load for one new day.
const stepsSql = (touched?: string) => `
WITH ${
  touched === undefined
    ? ""
    : `touched_calls AS (
    SELECT DISTINCT "user", host, gen_ai.tool.name AS tool, coalesce(gen_ai.tool.call.id, blob || ':' || line) AS call_key FROM events e
    WHERE ${callEvent("e")}${touchedFilter("e", touched)}
),
touched_starts AS (
    SELECT DISTINCT "user", host, gen_ai.tool.call.id AS call_id FROM events e
    WHERE ${gatewayStartEvent("e")}${touchedFilter("e", touched)}
),
`
}calls AS (
    SELECT rowid AS ord, * FROM events e
    WHERE ${callEvent("e")}${
      touched === undefined
        ? ""
        : ` AND EXISTS (SELECT 1 FROM touched_calls t WHERE t.call_key = coalesce(e.gen_ai.tool.call.id, e.blob || ':' || e.line) AND t.tool = e.gen_ai.tool.name
        AND t."user" IS NOT DISTINCT FROM e."user" AND t.host IS NOT DISTINCT FROM e.host)`
    }
    QUALIFY row_number() OVER (
        PARTITION BY "user", host, gen_ai.tool.name, coalesce(gen_ai.tool.call.id, blob || ':' || line)
        ORDER BY source <> 'transcript', time, blob, line) = 1
),
results AS (
    SELECT "user", host, gen_ai.tool.call.id AS call_id, time, outcome, message FROM events
    WHERE action = 'tool.result' AND gen_ai.tool.call.id IS NOT NULL${touched === undefined ? "" : " AND gen_ai.tool.call.id IN (SELECT gen_ai.tool.call.id FROM calls)"}
    QUALIFY row_number() OVER (PARTITION BY "user", host, gen_ai.tool.call.id ORDER BY source <> 'transcript', time, blob, line) = 1
),
gateway_starts AS (
    SELECT rowid AS ord, * FROM events e
    WHERE ${gatewayStartEvent("e")}${
      touched === undefined
        ? ""
        : ` AND EXISTS (SELECT 1 FROM touched_starts t WHERE t.call_id = e.gen_ai.tool.call.id AND t."user" IS NOT DISTINCT FROM e."user" AND t.host IS NOT DISTINCT FROM e.host)`
    }
    QUALIFY row_number() OVER (PARTITION BY "user", host, gen_ai.tool.call.id ORDER BY time, blob, line) = 1
),
gateway_ends AS (
    SELECT "user", host, regexp_extract(message, 'toolCallId=([^ ]+)', 1) AS call_id, min(time) AS time FROM events
    WHERE source = 'gateway-log' AND starts_with(message, 'embedded run tool end:')
    GROUP BY ALL
),
steps AS (
    SELECT e.rowid AS ord, e."user", e.host, e.session_id, e.time,
        CASE e.action WHEN 'session.start' THEN 'session_start' WHEN 'message.user' THEN 'prompt' WHEN 'model.change' THEN 'model_change'
            WHEN 'session.compaction' THEN 'compaction' ELSE CASE WHEN e.outcome = 'failure' THEN 'error' ELSE 'model' END END AS kind,
        e.source, e.run_id, e.agent_id, NULL AS tool, NULL AS call_id, NULL AS arguments, NULL AS status, NULL AS result,
        NULL::BIGINT AS duration_ms, NULL AS decision, left(e.message, ${STEP_TEXT_CHARS.text}) AS text, e.blob, e.line
    FROM events e
    WHERE e.session_id IS NOT NULL AND e.source = 'transcript'${touchedFilter("e", touched)}
      AND (e.action IN ('session.start', 'message.user', 'model.change', 'session.compaction')
           OR (e.action = 'model.completion' AND (coalesce(e.message, '') <> '' OR e.outcome = 'failure')))
    UNION ALL
    SELECT c.ord, c."user", c.host, c.session_id, c.time, 'tool', c.source, c.run_id, c.agent_id, c.gen_ai.tool.name, c.gen_ai.tool.call.id,
        left(coalesce(c.gen_ai.tool.call.arguments, to_json(c.target)::VARCHAR), ${STEP_TEXT_CHARS.arguments}),
        coalesce(r.outcome, 'no result'), left(r.message, ${STEP_TEXT_CHARS.result}),
        CASE WHEN r.time >= c.time THEN epoch_ms(r.time) - epoch_ms(c.time) END,
        -- The guard's own words are the result's first line ("Path escapes sandbox root (...)").
        CASE WHEN r.outcome = 'blocked' THEN 'refused: ' || left(split_part(trim(r.message), chr(10), 1), 200) END,
        NULL, c.blob, c.line
    FROM calls c
    LEFT JOIN results r ON r.call_id = c.gen_ai.tool.call.id AND r."user" IS NOT DISTINCT FROM c."user" AND r.host IS NOT DISTINCT FROM c.host
    WHERE true${touchedFilter("c", touched)}
    UNION ALL
    SELECT g.ord, g."user", g.host, g.session_id, g.time, 'tool', 'gateway-log', g.run_id, g.agent_id, g.gen_ai.tool.name, g.gen_ai.tool.call.id,
        NULL, CASE WHEN x.time IS NULL THEN 'no result' ELSE 'unknown' END, NULL,
        CASE WHEN x.time >= g.time THEN epoch_ms(x.time) - epoch_ms(g.time) END, NULL, NULL, g.blob, g.line
    FROM gateway_starts g
    LEFT JOIN gateway_ends x ON x.call_id = g.gen_ai.tool.call.id AND x."user" IS NOT DISTINCT FROM g."user" AND x.host IS NOT DISTINCT FROM g.host
    -- Against every call event, not the calls above: for touched sessions those are only theirs.
    WHERE NOT EXISTS (SELECT 1 FROM events c WHERE ${callEvent("c")} AND c.gen_ai.tool.call.id = g.gen_ai.tool.call.id
        AND c."user" IS NOT DISTINCT FROM g."user" AND c.host IS NOT DISTINCT FROM g.host)${touchedFilter("g", touched)}
)
SELECT "user", host, session_id,
    row_number() OVER (PARTITION BY "user", host, session_id ORDER BY time, blob, line, ${KIND_RANK}, ord) AS step_no,
    time, kind, source, run_id, agent_id, tool, call_id, arguments, status, result, duration_ms, decision, text, blob, line
FROM steps
ORDER BY "user", host, session_id, step_no`;

const touchedFilter = (alias: string, touched: string | undefined) =>
  touched === undefined
    ? ""
    : ` AND EXISTS (SELECT 1 FROM ${touched} t WHERE t.session_id = ${alias}.session_id AND t."user" IS NOT DISTINCT FROM ${alias}."user" AND t.host IS NOT DISTINCT FROM ${alias}.host)`;

// The sessions new blobs (SQL: a subquery of blob names) can change: those with an event in them,
// and those holding a call whose call, result, or gateway start or end is in them.
const touchedSessionsSql = (newBlobs: string) => `
CREATE OR REPLACE TEMP TABLE touched_sessions AS
WITH new_calls AS (
    SELECT DISTINCT "user", host, coalesce(gen_ai.tool.call.id, regexp_extract(message, 'toolCallId=([^ ]+)', 1)) AS call_id FROM events
    WHERE blob IN (${newBlobs}) AND (gen_ai.tool.call.id IS NOT NULL OR (source = 'gateway-log' AND starts_with(message, 'embedded run tool end:')))
)
SELECT DISTINCT "user", host, session_id FROM events WHERE blob IN (${newBlobs}) AND session_id IS NOT NULL
UNION
SELECT DISTINCT e."user", e.host, e.session_id FROM events e
JOIN new_calls n ON n.call_id = e.gen_ai.tool.call.id AND n."user" IS NOT DISTINCT FROM e."user" AND n.host IS NOT DISTINCT FROM e.host
WHERE e.session_id IS NOT NULL`;

const SESSIONS_SQL = `
CREATE TABLE sessions AS
WITH first_use AS (
    SELECT "user", host, session_id, tool, min(step_no) AS first FROM session_steps WHERE tool IS NOT NULL GROUP BY ALL
),
tools AS (
    SELECT "user", host, session_id, list(tool ORDER BY first) AS tools FROM first_use GROUP BY ALL
),
summary AS (
    SELECT "user", host, session_id,
        any_value(agent_id) FILTER (WHERE agent_id IS NOT NULL) AS agent_id,
        min(time) AS started, max(time) AS ended, count(*) AS steps,
        count(*) FILTER (WHERE kind = 'tool') AS tool_calls,
        arg_min(text, step_no) FILTER (WHERE kind = 'prompt') AS first_prompt,
        bool_or(source = 'transcript') AS has_transcript,
        count(DISTINCT blob) AS blobs,
        count(DISTINCT time::DATE) AS days
    FROM session_steps
    GROUP BY ALL
)
SELECT s."user", s.host, s.session_id, s.agent_id, s.started, s.ended, s.steps, s.tool_calls,
    coalesce(t.tools, []::VARCHAR[]) AS tools, s.first_prompt, s.has_transcript, s.blobs, s.days
FROM summary s
LEFT JOIN tools t ON t.session_id = s.session_id AND t."user" IS NOT DISTINCT FROM s."user" AND t.host IS NOT DISTINCT FROM s.host
ORDER BY s.started, s.session_id`;

/** (Re)creates `session_steps` and `sessions` from `events`; returns how many sessions there are. */
export async function buildSessionSteps(connection: DuckDBConnection): Promise<number> {
  await connection.run("DROP TABLE IF EXISTS session_steps");
  await connection.run(`CREATE TABLE session_steps AS ${stepsSql()}`);
  return rebuildSessions(connection);
}

/**
 * Brings `session_steps` up to date after an append of `newBlobs` (SQL: a subquery of blob names)
 * to events that otherwise stayed as they were: only the sessions they touch are stepped again.
 * Returns whether every old event kept its step (see oldStepsUnchanged); a case without steps is
 * built whole, and then they did not.
 */
export async function updateSessionSteps(connection: DuckDBConnection, newBlobs: string): Promise<{ oldStepsKept: boolean; sessionsStepped: number }> {
  if (!(await tableExists(connection, "session_steps"))) {
    await buildSessionSteps(connection);
    return { oldStepsKept: false, sessionsStepped: await queryNumber(connection, "SELECT count(*) FROM sessions") };
  }
  await connection.run(touchedSessionsSql(newBlobs));
  await connection.run(`CREATE OR REPLACE TEMP TABLE touched_steps_before AS SELECT * FROM session_steps s WHERE true${touchedFilter("s", "touched_sessions")}`);
  await connection.run(`CREATE OR REPLACE TEMP TABLE touched_steps AS ${stepsSql("touched_sessions")}`);
  const oldStepsKept = await oldStepsUnchanged(connection, "touched_steps_before", "touched_steps", newBlobs);
  await connection.run(`DELETE FROM session_steps s WHERE true${touchedFilter("s", "touched_sessions")}`);
  await connection.run("INSERT INTO session_steps SELECT * FROM touched_steps");
  const sessionsStepped = await queryNumber(connection, "SELECT count(*) FROM touched_sessions");
  for (const table of ["touched_sessions", "touched_steps_before", "touched_steps"]) await connection.run(`DROP TABLE ${table}`);
  await rebuildSessions(connection);
  return { oldStepsKept, sessionsStepped };
}

/** `sessions` from `session_steps`; returns how many there are. */
async function rebuildSessions(connection: DuckDBConnection): Promise<number> {
  await connection.run("DROP TABLE IF EXISTS sessions");
  await connection.run(SESSIONS_SQL);
  return queryNumber(connection, "SELECT count(*) FROM sessions");
}


/**
 * SQL: the step each record line is, by (blob, line, call id): one assistant line holds several
 * tool calls, each its own step. The timeline joins events to it. `where` narrows the steps read
 * (a whole group or none: a condition on blob, line or call id).
 */
export function stepByLineSql(steps: string, where?: string): string {
  return `SELECT blob, line, call_id, arg_min(session_id, step_no) AS session_id, min(step_no) AS step_no FROM ${sqlIdentifier(steps)}${where === undefined ? "" : ` WHERE ${where}`} GROUP BY ALL`;
}

/** SQL: the step of each tool call, by (user, host, session, call id): a tool result gets its call's step. `where` as for stepByLineSql. */
export function stepByCallSql(steps: string, where?: string): string {
  return `SELECT "user", host, session_id, call_id, min(step_no) AS step_no FROM ${sqlIdentifier(steps)} WHERE kind = 'tool' AND call_id IS NOT NULL${where === undefined ? "" : ` AND ${where}`} GROUP BY ALL`;
}

/**
 * Whether every event outside `newBlobs` (SQL: a subquery of blob names) has the same step in the
 * rebuilt steps table `after` as in `before`. Steps are numbered over the whole case, so a new
 * day can renumber an old session (an out-of-order record, a transcript arriving late); the
 * timeline of the old events is then written again instead of appended to.
 */
export async function oldStepsUnchanged(connection: DuckDBConnection, before: string, after: string, newBlobs: string): Promise<boolean> {
  const old = `blob NOT IN (${newBlobs})`;
  const count = (sql: string) => queryNumber(connection, sql);
  const byLine = (steps: string) => `SELECT * FROM (${stepByLineSql(steps)}) WHERE ${old}`;
  if ((await count(`SELECT count(*) FROM ((${byLine(before)}) EXCEPT (${byLine(after)}))`)) > 0) return false;
  if ((await count(`SELECT count(*) FROM ((${byLine(after)}) EXCEPT (${byLine(before)}))`)) > 0) return false;
  if ((await count(`SELECT count(*) FROM ((${stepByCallSql(before)}) EXCEPT (${stepByCallSql(after)}))`)) > 0) return false;
  // A call seen only now whose result was loaded before: that old result gains a step.
  return (
    (await count(`SELECT count(*) FROM ((${stepByCallSql(after)}) EXCEPT (${stepByCallSql(before)})) k
      JOIN events e ON e.action = 'tool.result' AND e.gen_ai.tool.call.id = k.call_id AND e.session_id = k.session_id AND e.${old}`)) === 0
  );
}

/** A run whose tool calls the transcript and the gateway's trace log do not agree on. */
export interface StepSourceDisagreement {
  user: string | null;
  host: string | null;
  runId: string;
  /** Call ids only the transcript has, and only the gateway log has. */
  onlyTranscript: string[];
  onlyGateway: string[];
}

/**
 * Runs where both the transcript and the gateway log recorded tool calls, but not the same ones.
 * They should always agree; a call the gateway started that the transcript lacks means an edited
 * or partly lost transcript. Compared as sets: calls of one turn may start in parallel.
 */
export async function stepSourceDisagreements(connection: DuckDBConnection): Promise<StepSourceDisagreement[]> {
  const rows = (
    await connection.runAndReadAll(`
      WITH t AS (
          SELECT "user", host, run_id, list(DISTINCT gen_ai.tool.call.id) AS calls FROM events
          WHERE source IN ('transcript', 'trajectory') AND action = 'tool.call' AND run_id IS NOT NULL AND gen_ai.tool.call.id IS NOT NULL GROUP BY ALL
      ),
      g AS (
          SELECT "user", host, run_id, list(DISTINCT gen_ai.tool.call.id) AS calls FROM events
          WHERE source = 'gateway-log' AND action = 'embedded_tool_execution_start' AND run_id IS NOT NULL AND gen_ai.tool.call.id IS NOT NULL GROUP BY ALL
      )
      SELECT t."user", t.host, t.run_id, list_filter(t.calls, c -> NOT list_contains(g.calls, c)) AS only_t, list_filter(g.calls, c -> NOT list_contains(t.calls, c)) AS only_g
      FROM t JOIN g ON t.run_id = g.run_id AND t."user" IS NOT DISTINCT FROM g."user" AND t.host IS NOT DISTINCT FROM g.host
      WHERE len(list_filter(t.calls, c -> NOT list_contains(g.calls, c))) > 0 OR len(list_filter(g.calls, c -> NOT list_contains(t.calls, c))) > 0
      ORDER BY t.run_id`)
  ).getRowObjectsJson();
  return rows.map((r) => ({
    user: r.user === null ? null : String(r.user),
    host: r.host === null ? null : String(r.host),
    runId: String(r.run_id),
    onlyTranscript: ((r.only_t as string[] | null) ?? []).map(String).sort(),
    onlyGateway: ((r.only_g as string[] | null) ?? []).map(String).sort(),
  }));
}
