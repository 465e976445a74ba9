/**
 * The `tool_steps` table: every tool call of the case once (the transcript's copy preferred over
 * the trajectories'), with what the step does (`@oclog/detections`' step classifier: secret reads,
 * connections, persistence writes, download-and-run, destruction, outbound data) and the taint it
 * runs under (its session, or one that spawned it, took in external content before it). Built
 * once at load time, so rules filter typed columns instead of re-parsing commands with regexes.
 */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { FETCH_TOOLS, SEARCH_TOOLS, STEP_COLUMN_TYPES, TaintTracker, classifyStep, defaultCatalogue, stepColumns, type SavedTaint, type TaintStep } from "@oclog/detections";
import { sqlString } from "@oclog/schema";
import { queryNumber, tableExists } from "./case-tables.js";


const MESSAGE_CHARS = 2000;
const COMMAND_CHARS = 64 * 1024;

/** Columns of `tool_steps` beyond the step classification, in order. */
export const TOOL_STEP_COLUMNS = {
  time: "TIMESTAMPTZ",
  user: "VARCHAR",
  host: "VARCHAR",
  session_id: "VARCHAR",
  run_id: "VARCHAR",
  source: "VARCHAR",
  action: "VARCHAR",
  tool: "VARCHAR",
  call_id: "VARCHAR",
  command: "VARCHAR",
  path: "VARCHAR",
  url: "VARCHAR",
  /** The call's result said blocked or failure. */
  result_failed: "BOOLEAN",
  message: "VARCHAR",
  blob: "VARCHAR",
  line: "BIGINT",
  ...STEP_COLUMN_TYPES,
  /** Public hosts of this step, not known developer hosts, that the session (and its ancestors) did not fetch from before it. */
  step_new_hosts: "VARCHAR[]",
  tainted: "BOOLEAN",
  taint_session: "VARCHAR",
  taint_at: "TIMESTAMPTZ",
  taint_via: "VARCHAR",
  taint_blob: "VARCHAR",
  taint_line: "BIGINT",
  fetched_hosts: "VARCHAR[]",
  secret_read_before: "BOOLEAN",
} as const;

// One row per tool call, numbered in time order (`n`), into the temporary table `step_calls`;
// results joined by call id for the outcome and the spawn's run id. `newCalls` narrows it to the
// calls of the new blobs (an append).
const stepCallsSql = (newCalls = "") => `
CREATE OR REPLACE TEMP TABLE step_calls AS
WITH calls AS (
    SELECT * FROM events
    WHERE action = 'tool.call'${newCalls && ` AND blob IN (${newCalls})`}
    QUALIFY row_number() OVER (
        PARTITION BY "user", host, gen_ai.tool.name, coalesce(gen_ai.tool.call.id, blob || ':' || line)
        ORDER BY session_id IS NULL, source <> 'transcript', time, blob, line
    ) = 1
),
results AS (
    SELECT "user", host, gen_ai.tool.call.id AS call_id,
        bool_or(outcome IN ('blocked', 'failure')) AS failed,
        max(CASE WHEN gen_ai.tool.name = 'sessions_spawn' AND json_valid(message) THEN json_extract_string(message, '$.runId') END) AS spawn_run_id
    FROM events
    WHERE action = 'tool.result' AND gen_ai.tool.call.id IS NOT NULL${newCalls && ` AND gen_ai.tool.call.id IN (SELECT gen_ai.tool.call.id FROM calls)`}
    GROUP BY ALL
)
SELECT row_number() OVER (ORDER BY c.time, c.blob, c.line, c.gen_ai.tool.call.id) AS n,
    epoch_ms(c.time) AS ms, c.time, c."user", c.host, c.session_id, c.run_id, c.source,
    c.gen_ai.tool.name AS tool, c.gen_ai.tool.call.id AS call_id, c.gen_ai.tool.call.arguments AS arguments,
    c.target.command AS command, c.target.path AS path, c.target.url AS url,
    coalesce(r.failed, false) AS result_failed, r.spawn_run_id, c.message, c.blob, c.line
FROM calls c
LEFT JOIN results r ON r.call_id = c.gen_ai.tool.call.id AND r."user" IS NOT DISTINCT FROM c."user" AND r.host IS NOT DISTINCT FROM c.host
WHERE c.gen_ai.tool.name IS NOT NULL`;

// What the classifier and the tracker read of each call. The rest of a row (the message, the
// source, the time) stays in DuckDB and is joined back by `n`: taking whole rows through
// JavaScript and back as JSON was most of the cold load's time outside SQL.
const CLASSIFIER_INPUTS_SQL = `SELECT n, ms, "user", host, session_id, run_id, tool, call_id, arguments, command, path, url, result_failed, spawn_run_id, blob, line
FROM step_calls ORDER BY n`;

// The step columns made in JavaScript, with the call they belong to.
const COMPUTED_COLUMNS = Object.entries(TOOL_STEP_COLUMNS).filter(([name]) => name.startsWith("step_") || name.startsWith("taint") || ["fetched_hosts", "secret_read_before"].includes(name));

