/**
 * The gateway file log in SQL: recognised, its variant picked and checked as `schema.ts` does,
 * and normalized as `normalize.ts` does.
 */
import { AUTH_FAILURE, FAILED_TOOL } from "./normalize.js";
import { BLOCKED_PATTERN } from "../../event-builder.js";
import type { SourceSql } from "../../source-definition.js";
import { ENVELOPE_COLUMNS, asText, buildEventSql, isObject, jsonFieldsStructure, jstr, jstrOf, levelFrom } from "../../sql/event-select.js";
import { matches, sqlRegex } from "../../sql/sql-text.js";
import { recordsTableName } from "../../sql/records-table.js";

const BINDING = `(json_type(r."0") = 'VARCHAR' AND regexp_matches(r."0" ->> '$', '^\\{.*:\\s*".*\\}$') AND try(json_type((r."0" ->> '$')::JSON)) = 'OBJECT')`;
const T = (arg: string) => `json_type(r."${arg}")`;
const NARGS = `(CASE WHEN r."0" IS NULL THEN 0 WHEN r."1" IS NULL THEN 1 WHEN r."2" IS NULL THEN 2 WHEN r."3" IS NULL THEN 3 ELSE 4 END)`;

/** pickGatewayVariant in SQL. */
const VARIANT = `CASE
    WHEN r._meta IS NULL AND r.level IS NOT NULL AND r.subsystem IS NOT NULL THEN 'size-cap-warning'
    WHEN r.dropped IS NOT NULL THEN 'queue-overflow'
    WHEN ${BINDING} THEN CASE
      WHEN ${NARGS} = 2 AND ${T("1")} = 'VARCHAR' THEN 'subsystem'
      WHEN ${NARGS} = 3 AND ${T("1")} = 'OBJECT' AND ${T("2")} = 'VARCHAR' THEN 'subsystem-object-message'
      WHEN ${NARGS} = 3 AND ${T("1")} = 'VARCHAR' AND ${T("2")} = 'OBJECT' THEN 'subsystem-message-object'
      ELSE 'args' END
    WHEN ${NARGS} = 1 AND ${T("0")} = 'VARCHAR' THEN 'plain'
    WHEN ${NARGS} = 2 AND ${T("0")} = 'OBJECT' AND (r."1" ->> '$') = 'verbose' AND json_type(r."0", '$.message') = 'VARCHAR' THEN 'verbose'
    WHEN ${NARGS} = 2 AND ${T("0")} = 'OBJECT' AND ${T("1")} = 'VARCHAR' THEN 'object-message'
    ELSE 'args' END`;

const INVALID = `CASE
    WHEN try_cast(r.time AS TIMESTAMPTZ) IS NULL THEN 'gateway-log: time is missing or not an ISO time'
    WHEN r._meta IS NULL AND NOT coalesce(r.level = 'warn' AND r.subsystem = 'logging', false) THEN 'gateway-log: no tslog _meta'
    WHEN r._meta IS NOT NULL AND r._meta.logLevelName IS NULL THEN 'gateway-log: _meta.logLevelName missing'
    WHEN r._meta IS NOT NULL AND r."0" IS NULL THEN 'gateway-log: no argument "0"' END`;

/** The structured object's fields the events read. */
const OBJECT_FIELDS = jsonFieldsStructure(["event", "action", "cause", "handshake", "blocked", "denied", "isError", "ok", "sessionId", "runId", "agentId", "provider", "modelId", "model", "toolName", "toolCallId", "url", "remoteAddr", "hostname", "path"]);

/**
 * SQL: the blob and line of every console mirror in the gateway log records. OpenClaw 2026.6 and
 * 2026.7 write some errors twice into the file log: once as the console captured them
 * (`_meta.path.fileName` console-*.js) and once more, on the next line, through the logger
 * (logger-*.js), with the same arguments and level (test/fixtures/openclaw-2026.7.35: "[tools]
 * read failed ..." and "[tools] web_fetch failed ..."). Both lines stay as evidence; the console
 * one is not an event of its own, so one refused read counts once. Where the logger's twin is not
 * on the next line of the same file, the console line is the only record and stays. Both sides
 * are filtered by file name before they are joined, so the check costs a scan, not a self-join.
 */
