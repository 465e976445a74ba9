/**
 * The `events` table of a case database: the normalized `Event` of @oclog/schema, column for
 * column (nested objects become STRUCTs, so `gen_ai.tool.name` reads the same in TypeScript,
 * JSON and SQL), plus where each event came from (`blob`, `line`).
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { checkEnvelopes } from "./envelope-checks.js";
import { buildSessionSteps } from "./session-steps.js";
import { buildToolSteps } from "./tool-steps.js";
import { sqlIdentifier } from "@oclog/schema";

/**
 * The timeline files' record of which events they hold (reports/timeline-export.ts). It is kept
 * only while those events stay as written: a load that changes an event already in the case
 * (a rebuild, a renumbered session, a host whose usual account moved) drops it, and the next
 * export writes the files whole instead of appending to them.
 */
export const TIMELINE_STATE_TABLE = "timeline_state";

/** DuckDB type of each `Event` field, in the Event's own order. */
export const EVENT_COLUMNS = {
  time: "TIMESTAMPTZ",
  user: "VARCHAR",
  host: "VARCHAR",
  source: "VARCHAR",
  subsystem: "VARCHAR",
  level: "VARCHAR",
  category: "VARCHAR",
  action: "VARCHAR",
  outcome: "VARCHAR",
  session_id: "VARCHAR",
  run_id: "VARCHAR",
  agent_id: "VARCHAR",
  gen_ai:
    "STRUCT(conversation STRUCT(id VARCHAR), provider STRUCT(name VARCHAR), request STRUCT(model VARCHAR), tool STRUCT(name VARCHAR, call STRUCT(id VARCHAR, arguments VARCHAR)))",
  target: "STRUCT(path VARCHAR, url VARCHAR, host VARCHAR, command VARCHAR)",
  message: "VARCHAR",
  raw: "STRUCT(source VARCHAR, variant VARCHAR, ref VARCHAR)",
} as const;

/**
 * Columns the case adds: where the record is in the evidence, and what its envelope says against
 * the evidence around it (filled by `checkEnvelopes`, envelope-checks.ts). A hostile agent writes
 * the record's fields, not the container it lands in nor the blob's name, so these compare the two.
 */
export const PROVENANCE_COLUMNS = {
  blob: "VARCHAR",
  line: "BIGINT",
  /** The user whose container held the blob (the case's user). */
  container_user: "VARCHAR",
  /** When Fluent Bit uploaded the blob (the epoch in its name); NULL when the name is not Fluent Bit's. */
  uploaded_at: "TIMESTAMPTZ",
  /** The tailed file the record came from (`oclog_path`), when the pipeline set it. */
  envelope_path: "VARCHAR",
  /** Seconds from the record's own time to its blob's upload: large = stamped long before, negative = after. */
  stamp_skew_s: "BIGINT",
  /** Why the envelope names someone other than the container's user; NULL when it does not. */
  envelope_mismatch: "VARCHAR",
  /** Why an event outside --since/--until is in the case (its blob was uploaded inside the window). */
  window_note: "VARCHAR",
} as const;


/** `CREATE TABLE events (...)` with every column. */
export function eventsTableDdl(table = "events"): string {
  const columns = Object.entries({ ...EVENT_COLUMNS, ...PROVENANCE_COLUMNS }).map(([name, type]) => `  ${sqlIdentifier(name)} ${type}`);
  return `CREATE TABLE ${sqlIdentifier(table)} (\n${columns.join(",\n")}\n)`;
}

/** The `columns={...}` argument for `read_json` that reads normalized events as typed rows. */
export function eventsReadJsonColumns(): string {
  const entries = Object.entries({ ...EVENT_COLUMNS, ...PROVENANCE_COLUMNS }).map(([name, type]) => `'${name}': '${type}'`);
  return `{${entries.join(", ")}}`;
}

/**
 * Views over `events` that detections share. `tool_commands`: each tool call or result that
 * carries a shell command, once, though the transcript, the trajectory and the runtime
 * trajectory all record it (the transcript's copy is preferred).
 */
export const EVENT_VIEWS_SQL = [
  `CREATE OR REPLACE VIEW tool_commands AS
  SELECT * FROM events
  WHERE action IN ('tool.call', 'tool.result') AND target.command IS NOT NULL
  QUALIFY row_number() OVER (
    PARTITION BY "user", host, gen_ai.tool.name, coalesce(gen_ai.tool.call.id, blob || ':' || line)
    ORDER BY session_id IS NULL, source <> 'transcript', time, blob, line
  ) = 1`,
];

/** Creates the shared views (they bind to `events` when queried). */
export async function createEventViews(connection: DuckDBConnection): Promise<void> {
  for (const sql of EVENT_VIEWS_SQL) await connection.run(sql);
}

/**
 * Loads normalized events (JSON lines, one `Event` per line, optional provenance columns) into a
 * new `events` table, deriving the envelope columns a line does not carry. Used by tests and by
 * fixtures; investigations build `events` in SQL.
 */
export async function loadEventsJsonl(connection: DuckDBConnection, path: string, table = "events"): Promise<void> {
  await connection.run(eventsTableDdl(table));
  if (table === "events") await createEventViews(connection);
  const literal = `'${path.replace(/'/g, "''")}'`;
  await connection.run(
    `INSERT INTO ${sqlIdentifier(table)} SELECT * FROM read_json(${literal}, format = 'newline_delimited', columns = ${eventsReadJsonColumns()})`,
  );
  if (table === "events") {
    await checkEnvelopes(connection);
    await buildToolSteps(connection);
    await buildSessionSteps(connection);
  }
}