// A row of `tool_steps` from a call and what JavaScript made of it; long text clipped (the whole
// call stays in `events`, a row here keeps a readable head of it).
const clipSql = (column: string, chars: number) => `CASE WHEN length(c.${column}) > ${chars} THEN left(c.${column}, ${chars}) || '...' ELSE c.${column} END`;
const ROW_SQL: Record<string, string> = {
  action: "'tool.call'",
  command: clipSql("command", COMMAND_CHARS),
  message: clipSql("message", MESSAGE_CHARS),
};

// New events that would change a step already in `tool_steps`: another copy of its call (which
// may be the preferred one), or a result that fails it or names its spawn's run id.
const changesOldStepsSql = (newBlobs: string) => `
SELECT count(*) FROM events n JOIN tool_steps o
    ON o.call_id = n.gen_ai.tool.call.id AND o."user" IS NOT DISTINCT FROM n."user" AND o.host IS NOT DISTINCT FROM n.host
WHERE n.blob IN (${newBlobs}) AND n.gen_ai.tool.call.id IS NOT NULL AND (
    (n.action = 'tool.call' AND o.tool = n.gen_ai.tool.name)
    OR (n.action = 'tool.result' AND (n.outcome IN ('blocked', 'failure') OR n.gen_ai.tool.name = 'sessions_spawn' OR o.tool = 'sessions_spawn')))`;

const STATE_TABLE = "tool_steps_taint";

type Call = Record<string, string | number | boolean | null>;

/** How `tool_steps` was brought up to date: only the new blobs' calls appended, or every call again (and why). */
export interface ToolStepsUpdate {
  mode: "appended" | "rebuilt";
  /** Steps the table holds. */
  steps: number;
  /** Steps classified by this load. */
  classified: number;
  /** Why an append was asked for and the table was rebuilt instead. */
  rebuiltBecause?: string;
}

/**
 * Brings `tool_steps` up to date with `events`. With `newBlobs` (a query of the blobs this load
 * appended), only their calls are classified and tracked on from the taint state the last load
 * saved; when they would change a step already there, or come before one, every call is again.
 */
export async function buildToolSteps(connection: DuckDBConnection, workDir?: string, newBlobs?: string): Promise<ToolStepsUpdate> {
  const format = stepsFormat();
  let rebuiltBecause: string | undefined;
  if (newBlobs !== undefined) {
    const appended = await appendToolSteps(connection, workDir, newBlobs, format);
    if (typeof appended !== "string") return appended;
    rebuiltBecause = appended;
  }
  const columns = Object.entries(TOOL_STEP_COLUMNS);
  await connection.run("DROP TABLE IF EXISTS tool_steps");
  await connection.run(`CREATE TABLE tool_steps (${columns.map(([name, type]) => `"${name}" ${type}`).join(", ")})`);
  // The calls come a chunk at a time, in time order: the tracker walks them as one walk of all,
  // and the load holds one chunk of them, not the case's (1.6 GB peak RSS at 4 GB, all at once).
  await connection.run(stepCallsSql());
  const calls = (await connection.stream(CLASSIFIER_INPUTS_SQL)).yieldRowObjectJson() as AsyncIterable<Call[]>;
  const tracker = new TaintTracker();
  const classified = await insertSteps(connection, calls, tracker, workDir);
  await saveTaint(connection, tracker, format);
  return { mode: "rebuilt", steps: classified, classified, ...(rebuiltBecause === undefined ? {} : { rebuiltBecause }) };
}

/** Appends the new blobs' calls; or says why it cannot, having changed nothing. */
async function appendToolSteps(connection: DuckDBConnection, workDir: string | undefined, newBlobs: string, format: string): Promise<ToolStepsUpdate | string> {
  const saved = (await tableExists(connection, STATE_TABLE)) && (await tableExists(connection, "tool_steps"))
    ? (await connection.runAndReadAll(`SELECT format, state FROM ${STATE_TABLE}`)).getRows()
    : [];
  if (saved.length !== 1 || saved[0]![0] !== format) return "the case holds no taint state of this oclog version";
  if ((await queryNumber(connection, changesOldStepsSql(newBlobs))) > 0) return "new evidence changes a step already loaded (another copy of its call, or a failed or spawning result)";
  const tracker = TaintTracker.resume(JSON.parse(String(saved[0]![1])) as SavedTaint);
  if (tracker === undefined) return "the case holds no taint state of this oclog version";
  await connection.run(stepCallsSql(newBlobs));
  const calls = (await connection.runAndReadAll(CLASSIFIER_INPUTS_SQL)).getRowObjectsJson() as Call[];
  if (!tracker.follows(calls.map((call) => ({ scope: scopeOf(call), time: Number(call.ms) })))) {
    await connection.run("DROP TABLE step_calls");
    return "new evidence has steps no later than steps already loaded for the same user and host";
  }
  const classified = await insertSteps(connection, [calls], tracker, workDir);
  await saveTaint(connection, tracker, format);
  return { mode: "appended", steps: await queryNumber(connection, "SELECT count(*) FROM tool_steps"), classified };
}