export function consoleMirrorsSql(records = recordsTableName("gateway-log")): string {
  return `SELECT c.blob, c.line FROM ${records} c JOIN ${records} twin ON twin.blob = c.blob AND twin.line = c.line + 1
    WHERE starts_with(c.r._meta.path.fileName, 'console-') AND starts_with(twin.r._meta.path.fileName, 'logger-')
      AND twin.r._meta.logLevelName IS NOT DISTINCT FROM c.r._meta.logLevelName
      AND twin.r."0" IS NOT DISTINCT FROM c.r."0" AND twin.r."1" IS NOT DISTINCT FROM c.r."1"
      AND twin.r."2" IS NOT DISTINCT FROM c.r."2" AND twin.r."3" IS NOT DISTINCT FROM c.r."3"`;
}

/** Gateway file log records as events (normalizeGatewayLog); console mirrors are not events (consoleMirrorsSql). */
function gatewayEventsSql(): string {
  // Stage 1: arguments, binding, structured object and raw message, once per record.
  const stage = `(
  SELECT *,
    CASE WHEN binding IS NOT NULL THEN coalesce(CASE WHEN ${isObject("a1")} THEN a1 END, CASE WHEN ${isObject("a2")} THEN a2 END, CASE WHEN ${isObject("a3")} THEN a3 END)
         ELSE coalesce(CASE WHEN ${isObject("a0")} THEN a0 END, CASE WHEN ${isObject("a1")} THEN a1 END, CASE WHEN ${isObject("a2")} THEN a2 END, CASE WHEN ${isObject("a3")} THEN a3 END) END AS s,
    concat_ws(' ', CASE WHEN binding IS NULL THEN ${asText("a0")} END, ${asText("a1")}, ${asText("a2")}, ${asText("a3")}) AS texts
  FROM (
    SELECT ${ENVELOPE_COLUMNS}, r."0" AS a0, r."1" AS a1, r."2" AS a2, r."3" AS a3,
      -- The variant already says for most rows whether argument 0 is a binding; the regex and
      -- the parse run again only where it cannot (VARIANT).
      CASE WHEN variant IN ('subsystem', 'subsystem-object-message', 'subsystem-message-object')
        OR (variant IN ('args', 'size-cap-warning', 'queue-overflow') AND ${BINDING}) THEN (r."0" ->> '$')::JSON END AS binding
    FROM ${recordsTableName("gateway-log")} ANTI JOIN (${consoleMirrorsSql()}) mirror USING (blob, line)
  ))`;
  // The object is parsed once into the fields read below (o), not once per field.
  const raw = `(
  SELECT *, try(json_transform(s, ${OBJECT_FIELDS})) AS o,
    CASE WHEN variant = 'size-cap-warning' THEN r.message ->> '$'
         ELSE coalesce(nullif(${asText("r.message")}, ''), CASE WHEN variant = 'verbose' THEN json_extract_string(s, '$.message') ELSE texts END) END AS raw_message
  FROM ${stage})`;
  const facts = `(
  SELECT *,
    -- A literal pre-check skips the regex for the (many) lines that cannot match it.
    CASE WHEN starts_with(raw_message, '[tools] ') THEN regexp_extract(raw_message, ${sqlRegex(FAILED_TOOL)}, 1) END AS failed_tool,
    CASE WHEN starts_with(raw_message, '[tools] ') THEN regexp_extract(raw_message, ${sqlRegex(FAILED_TOOL)}, 2) END AS failed_tool_args,
    (${matches("raw_message", AUTH_FAILURE)} OR (o.cause ->> '$') = 'unauthorized' OR (o.handshake ->> '$') = 'failed') AS auth_failed,
    CASE WHEN variant = 'size-cap-warning' THEN 'warn' ELSE ${levelFrom("r._meta.logLevelName")} END AS level_
  FROM ${raw})`;
  const kv = (key: string) => `CASE WHEN contains(raw_message, '${key}=') THEN nullif(regexp_extract(raw_message, '(?:^|\\s)${key}=(\\S+)', 1), '') END`;
  const outcome = `CASE
    WHEN variant IN ('size-cap-warning', 'queue-overflow') THEN 'failure'
    WHEN variant <> 'size-cap-warning' AND auth_failed THEN 'failure'
    WHEN o.blocked = 'true'::JSON OR o.denied = 'true'::JSON THEN 'blocked'
    WHEN level_ IN ('warn', 'error') AND ${matches("left(raw_message, 2000)", BLOCKED_PATTERN)} THEN 'blocked'
    WHEN level_ IN ('error', 'fatal') OR o.isError = 'true'::JSON OR o.ok = 'false'::JSON THEN 'failure'
    WHEN o.ok = 'true'::JSON OR o.isError = 'false'::JSON THEN 'success'
    ELSE 'unknown' END`;
  const toolArgs = `CASE WHEN json_exists(s, '$.args') THEN json_extract(s, '$.args')
    WHEN nullif(failed_tool_args, '') IS NOT NULL THEN coalesce(try(failed_tool_args::JSON), to_json(failed_tool_args)) END`;
  return buildEventSql(
    {
      source: "gateway-log",
      variant: "variant",
      time: `try_cast(coalesce(r.time, r._meta.date) AS TIMESTAMPTZ)`,
      action: `CASE WHEN variant = 'size-cap-warning' THEN 'log.suppressed' WHEN variant = 'queue-overflow' THEN 'log.dropped'
        ELSE coalesce(${jstrOf("o.event")}, ${jstrOf("o.action")}, CASE WHEN auth_failed THEN 'auth.failure' WHEN nullif(failed_tool, '') IS NOT NULL THEN 'tool.failure' WHEN variant = 'verbose' THEN 'log.verbose' ELSE 'log' END) END`,
      message: "raw_message",
      subsystem: `CASE WHEN variant = 'size-cap-warning' THEN 'logging' ELSE coalesce(${jstr("binding", "subsystem")}, ${jstr("binding", "module")}, CASE WHEN variant = 'queue-overflow' THEN 'logging' END) END`,
      level: "level_",
      outcome,
      sessionId: `coalesce(nullif(r.session_id, ''), ${jstrOf("o.sessionId")})`,
      runId: `coalesce(${jstrOf("o.runId")}, CASE WHEN contains(raw_message, 'runId=') THEN nullif(regexp_extract(raw_message, '\\brunId=([0-9a-f-]{8,64})', 1), '') END)`,
      agentId: `coalesce(nullif(r.agent_id, ''), ${jstrOf("o.agentId")})`,
      provider: jstrOf("o.provider"),
      model: `coalesce(${jstrOf("o.modelId")}, ${jstrOf("o.model")})`,
      toolName: `coalesce(${jstrOf("o.toolName")}, nullif(failed_tool, ''))`,
      toolCallId: jstrOf("o.toolCallId"),
      toolArguments: toolArgs,
      target: {
        url: `coalesce(${jstrOf("o.url")}, ${kv("targetOrigin")}, ${kv("url")})`,
        host: `coalesce(${jstrOf("o.remoteAddr")}, ${kv("remote")}, ${jstrOf("o.hostname")})`,
        path: jstrOf("o.path"),
      },
    },
    facts,
  );
}


export const gatewayLogSql: SourceSql = {
  fields: {
    "0": "JSON",
    "1": "JSON",
    "2": "JSON",
    "3": "JSON",
    // path.fileName: which of OpenClaw's modules wrote the line (consoleMirrorSql).
    _meta: { date: "VARCHAR", logLevelName: "VARCHAR", path: { fileName: "VARCHAR" } },
    time: "VARCHAR",
    hostname: "VARCHAR",
    // A string here, an object in transcripts: read as JSON and resolved per source.
    message: "JSON",
    agent_id: "VARCHAR",
    session_id: "VARCHAR",
    level: "VARCHAR",
    subsystem: "VARCHAR",
    dropped: "BIGINT",
  },
  recognize: "(r._meta IS NOT NULL OR (r.level IS NOT NULL AND r.subsystem IS NOT NULL AND r.time IS NOT NULL))",
  variant: VARIANT,
  invalid: INVALID,
  events: gatewayEventsSql,
};
