/**
 * The normalizer in SQL, shared part: what every source's `events()` SQL builds on. It mirrors
 * `buildEvent` (event-builder.ts), the TypeScript reference: the same defaults, the same message
 * stripping and cap, the same targets from tool arguments. Sources fill a `Draft` with SQL
 * expressions over their rows of `records(blob, line, source, variant, r)`; `buildEventSql`
 * turns it into exactly the `events` table's columns.
 */
import { ANSI_PATTERN, CONTROL_PATTERN } from "../ansi.js";
import { BLOCKED_PATTERN } from "../event-builder.js";
import type { SourceName } from "../sources.js";
import { anyMessageRuleSql, categorySql, matches, sqlRegex, sqlString } from "./sql-text.js";
import { recordsTableName } from "./records-table.js";

const MAX_MESSAGE_CHARS = 4000;

/** A non-empty string at `path` of a JSON value, else NULL (TypeScript's `str()`). */
export const jstr = (json: string, key: string) =>
  `CASE WHEN json_type(${json}, '$."${key}"') = 'VARCHAR' THEN nullif(json_extract_string(${json}, '$."${key}"'), '') END`;
/**
 * A `json_transform` structure reading the named fields of an object, each as JSON (typed where
 * it is read): one parse of the object instead of one per `json_extract`.
 */
export const jsonFieldsStructure = (fields: readonly string[]) => sqlString(JSON.stringify(Object.fromEntries(fields.map((f) => [f, "JSON"]))));
/** A non-empty JSON string value as VARCHAR, else NULL (`jstr` of a value already extracted). */
export const jstrOf = (json: string) => `CASE WHEN json_type(${json}) = 'VARCHAR' THEN nullif(${json} ->> '$', '') END`;
/** A JSON string value as VARCHAR (NULL when not a string). */
export const asText = (json: string) => `CASE WHEN json_type(${json}) = 'VARCHAR' THEN ${json} ->> '$' END`;
export const isObject = (json: string) => `(json_type(${json}) = 'OBJECT')`;

/**
 * Strips ANSI/control characters (buildEvent); the length cap is applied on the result. Every
 * ANSI sequence starts with a character of the control class (ESC or CSI), so a text with none
 * of them is returned as it is, without the two replaces (most messages: a third of the gateway
 * log's normalization time).
 */
function stripMessage(column: string): string {
  return `CASE WHEN regexp_matches(${column}, ${sqlRegex(CONTROL_PATTERN)})
    THEN regexp_replace(regexp_replace(${column}, ${sqlRegex(ANSI_PATTERN)}, '', 'g'), ${sqlRegex(CONTROL_PATTERN)}, '', 'g') ELSE ${column} END`;
}

/** Caps a stripped message like buildEvent (a separate step so the regexes run once per row). */
function capMessage(column: string): string {
  return `(CASE WHEN length(${column}) > ${MAX_MESSAGE_CHARS} THEN left(${column}, ${MAX_MESSAGE_CHARS}) || '…' ELSE ${column} END)`;
}

/** host of a URL, lowercased (WHATWG keeps IPv6 brackets in `hostname`). */
export function hostOf(url: string): string {
  return `nullif(lower(regexp_extract(${url}, '^[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^@/?#]*@)?(\\[[^\\]]*\\]|[^:/?#]*)', 1)), '')`;
}

/** Path/URL/command from tool arguments (JSON), following `tool_call`'s nested arguments. */
function argTargets(toolName: string, args: string): { path: string; url: string; command: string } {
  const eff = `(CASE WHEN ${toolName} = 'tool_call' AND json_type(${args}, '$.args') = 'OBJECT' THEN json_extract(${args}, '$.args') ELSE ${args} END)`;
  const pick = (...keys: string[]) =>
    `coalesce(${keys.map((k) => `CASE WHEN json_type(${eff}, '$."${k}"') = 'VARCHAR' THEN json_extract_string(${eff}, '$."${k}"') END`).join(", ")})`;
  return { command: pick("command", "cmd", "script"), path: pick("path", "file_path", "filePath", "file"), url: pick("url", "href", "uri") };
}

export interface Draft {
  time: string;
  action: string;
  message: string;
  subsystem: string;
  level: string;
  category?: string;
  outcome: string;
  sessionId: string;
  runId: string;
  agentId: string;
  provider: string;
  model: string;
  toolName: string;
  toolCallId: string;
  /** JSON expression of the tool arguments, or NULL. */
  toolArguments: string;
  target?: { path?: string; url?: string; host?: string; command?: string };
  source: SourceName;
  variant: string;
}

