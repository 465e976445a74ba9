/**
 * The normalizer in SQL: the same mapping as @oclog/schema's TypeScript normalizers (the
 * reference), run by DuckDB over millions of records without a JavaScript step per line. A
 * parity test runs both over real captures and compares field by field.
 *
 * Input: table `records(blob, line, source, variant, r)` where `r` is the record read with
 * RECORD_STRUCTURE. Output: rows with exactly the `events` table's columns.
 */
import { AUTH_FAILURE, BLOCKED_PATTERN, FAILED_TOOL, ANSI_PATTERN, CONTROL_PATTERN } from "@oclog/schema";
import { categorySql, matches, sqlRegex } from "./sql-patterns.js";

const MAX_MESSAGE_CHARS = 4000;

/** A non-empty string at `path` of a JSON value, else NULL (TypeScript's `str()`). */
const jstr = (json: string, key: string) =>
  `CASE WHEN json_type(${json}, '$."${key}"') = 'VARCHAR' THEN nullif(json_extract_string(${json}, '$."${key}"'), '') END`;
/** A JSON string value as VARCHAR (NULL when not a string). */
const asText = (json: string) => `CASE WHEN json_type(${json}) = 'VARCHAR' THEN ${json} ->> '$' END`;
const isObject = (json: string) => `(json_type(${json}) = 'OBJECT')`;

/** Strips ANSI/control characters (buildEvent); the length cap is applied on the result. */
function stripMessage(expr: string): string {
  return `regexp_replace(regexp_replace(coalesce(${expr}, ''), ${sqlRegex(ANSI_PATTERN)}, '', 'g'), ${sqlRegex(CONTROL_PATTERN)}, '', 'g')`;
}

/** Caps a stripped message like buildEvent (a separate step so the regexes run once per row). */
function capMessage(column: string): string {
  return `(CASE WHEN length(${column}) > ${MAX_MESSAGE_CHARS} THEN left(${column}, ${MAX_MESSAGE_CHARS}) || '…' ELSE ${column} END)`;
}

/** host of a URL, lowercased (WHATWG keeps IPv6 brackets in `hostname`). */
function hostOf(url: string): string {
  return `nullif(lower(regexp_extract(${url}, '^[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^@/?#]*@)?(\\[[^\\]]*\\]|[^:/?#]*)', 1)), '')`;
}

/** Path/URL/command from tool arguments (JSON), following `tool_call`'s nested arguments. */
function argTargets(toolName: string, args: string): { path: string; url: string; command: string } {
  const eff = `(CASE WHEN ${toolName} = 'tool_call' AND json_type(${args}, '$.args') = 'OBJECT' THEN json_extract(${args}, '$.args') ELSE ${args} END)`;
  const pick = (...keys: string[]) =>
    `coalesce(${keys.map((k) => `CASE WHEN json_type(${eff}, '$."${k}"') = 'VARCHAR' THEN json_extract_string(${eff}, '$."${k}"') END`).join(", ")})`;
  return { command: pick("command", "cmd", "script"), path: pick("path", "file_path", "filePath", "file"), url: pick("url", "href", "uri") };
}

interface Draft {
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
  source: string;
  variant: string;
}

