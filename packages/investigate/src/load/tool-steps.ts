/**
 * The `tool_steps` table: every tool call of the case once (the transcript's copy preferred over
 * the trajectories'), with what the step does (`@oclog/detections`' step classifier: secret reads,
 * connections, persistence writes, download-and-run, destruction, outbound data) and the taint it
 * runs under (its session, or one that spawned it, took in external content before it). Built
 * once at load time, so rules filter typed columns instead of re-parsing commands with regexes.
 */
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { FETCH_TOOLS, SEARCH_TOOLS, STEP_COLUMN_TYPES, classifyStep, defaultCatalogue, stepColumns, trackTaint, type TaintStep } from "@oclog/detections";
import { sqlString } from "@oclog/schema";


const MESSAGE_CHARS = 2000;
const clip = (value: unknown) => (typeof value === "string" && value.length > 64 * 1024 ? `${value.slice(0, 64 * 1024)}...` : value);

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

// One row per tool call; results joined by call id for the outcome and the spawn's run id.
const CALLS_SQL = `
WITH calls AS (
    SELECT * FROM events
    WHERE action = 'tool.call'
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
    WHERE action = 'tool.result' AND gen_ai.tool.call.id IS NOT NULL
    GROUP BY ALL
)
SELECT epoch_ms(c.time) AS ms, strftime(c.time, '%Y-%m-%dT%H:%M:%S.%fZ') AS time, c."user", c.host, c.session_id, c.run_id, c.source,
    c.gen_ai.tool.name AS tool, c.gen_ai.tool.call.id AS call_id, c.gen_ai.tool.call.arguments AS arguments,
    c.target.command AS command, c.target.path AS path, c.target.url AS url,
    coalesce(r.failed, false) AS result_failed, r.spawn_run_id, c.message, c.blob, c.line
FROM calls c
LEFT JOIN results r ON r.call_id = c.gen_ai.tool.call.id AND r."user" IS NOT DISTINCT FROM c."user" AND r.host IS NOT DISTINCT FROM c.host
WHERE c.gen_ai.tool.name IS NOT NULL
ORDER BY c.time, c.blob, c.line`;

/** (Re)creates `tool_steps` from `events`; returns how many steps it holds. */
export async function buildToolSteps(connection: DuckDBConnection, workDir?: string): Promise<number> {
  const columns = Object.entries(TOOL_STEP_COLUMNS);
  await connection.run("DROP TABLE IF EXISTS tool_steps");
  await connection.run(`CREATE TABLE tool_steps (${columns.map(([name, type]) => `"${name}" ${type}`).join(", ")})`);
  const calls = (await connection.runAndReadAll(CALLS_SQL)).getRowObjectsJson() as Record<string, string | number | boolean | null>[];
  if (calls.length === 0) return 0;
  const catalogue = defaultCatalogue();
  const classes = calls.map((call) => classifyStep({ tool: String(call.tool), args: call.arguments ?? { command: call.command, path: call.path, url: call.url } }, catalogue));
  const classified = classes.map(stepColumns);
  const taintSteps: TaintStep[] = calls.map((call, i) => {
    const tool = String(call.tool).toLowerCase();
    const isFetch = FETCH_TOOLS.has(tool) && call.result_failed !== true;
    const connects = isFetch ? classes[i]!.connects : [];
    return {
      scope: `${call.user ?? ""}|${call.host ?? ""}`,
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
  const taints = trackTaint(taintSteps);
  const dir = await mkdtemp(join(workDir ?? tmpdir(), "tool-steps-"));
  try {
    const file = join(dir, "tool-steps.jsonl");
    // Each row is written as it is made and its inputs let go: all rows as strings, then joined
    // into one, held every call of a 4 GB case three times over (peak RSS 2.2 GB in the load).
    function* rows(): Generator<string> {
      let batch = ""; // a few hundred rows per write, not one write per row
      for (let i = 0; i < calls.length; i++) {
        const { ms: _ms, arguments: _args, spawn_run_id: _run, ...base } = calls[i]!;
        const taint = taints[i]!;
        const fetched = new Set(taint.fetched_hosts);
        batch += `${JSON.stringify({
          ...base,
          action: "tool.call",
          // The whole call stays in `events`; a row here keeps a readable head of it.
          message: typeof base.message === "string" && base.message.length > MESSAGE_CHARS ? `${base.message.slice(0, MESSAGE_CHARS)}...` : base.message,
          command: clip(base.command),
          ...classified[i]!,
          step_new_hosts: [...new Set(classes[i]!.connects.filter((c) => c.scope === "public" && c.known === null && !fetched.has(c.host.toLowerCase())).map((c) => c.host))],
          ...taint,
          taint_at: taint.taint_at === null ? null : new Date(taint.taint_at).toISOString(),
        })}\n`;
        calls[i] = undefined!;
        classified[i] = undefined!;
        classes[i] = undefined!;
        taints[i] = undefined!;
        if (batch.length >= 256 * 1024) {
          yield batch;
          batch = "";
        }
      }
      if (batch !== "") yield batch;
    }
    await pipeline(Readable.from(rows()), createWriteStream(file));
    const spec = `{${columns.map(([name, type]) => `'${name}': '${type}'`).join(", ")}}`;
    await connection.run(`INSERT INTO tool_steps SELECT * FROM read_json(${sqlString(file)}, format = 'newline_delimited', columns = ${spec}, maximum_object_size = 16777216)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return calls.length;
}