/** Wraps a source's draft columns into the final `events` columns (buildEvent in SQL). */
export function buildEventSql(d: Draft, from: string): string {
  const args = argTargets(d.toolName, d.toolArguments);
  const path = `coalesce(${d.target?.path ?? "NULL"}, ${args.path})`;
  const url = `coalesce(${d.target?.url ?? "NULL"}, ${args.url})`;
  const command = `coalesce(${d.target?.command ?? "NULL"}, ${args.command})`;
  const host = `coalesce(${d.target?.host ?? "NULL"}, ${hostOf(url)})`;
  const session = `coalesce(${d.sessionId}, session_from_path)`;
  return `
SELECT
  coalesce(${d.time}, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS time,
  oclog_user AS "user",
  oclog_host AS host,
  '${d.source}' AS source,
  subsystem_ AS subsystem,
  ${d.level} AS level,
  ${d.category ? `coalesce(${d.category}, ${categorySql("subsystem_", "action_", "message_", "category_hint_")})` : categorySql("subsystem_", "action_", "message_", "category_hint_")} AS category,
  action_ AS action,
  ${d.outcome} AS outcome,
  ${session} AS session_id,
  ${d.runId} AS run_id,
  ${d.agentId} AS agent_id,
  {'conversation': {'id': ${session}}, 'provider': {'name': ${d.provider}}, 'request': {'model': ${d.model}},
   'tool': {'name': ${d.toolName}, 'call': {'id': ${d.toolCallId}, 'arguments': CAST(${d.toolArguments} AS VARCHAR)}}} AS gen_ai,
  {'path': ${path}, 'url': ${url}, 'host': ${host}, 'command': ${command}} AS target,
  message_ AS message,
  {'source': '${d.source}', 'variant': ${d.variant}, 'ref': blob || ':' || line} AS raw,
  blob,
  line,
  -- The tailed file the record names (envelope checks compare it with the user): here, because
  -- joining events back to records for it cost 75 s of a 4 GB load.
  r.oclog_path AS envelope_path
FROM (SELECT *, ${anyMessageRuleSql("message_")} AS category_hint_ FROM (
  SELECT * EXCLUDE (stripped_), ${capMessage("stripped_")} AS message_ FROM (SELECT * EXCLUDE (unstripped_), ${stripMessage("unstripped_")} AS stripped_ FROM (
  SELECT *, coalesce(${d.message}, '') AS unstripped_, ${d.action} AS action_, ${d.subsystem} AS subsystem_ FROM ${from}))))`;
}

const SESSION_FROM_PATH = `regexp_extract(r.oclog_path, '(?:^|/)(?:session-)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.jsonl$', 1)`;
export const ENVELOPE_COLUMNS = `blob, line, variant, r, r.oclog_user AS oclog_user, r.oclog_host AS oclog_host, nullif(${SESSION_FROM_PATH}, '') AS session_from_path`;

/** This source's records (its own table) with the envelope columns every `buildEventSql` reads. */
export function rowsOf(source: SourceName): string {
  return `(SELECT ${ENVELOPE_COLUMNS} FROM ${recordsTableName(source)})`;
}

/** tslog/syslog level names as event levels (levelFrom in event-builder.ts). */
export function levelFrom(name: string): string {
  return `CASE lower(${name}) WHEN 'silly' THEN 'trace' WHEN 'warning' THEN 'warn' WHEN 'trace' THEN 'trace' WHEN 'debug' THEN 'debug' WHEN 'info' THEN 'info' WHEN 'warn' THEN 'warn' WHEN 'error' THEN 'error' WHEN 'fatal' THEN 'fatal' ELSE 'info' END`;
}


/** Text blocks of a message content (string or block array), joined by newlines (contentText). */
export function contentText(content: string): string {
  return `CASE json_type(${content})
    WHEN 'VARCHAR' THEN ${content} ->> '$'
    WHEN 'ARRAY' THEN array_to_string(list_transform(list_filter(json_extract(${content}, '$[*]'),
      lambda b: json_extract_string(b, '$.type') = 'text' AND json_type(b, '$.text') = 'VARCHAR'), lambda b: json_extract_string(b, '$.text')), chr(10))
    ELSE '' END`;
}

/** toolOutcome: blocked by a guard, failed, or succeeded. */
export function toolOutcomeSql(isError: string, details: string, text: string): string {
  const failed = `(${isError} OR json_extract_string(${details}, '$.status') IN ('error', 'failed')
    OR (json_type(${details}, '$.exitCode') IN ('BIGINT', 'UBIGINT', 'DOUBLE') AND json_extract(${details}, '$.exitCode')::DOUBLE <> 0))`;
  const errorText = `concat_ws(' ', ${jstrAny(details, "error")}, ${jstrAny(details, "reason")}, ${text})`;
  return `CASE WHEN ${failed} AND ${matches(errorText, BLOCKED_PATTERN)} THEN 'blocked' WHEN ${failed} THEN 'failure' ELSE 'success' END`;
}

/** A string at `key` (empty strings kept), else NULL. */
export const jstrAny = (json: string, key: string) =>
  `CASE WHEN json_type(${json}, '$."${key}"') = 'VARCHAR' THEN json_extract_string(${json}, '$."${key}"') END`;

export const NULLS = { provider: "NULL", model: "NULL", toolName: "NULL", toolCallId: "NULL", toolArguments: "NULL", runId: "NULL", agentId: "NULL" };
export const stringify = (json: string) => `left(coalesce(CAST(${json} AS VARCHAR), '{}'), 500)`;