/** Classifies the calls, tracks their taint on `tracker` batch after batch (in time order), and inserts their rows; returns how many. */
async function insertSteps(connection: DuckDBConnection, batches: AsyncIterable<Call[]> | Iterable<Call[]>, tracker: TaintTracker, workDir: string | undefined): Promise<number> {
  const catalogue = defaultCatalogue();
  let count = 0;
  // Each row is written as it is made and its batch let go: all rows as strings, then joined
  // into one, held every call of a 4 GB case three times over (peak RSS 2.2 GB in the load).
  async function* rows(): AsyncGenerator<string> {
    let out = ""; // a few hundred rows per write, not one write per row
    for await (const calls of batches) {
      count += calls.length;
      for (const row of stepRows(calls, tracker, catalogue)) {
        out += row;
        if (out.length >= 256 * 1024) {
          yield out;
          out = "";
        }
      }
    }
    if (out !== "") yield out;
  }
  const dir = await mkdtemp(join(workDir ?? tmpdir(), "tool-steps-"));
  try {
    const file = join(dir, "tool-steps.jsonl");
    await pipeline(Readable.from(rows()), createWriteStream(file));
    if (count === 0) return 0;
    const spec = `{'n': 'BIGINT', ${COMPUTED_COLUMNS.map(([name, type]) => `'${name}': '${type}'`).join(", ")}}`;
    const computed = new Set(COMPUTED_COLUMNS.map(([name]) => name));
    const select = Object.keys(TOOL_STEP_COLUMNS).map((name) => (computed.has(name) ? `j."${name}"` : `${ROW_SQL[name] ?? `c."${name}"`} AS "${name}"`));
    await connection.run(`INSERT INTO tool_steps SELECT ${select.join(", ")}
      FROM step_calls c JOIN read_json(${sqlString(file)}, format = 'newline_delimited', columns = ${spec}, maximum_object_size = 16777216) j USING (n)
      ORDER BY n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await connection.run("DROP TABLE IF EXISTS step_calls");
  }
  return count;
}

/** The JSON lines of one batch of calls: classified, and tracked on `tracker`. */
function* stepRows(calls: Call[], tracker: TaintTracker, catalogue: ReturnType<typeof defaultCatalogue>): Generator<string> {
  const classes = calls.map((call) => classifyStep({ tool: String(call.tool), args: call.arguments ?? { command: call.command, path: call.path, url: call.url } }, catalogue));
  const taintSteps: TaintStep[] = calls.map((call, i) => {
    const tool = String(call.tool).toLowerCase();
    const isFetch = FETCH_TOOLS.has(tool) && call.result_failed !== true;
    const connects = isFetch ? classes[i]!.connects : [];
    return {
      scope: scopeOf(call),
      session: (call.session_id as string | null) ?? null,
      time: Number(call.ms),
      tool,
      runId: (call.run_id as string | null) ?? null,
      external: isFetch && (SEARCH_TOOLS.has(tool) || connects.some((c) => c.scope === "public")),
      fetchedHosts: connects.map((c) => c.host),
      readsSecret: classes[i]!.reads_secret.length > 0,
      spawnRunId: (call.spawn_run_id as string | null) ?? null,
      isSpawn: tool === "sessions_spawn" && call.result_failed !== true,
      ref: { blob: (call.blob as string | null) ?? null, line: call.line === null ? null : Number(call.line), what: `${tool} ${String(call.url ?? call.command ?? call.path ?? "").slice(0, 200)}`.trim() },
    };
  });
  const taints = tracker.track(taintSteps);
  for (let i = 0; i < calls.length; i++) {
    const taint = taints[i]!;
    const fetched = new Set(taint.fetched_hosts);
    yield `${JSON.stringify({
      n: calls[i]!.n,
      ...stepColumns(classes[i]!),
      step_new_hosts: [...new Set(classes[i]!.connects.filter((c) => c.scope === "public" && c.known === null && !fetched.has(c.host.toLowerCase())).map((c) => c.host))],
      ...taint,
      taint_at: taint.taint_at === null ? null : new Date(taint.taint_at).toISOString(),
    })}\n`;
  }
}

/** Keeps the tracker's state beside the steps, for the next load to go on from. */
async function saveTaint(connection: DuckDBConnection, tracker: TaintTracker, format: string): Promise<void> {
  await connection.run(`CREATE OR REPLACE TABLE ${STATE_TABLE} (format VARCHAR, state VARCHAR)`);
  await connection.run(`INSERT INTO ${STATE_TABLE} VALUES ($1, $2)`, [format, JSON.stringify(tracker.save())]);
}

/**
 * What must be the same for saved steps and taint to be gone on from: the columns, the calls'
 * query, and the catalogue the classifier reads (it is data, and changes between versions).
 */
function stepsFormat(): string {
  return createHash("sha256").update(JSON.stringify([TOOL_STEP_COLUMNS, stepCallsSql(), CLASSIFIER_INPUTS_SQL, ROW_SQL, defaultCatalogue()])).digest("hex");
}

const scopeOf = (call: Call) => `${call.user ?? ""}|${call.host ?? ""}`;
