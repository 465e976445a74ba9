/**
 * The `events` table of a case database: the normalized `Event` of @oclog/schema, column for
 * column (nested objects become STRUCTs, so `gen_ai.tool.name` reads the same in TypeScript,
 * JSON and SQL), plus where each event came from (`blob`, `line`).
 */
import type { DuckDBConnection } from "@duckdb/node-api";

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

/** Columns the case adds: where the record is in the evidence. */
export const PROVENANCE_COLUMNS = {
  blob: "VARCHAR",
  line: "BIGINT",
} as const;

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** `CREATE TABLE events (...)` with every column. */
export function eventsTableDdl(table = "events"): string {
  const columns = Object.entries({ ...EVENT_COLUMNS, ...PROVENANCE_COLUMNS }).map(([name, type]) => `  ${quote(name)} ${type}`);
  return `CREATE TABLE ${quote(table)} (\n${columns.join(",\n")}\n)`;
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
 * Loads normalized events (JSON lines, one `Event` per line, optional `blob`/`line`) into a new
 * `events` table. Used by tests and by fixtures; investigations build `events` in SQL.
 */
export async function loadEventsJsonl(connection: DuckDBConnection, path: string, table = "events"): Promise<void> {
  await connection.run(eventsTableDdl(table));
  if (table === "events") await createEventViews(connection);
  const literal = `'${path.replace(/'/g, "''")}'`;
  await connection.run(
    `INSERT INTO ${quote(table)} SELECT * FROM read_json(${literal}, format = 'newline_delimited', columns = ${eventsReadJsonColumns()})`,
  );
}