/** Wraps a source's draft columns into the final `events` columns (buildEvent in SQL). */
function buildEventSql(d: Draft, from: string): string {
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
  ${d.category ? `coalesce(${d.category}, ${categorySql("subsystem_", "action_", "message_")})` : categorySql("subsystem_", "action_", "message_")} AS category,
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
  line
FROM (SELECT * EXCLUDE (stripped_), ${capMessage("stripped_")} AS message_ FROM (SELECT *, ${stripMessage(d.message)} AS stripped_, ${d.action} AS action_, ${d.subsystem} AS subsystem_ FROM ${from}))`;
}

const SESSION_FROM_PATH = `regexp_extract(r.oclog_path, '(?:^|/)(?:session-)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.jsonl$', 1)`;
const ENVELOPE_COLUMNS = `blob, line, variant, r, r.oclog_user AS oclog_user, r.oclog_host AS oclog_host, nullif(${SESSION_FROM_PATH}, '') AS session_from_path`;

function levelFrom(name: string): string {
  return `CASE lower(${name}) WHEN 'silly' THEN 'trace' WHEN 'warning' THEN 'warn' WHEN 'trace' THEN 'trace' WHEN 'debug' THEN 'debug' WHEN 'info' THEN 'info' WHEN 'warn' THEN 'warn' WHEN 'error' THEN 'error' WHEN 'fatal' THEN 'fatal' ELSE 'info' END`;
}

/** Gateway file log records as events (normalizeGatewayLog). */
export function gatewayEventsSql(): string {
  // Stage 1: arguments, binding, structured object and raw message, once per record.
  const stage = `(
  SELECT *,
    CASE WHEN binding IS NOT NULL THEN coalesce(CASE WHEN ${isObject("a1")} THEN a1 END, CASE WHEN ${isObject("a2")} THEN a2 END, CASE WHEN ${isObject("a3")} THEN a3 END)
         ELSE coalesce(CASE WHEN ${isObject("a0")} THEN a0 END, CASE WHEN ${isObject("a1")} THEN a1 END, CASE WHEN ${isObject("a2")} THEN a2 END, CASE WHEN ${isObject("a3")} THEN a3 END) END AS s,
    concat_ws(' ', CASE WHEN binding IS NULL THEN ${asText("a0")} END, ${asText("a1")}, ${asText("a2")}, ${asText("a3")}) AS texts
  FROM (
    SELECT ${ENVELOPE_COLUMNS}, r."0" AS a0, r."1" AS a1, r."2" AS a2, r."3" AS a3,
      CASE WHEN json_type(r."0") = 'VARCHAR' AND regexp_matches(r."0" ->> '$', '^\\{.*:\\s*".*\\}$') AND try(json_type((r."0" ->> '$')::JSON)) = 'OBJECT'
           THEN (r."0" ->> '$')::JSON END AS binding
    FROM records WHERE source = 'gateway-log'
  ))`;
  const raw = `(
  SELECT *,
    CASE WHEN variant = 'size-cap-warning' THEN r.message ->> '$'
         ELSE coalesce(nullif(${asText("r.message")}, ''), CASE WHEN variant = 'verbose' THEN json_extract_string(s, '$.message') ELSE texts END) END AS raw_message
  FROM ${stage})`;
  const facts = `(
  SELECT *,
    -- A literal pre-check skips the regex for the (many) lines that cannot match it.
    CASE WHEN starts_with(raw_message, '[tools] ') THEN regexp_extract(raw_message, ${sqlRegex(FAILED_TOOL)}, 1) END AS failed_tool,
    CASE WHEN starts_with(raw_message, '[tools] ') THEN regexp_extract(raw_message, ${sqlRegex(FAILED_TOOL)}, 2) END AS failed_tool_args,
    (${matches("raw_message", AUTH_FAILURE)} OR json_extract_string(s, '$.cause') = 'unauthorized' OR json_extract_string(s, '$.handshake') = 'failed') AS auth_failed,
    CASE WHEN variant = 'size-cap-warning' THEN 'warn' ELSE ${levelFrom("r._meta.logLevelName")} END AS level_
  FROM ${raw})`;
  const kv = (key: string) => `CASE WHEN contains(raw_message, '${key}=') THEN nullif(regexp_extract(raw_message, '(?:^|\\s)${key}=(\\S+)', 1), '') END`;
  const outcome = `CASE
    WHEN variant IN ('size-cap-warning', 'queue-overflow') THEN 'failure'
    WHEN variant <> 'size-cap-warning' AND auth_failed THEN 'failure'
    WHEN json_extract(s, '$.blocked') = 'true'::JSON OR json_extract(s, '$.denied') = 'true'::JSON THEN 'blocked'
    WHEN level_ IN ('warn', 'error') AND ${matches("left(raw_message, 2000)", BLOCKED_PATTERN)} THEN 'blocked'
    WHEN level_ IN ('error', 'fatal') OR json_extract(s, '$.isError') = 'true'::JSON OR json_extract(s, '$.ok') = 'false'::JSON THEN 'failure'
    WHEN json_extract(s, '$.ok') = 'true'::JSON OR json_extract(s, '$.isError') = 'false'::JSON THEN 'success'
    ELSE 'unknown' END`;
  const toolArgs = `CASE WHEN json_exists(s, '$.args') THEN json_extract(s, '$.args')
    WHEN nullif(failed_tool_args, '') IS NOT NULL THEN coalesce(try(failed_tool_args::JSON), to_json(failed_tool_args)) END`;
  return buildEventSql(
    {
      source: "gateway-log",
      variant: "variant",
      time: `try_cast(coalesce(r.time, r._meta.date) AS TIMESTAMPTZ)`,
      action: `CASE WHEN variant = 'size-cap-warning' THEN 'log.suppressed' WHEN variant = 'queue-overflow' THEN 'log.dropped'
        ELSE coalesce(${jstr("s", "event")}, ${jstr("s", "action")}, CASE WHEN auth_failed THEN 'auth.failure' WHEN nullif(failed_tool, '') IS NOT NULL THEN 'tool.failure' WHEN variant = 'verbose' THEN 'log.verbose' ELSE 'log' END) END`,
      message: "raw_message",
      subsystem: `CASE WHEN variant = 'size-cap-warning' THEN 'logging' ELSE coalesce(${jstr("binding", "subsystem")}, ${jstr("binding", "module")}, CASE WHEN variant = 'queue-overflow' THEN 'logging' END) END`,
      level: "level_",
      outcome,
      sessionId: `coalesce(nullif(r.session_id, ''), ${jstr("s", "sessionId")})`,
      runId: `coalesce(${jstr("s", "runId")}, CASE WHEN contains(raw_message, 'runId=') THEN nullif(regexp_extract(raw_message, '\\brunId=([0-9a-f-]{8,64})', 1), '') END)`,
      agentId: `coalesce(nullif(r.agent_id, ''), ${jstr("s", "agentId")})`,
      provider: jstr("s", "provider"),
      model: `coalesce(${jstr("s", "modelId")}, ${jstr("s", "model")})`,
      toolName: `coalesce(${jstr("s", "toolName")}, nullif(failed_tool, ''))`,
      toolCallId: jstr("s", "toolCallId"),
      toolArguments: toolArgs,
      target: {
        url: `coalesce(${jstr("s", "url")}, ${kv("targetOrigin")}, ${kv("url")})`,
        host: `coalesce(${jstr("s", "remoteAddr")}, ${kv("remote")}, ${jstr("s", "hostname")})`,
        path: jstr("s", "path"),
      },
    },
    facts,
  );
}

/** Text blocks of a message content (string or block array), joined by newlines (contentText). */
function contentText(content: string): string {
  return `CASE json_type(${content})
    WHEN 'VARCHAR' THEN ${content} ->> '$'
    WHEN 'ARRAY' THEN array_to_string(list_transform(list_filter(json_extract(${content}, '$[*]'),
      lambda b: json_extract_string(b, '$.type') = 'text' AND json_type(b, '$.text') = 'VARCHAR'), lambda b: json_extract_string(b, '$.text')), chr(10))
    ELSE '' END`;
}

/** toolOutcome: blocked by a guard, failed, or succeeded. */
function toolOutcomeSql(isError: string, details: string, text: string): string {
  const failed = `(${isError} OR json_extract_string(${details}, '$.status') IN ('error', 'failed')
    OR (json_type(${details}, '$.exitCode') IN ('BIGINT', 'UBIGINT', 'DOUBLE') AND json_extract(${details}, '$.exitCode')::DOUBLE <> 0))`;
  const errorText = `concat_ws(' ', ${jstrAny(details, "error")}, ${jstrAny(details, "reason")}, ${text})`;
  return `CASE WHEN ${failed} AND ${matches(errorText, BLOCKED_PATTERN)} THEN 'blocked' WHEN ${failed} THEN 'failure' ELSE 'success' END`;
}

/** A string at `key` (empty strings kept), else NULL. */
const jstrAny = (json: string, key: string) =>
  `CASE WHEN json_type(${json}, '$."${key}"') = 'VARCHAR' THEN json_extract_string(${json}, '$."${key}"') END`;

const NULLS = { provider: "NULL", model: "NULL", toolName: "NULL", toolCallId: "NULL", toolArguments: "NULL", runId: "NULL", agentId: "NULL" };
const stringify = (json: string) => `left(coalesce(CAST(${json} AS VARCHAR), '{}'), 500)`;

/** Transcript entries as events (normalizeTranscript): one per entry, plus one per tool call. */
export function transcriptEventsSql(): string {
  const base = `(SELECT ${ENVELOPE_COLUMNS}, try_cast(r.timestamp AS TIMESTAMPTZ) AS ts_, r.message AS m,
      json_extract_string(r.message, '$.role') AS role,
      CASE WHEN json_type(r.message, '$.__openclaw.runId') = 'VARCHAR' THEN nullif(json_extract_string(r.message, '$.__openclaw.runId'), '') END AS run_
    FROM records WHERE source = 'transcript')`;
  const common = { source: "transcript", variant: "variant", time: "ts_", subsystem: "NULL", sessionId: "NULL" };
  const parts: string[] = [];
  // Entries other than messages, and messages that become one event.
  parts.push(
    buildEventSql(
      {
        ...common,
        ...NULLS,
        action: `CASE r.type WHEN 'session' THEN 'session.start' WHEN 'model_change' THEN 'model.change' WHEN 'thinking_level_change' THEN 'model.thinking_level'
          WHEN 'compaction' THEN 'session.compaction'
          WHEN 'message' THEN CASE role WHEN 'user' THEN 'message.user' WHEN 'assistant' THEN 'model.completion' WHEN 'toolResult' THEN 'tool.result'
            WHEN 'bashExecution' THEN 'tool.result' WHEN 'custom' THEN 'message.custom.' || coalesce(json_extract_string(m, '$.customType'), 'undefined') ELSE 'message.' || role END
          ELSE 'session.' || r.type || CASE WHEN nullif(r.customType, '') IS NOT NULL THEN '.' || r.customType ELSE '' END END`,
        category: `CASE WHEN r.type = 'session' THEN 'other' WHEN r.type IN ('model_change', 'thinking_level_change', 'compaction') THEN 'model'
          WHEN r.type = 'message' AND role IN ('user', 'assistant') THEN 'model' WHEN r.type = 'message' AND role IN ('toolResult', 'bashExecution') THEN 'tool'
          ELSE 'other' END`,
        message: `CASE r.type WHEN 'session' THEN 'session ' || coalesce(r.id, 'undefined') || ' started in ' || coalesce(r.cwd, '?')
          WHEN 'model_change' THEN 'model ' || coalesce(r.provider, 'undefined') || '/' || coalesce(r.modelId, 'undefined')
          WHEN 'thinking_level_change' THEN 'thinking level ' || coalesce(r.thinkingLevel, 'undefined')
          WHEN 'compaction' THEN coalesce(r.summary, '')
          WHEN 'message' THEN CASE WHEN role = 'assistant' THEN coalesce(${jstr("m", "errorMessage")}, ${contentText("json_extract(m, '$.content')")})
            WHEN role = 'bashExecution' THEN coalesce(json_extract_string(m, '$.output'), '')
            ELSE ${contentText("json_extract(m, '$.content')")} END
          ELSE '' END`,
        level: `CASE WHEN r.type = 'message' AND role = 'assistant' AND json_extract_string(m, '$.stopReason') IN ('error', 'aborted') THEN 'error'
          WHEN r.type = 'message' AND role = 'toolResult' AND outcome_ <> 'success' THEN 'warn' ELSE 'info' END`,
        outcome: `outcome_`,
        sessionId: `CASE WHEN r.type = 'session' THEN nullif(r.id, '') END`,
        runId: `CASE WHEN r.type = 'message' AND role IN ('user', 'assistant', 'toolResult') THEN run_ END`,
        provider: `CASE WHEN r.type = 'model_change' THEN nullif(r.provider, '') WHEN role = 'assistant' THEN ${jstr("m", "provider")} END`,
        model: `CASE WHEN r.type = 'model_change' THEN nullif(r.modelId, '') WHEN role = 'assistant' THEN ${jstr("m", "model")} END`,
        toolName: `CASE WHEN role = 'toolResult' THEN ${jstr("m", "toolName")} WHEN role = 'bashExecution' THEN 'bash' END`,
        toolCallId: `CASE WHEN role = 'toolResult' THEN ${jstr("m", "toolCallId")} END`,
        target: { command: `CASE WHEN role = 'bashExecution' THEN ${jstr("m", "command")} END` },
      },
      `(SELECT *, CASE
          WHEN r.type = 'message' AND role = 'assistant' THEN CASE WHEN json_extract_string(m, '$.stopReason') IN ('error', 'aborted') THEN 'failure' ELSE 'success' END
          WHEN r.type = 'message' AND role = 'toolResult' THEN ${toolOutcomeSql("coalesce(json_extract(m, '$.isError') = 'true'::JSON, false)", "json_extract(m, '$.details')", contentText("json_extract(m, '$.content')"))}
          WHEN r.type = 'message' AND role = 'bashExecution' THEN CASE WHEN json_type(m, '$.exitCode') IN ('BIGINT', 'UBIGINT', 'DOUBLE') AND json_extract(m, '$.exitCode')::DOUBLE <> 0 THEN 'failure' ELSE 'success' END
          ELSE 'unknown' END AS outcome_
        FROM ${base} WHERE NOT (r.type = 'message' AND role = 'custom' AND json_extract_string(m, '$.customType') = 'openclaw.nested-tool.v1' AND json_type(m, '$.details') = 'OBJECT'))`,
    ),
  );
  // One tool.call per toolCall block of an assistant message.
  parts.push(
    buildEventSql(
      {
        ...common,
        ...NULLS,
        action: `'tool.call'`,
        category: `'tool'`,
        level: `'info'`,
        outcome: `'unknown'`,
        runId: "run_",
        provider: jstr("m", "provider"),
        model: jstr("m", "model"),
        toolName: jstr("block", "name"),
        toolCallId: jstr("block", "id"),
        toolArguments: `json_extract(block, '$.arguments')`,
        message: `coalesce(json_extract_string(block, '$.name'), 'undefined') || ' ' || ${stringify("json_extract(block, '$.arguments')")}`,
      },
      `(SELECT * FROM (SELECT *, unnest(json_extract(m, '$.content[*]')) AS block FROM ${base} WHERE r.type = 'message' AND role = 'assistant' AND json_type(m, '$.content') = 'ARRAY')
        WHERE json_extract_string(block, '$.type') = 'toolCall')`,
    ),
  );
  // Tools run through `tool_call` are recorded as a nested-tool custom message: call + result.
  const nested = `(SELECT *, json_extract(m, '$.details') AS d, json_extract(m, '$.details.result') AS res FROM ${base}
      WHERE r.type = 'message' AND role = 'custom' AND json_extract_string(m, '$.customType') = 'openclaw.nested-tool.v1' AND json_type(m, '$.details') = 'OBJECT')`;
  const nestedCommon = {
    ...common,
    ...NULLS,
    category: `'tool'`,
    runId: jstr("d", "runId"),
    toolName: jstr("d", "toolName"),
    toolCallId: jstr("d", "toolCallId"),
    toolArguments: `json_extract(d, '$.input')`,
  };
  parts.push(
    buildEventSql(
      {
        ...nestedCommon,
        action: `'tool.call'`,
        level: `'info'`,
        outcome: `'unknown'`,
        message: `coalesce(json_extract_string(d, '$.toolName'), 'undefined') || ' (via ' || coalesce(json_extract_string(d, '$.parentToolCallId'), 'undefined') || ')'`,
      },
      nested,
    ),
  );
  parts.push(
    buildEventSql(
      {
        ...nestedCommon,
        action: `'tool.result'`,
        level: `CASE WHEN outcome_ = 'success' THEN 'info' ELSE 'warn' END`,
        outcome: "outcome_",
        message: contentText("json_extract(res, '$.content')"),
      },
      `(SELECT *, ${toolOutcomeSql("coalesce(json_extract(res, '$.isError') = 'true'::JSON, false)", "json_extract(res, '$.details')", contentText("json_extract(res, '$.content')"))} AS outcome_ FROM ${nested})`,
    ),
  );
  return parts.join("\nUNION ALL BY NAME\n");
}

/** Trajectory export events (normalizeTrajectory). */
export function trajectoryEventsSql(): string {
  const base = `(SELECT ${ENVELOPE_COLUMNS}, r.data AS data, r.type AS type_, r.source AS tsource,
      json_extract(r.data, '$.result') AS res, json_extract(r.data, '$.message') AS msg FROM records WHERE source = 'trajectory')`;
  const args = `coalesce(json_extract(data, '$.arguments'), json_extract(data, '$.args'))`;
  const runtimeResult = toolOutcomeSql("coalesce(json_extract(data, '$.success') = 'false'::JSON, false)", "json_extract(res, '$.details')", contentText("json_extract(res, '$.content')"));
  const transcriptResult = toolOutcomeSql("coalesce(json_extract(msg, '$.isError') = 'true'::JSON, false)", "json_extract(msg, '$.details')", contentText("json_extract(msg, '$.content')"));
  return buildEventSql(
    {
      source: "trajectory",
      variant: "variant",
      time: "try_cast(r.ts AS TIMESTAMPTZ)",
      subsystem: "NULL",
      sessionId: "nullif(r.sessionId, '')",
      runId: "nullif(r.runId, '')",
      agentId: "NULL",
      provider: "nullif(r.provider, '')",
      model: "nullif(r.modelId, '')",
      action: "type_",
      category: `CASE WHEN type_ IN ('tool.call', 'tool.result') THEN 'tool' ELSE NULL END`,
      level: `CASE WHEN type_ = 'tool.result' AND outcome_ <> 'success' THEN 'warn' ELSE 'info' END`,
      outcome: "outcome_",
      toolName: `CASE WHEN type_ = 'tool.call' THEN ${jstr("data", "name")} WHEN type_ = 'tool.result' AND tsource = 'runtime' THEN ${jstr("data", "name")} WHEN type_ = 'tool.result' THEN ${jstr("msg", "toolName")} END`,
      toolCallId: `CASE WHEN type_ = 'tool.call' OR (type_ = 'tool.result' AND tsource = 'runtime') THEN ${jstr("data", "toolCallId")} WHEN type_ = 'tool.result' THEN ${jstr("msg", "toolCallId")} END`,
      toolArguments: `CASE WHEN type_ = 'tool.call' THEN ${args} END`,
      message: `CASE WHEN type_ = 'tool.call' THEN coalesce(json_extract_string(data, '$.name'), 'undefined') || ' ' || ${stringify(args)}
        WHEN type_ = 'tool.result' AND tsource = 'runtime' THEN ${contentText("json_extract(res, '$.content')")}
        WHEN json_type(msg) = 'OBJECT' THEN ${contentText("json_extract(msg, '$.content')")} ELSE '' END`,
    },
    `(SELECT *, CASE WHEN type_ = 'tool.result' AND tsource = 'runtime' THEN ${runtimeResult} WHEN type_ = 'tool.result' THEN ${transcriptResult} ELSE 'unknown' END AS outcome_ FROM ${base})`,
  );
}

/** Audit ledger rows (normalizeAuditLedger). */
export function ledgerEventsSql(): string {
  const outcome = `CASE WHEN regexp_matches(lower(coalesce(r.status, '')), '^(ok|success|succeeded|completed|delivered|allowed|sent)$') THEN 'success'
    WHEN regexp_matches(lower(coalesce(r.status, '')), '^(blocked|denied|refused|rejected)$') THEN 'blocked'
    WHEN regexp_matches(lower(coalesce(r.status, '')), '^(error|failed|failure|timeout|timed_out|aborted)$') THEN 'failure' ELSE 'unknown' END`;
  return buildEventSql(
    {
      ...NULLS,
      source: "ledger",
      variant: "variant",
      time: "epoch_ms(r.occurred_at)::TIMESTAMPTZ",
      action: "coalesce(nullif(r.action, ''), r.kind)",
      subsystem: "'ledger/' || r.kind",
      level: `CASE outcome_ WHEN 'failure' THEN 'error' WHEN 'blocked' THEN 'warn' ELSE 'info' END`,
      category: `CASE WHEN nullif(r.tool_name, '') IS NOT NULL THEN 'tool' END`,
      outcome: "outcome_",
      sessionId: "nullif(r.session_id, '')",
      runId: "nullif(r.run_id, '')",
      agentId: "nullif(r.agent_id, '')",
      toolName: "nullif(r.tool_name, '')",
      toolCallId: "nullif(r.tool_call_id, '')",
      message: "concat_ws(' ', r.kind, r.action, r.status, r.error_code, r.reason_code)",
    },
    `(SELECT *, ${outcome} AS outcome_ FROM (SELECT ${ENVELOPE_COLUMNS} FROM records WHERE source = 'ledger'))`,
  );
}

/** Config audit records (normalizeConfigAudit). */
export function configAuditEventsSql(): string {
  const suspicious = `CASE WHEN json_type(r.suspicious) = 'ARRAY' THEN json_array_length(r.suspicious) > 0
    WHEN r.suspicious IS NULL THEN false WHEN json_type(r.suspicious) = 'BOOLEAN' THEN r.suspicious = 'true'::JSON
    WHEN json_type(r.suspicious) = 'VARCHAR' THEN (r.suspicious ->> '$') <> '' WHEN json_type(r.suspicious) = 'NULL' THEN false ELSE true END`;
  const outcome = `CASE WHEN r.result IN ('failed', 'rejected') OR r.errorCode IS NOT NULL OR r.valid = false THEN 'failure'
    WHEN r.result IS NOT NULL OR r.valid = true THEN 'success' ELSE 'unknown' END`;
  const argv = `CASE WHEN json_type(r.argv) = 'ARRAY' THEN array_to_string(list_filter(json_extract_string(r.argv, '$[*]'), lambda a: a IS NOT NULL), ' ') END`;
  return buildEventSql(
    {
      ...NULLS,
      source: "config-audit",
      variant: "variant",
      time: "try_cast(r.ts AS TIMESTAMPTZ)",
      action: "r.event",
      category: "'config'",
      subsystem: "r.source",
      level: `CASE WHEN outcome_ = 'failure' OR suspicious_ THEN 'warn' ELSE 'info' END`,
      outcome: "outcome_",
      sessionId: "NULL",
      target: { path: "r.configPath", command: argv },
      message: "concat_ws(' ', r.event, r.result, r.configPath, CASE WHEN suspicious_ THEN 'suspicious' END)",
    },
    `(SELECT *, ${outcome} AS outcome_, ${suspicious} AS suspicious_ FROM (SELECT ${ENVELOPE_COLUMNS} FROM records WHERE source = 'config-audit'))`,
  );
}

/** All sources' events, in one statement. */
export function allEventsSql(): string {
  return [gatewayEventsSql(), transcriptEventsSql(), trajectoryEventsSql(), ledgerEventsSql(), configAuditEventsSql()].join("\nUNION ALL BY NAME\n");
}
