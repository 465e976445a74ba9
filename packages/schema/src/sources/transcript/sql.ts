/**
 * Session transcripts in SQL: recognised, their variant picked and checked as `schema.ts` does,
 * and normalized as `normalize.ts` does.
 */
import type { SourceSql } from "../../source-definition.js";
import { ENVELOPE_COLUMNS, NULLS, buildEventSql, contentText, jsonFieldsStructure, jstr, jstrOf, stringify, toolOutcomeSql } from "../../sql/event-select.js";
import { sqlString } from "../../sql/sql-text.js";
import { recordsTableName } from "../../sql/records-table.js";

const KNOWN_TYPES = ["session", "message", "model_change", "thinking_level_change", "custom", "custom_message", "compaction", "branch_summary", "reset", "label", "session_info"];
const KNOWN_ROLES = ["user", "assistant", "toolResult", "custom", "bashExecution"];
const list = (values: string[]) => values.map(sqlString).join(", ");
const ROLE = `json_extract_string(r.message, '$.role')`;
/** The message fields the events read. */
const MESSAGE_FIELDS = jsonFieldsStructure(["role", "content", "customType", "stopReason", "errorMessage", "provider", "model", "toolName", "toolCallId", "isError", "details", "output", "exitCode", "command", "__openclaw"]);

const INVALID = `CASE
    WHEN r.type NOT IN (${list(KNOWN_TYPES)}) THEN 'transcript: unknown entry type ' || left(r.type, 60)
    WHEN try_cast(r.timestamp AS TIMESTAMPTZ) IS NULL THEN 'transcript: timestamp is not an ISO time'
    WHEN r.type = 'message' AND coalesce(${ROLE}, '') NOT IN (${list(KNOWN_ROLES)}) THEN 'transcript: message with unknown role' END`;

/** Transcript entries as events (normalizeTranscript): one per entry, plus one per tool call. */
function transcriptEventsSql(): string {
  // The message is parsed once into the fields read below (m); each json_extract on the whole
  // message text would parse it again, and a tool result's message can be megabytes.
  const base = `(SELECT *, m.role ->> '$' AS role,
      CASE WHEN json_type(m.__openclaw, '$.runId') = 'VARCHAR' THEN nullif(json_extract_string(m.__openclaw, '$.runId'), '') END AS run_
    FROM (SELECT ${ENVELOPE_COLUMNS}, try_cast(r.timestamp AS TIMESTAMPTZ) AS ts_, try(json_transform(r.message, ${MESSAGE_FIELDS})) AS m
    FROM ${recordsTableName("transcript")}))`;
  const common = { source: "transcript" as const, variant: "variant", time: "ts_", subsystem: "NULL", sessionId: "NULL" };
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
            WHEN 'bashExecution' THEN 'tool.result' WHEN 'custom' THEN 'message.custom.' || coalesce((m.customType ->> '$'), 'undefined') ELSE 'message.' || role END
          ELSE 'session.' || r.type || CASE WHEN nullif(r.customType, '') IS NOT NULL THEN '.' || r.customType ELSE '' END END`,
        category: `CASE WHEN r.type = 'session' THEN 'other' WHEN r.type IN ('model_change', 'thinking_level_change', 'compaction') THEN 'model'
          WHEN r.type = 'message' AND role IN ('user', 'assistant') THEN 'model' WHEN r.type = 'message' AND role IN ('toolResult', 'bashExecution') THEN 'tool'
          ELSE 'other' END`,
        message: `CASE r.type WHEN 'session' THEN 'session ' || coalesce(r.id, 'undefined') || ' started in ' || coalesce(r.cwd, '?')
          WHEN 'model_change' THEN 'model ' || coalesce(r.provider, 'undefined') || '/' || coalesce(r.modelId, 'undefined')
          WHEN 'thinking_level_change' THEN 'thinking level ' || coalesce(r.thinkingLevel, 'undefined')
          WHEN 'compaction' THEN coalesce(r.summary, '')
          WHEN 'message' THEN CASE WHEN role = 'assistant' THEN coalesce(${jstrOf("m.errorMessage")}, ${contentText("m.content")})
            WHEN role = 'bashExecution' THEN coalesce((m.output ->> '$'), '')
            ELSE ${contentText("m.content")} END
          ELSE '' END`,
        level: `CASE WHEN r.type = 'message' AND role = 'assistant' AND (m.stopReason ->> '$') IN ('error', 'aborted') THEN 'error'
          WHEN r.type = 'message' AND role = 'toolResult' AND outcome_ <> 'success' THEN 'warn' ELSE 'info' END`,
        outcome: `outcome_`,
        sessionId: `CASE WHEN r.type = 'session' THEN nullif(r.id, '') END`,
        runId: `CASE WHEN r.type = 'message' AND role IN ('user', 'assistant', 'toolResult') THEN run_ END`,
        provider: `CASE WHEN r.type = 'model_change' THEN nullif(r.provider, '') WHEN role = 'assistant' THEN ${jstrOf("m.provider")} END`,
        model: `CASE WHEN r.type = 'model_change' THEN nullif(r.modelId, '') WHEN role = 'assistant' THEN ${jstrOf("m.model")} END`,
        toolName: `CASE WHEN role = 'toolResult' THEN ${jstrOf("m.toolName")} WHEN role = 'bashExecution' THEN 'bash' END`,
        toolCallId: `CASE WHEN role = 'toolResult' THEN ${jstrOf("m.toolCallId")} END`,
        target: { command: `CASE WHEN role = 'bashExecution' THEN ${jstrOf("m.command")} END` },
      },
      `(SELECT *, CASE
          WHEN r.type = 'message' AND role = 'assistant' THEN CASE WHEN (m.stopReason ->> '$') IN ('error', 'aborted') THEN 'failure' ELSE 'success' END
          WHEN r.type = 'message' AND role = 'toolResult' THEN ${toolOutcomeSql("coalesce(m.isError = 'true'::JSON, false)", "m.details", contentText("m.content"))}
          WHEN r.type = 'message' AND role = 'bashExecution' THEN CASE WHEN json_type(m.exitCode) IN ('BIGINT', 'UBIGINT', 'DOUBLE') AND m.exitCode::DOUBLE <> 0 THEN 'failure' ELSE 'success' END
          ELSE 'unknown' END AS outcome_
        FROM ${base} WHERE NOT (r.type = 'message' AND role = 'custom' AND (m.customType ->> '$') = 'openclaw.nested-tool.v1' AND json_type(m.details) = 'OBJECT'))`,
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
        provider: jstrOf("m.provider"),
        model: jstrOf("m.model"),
        toolName: jstr("block", "name"),
        toolCallId: jstr("block", "id"),
        toolArguments: `json_extract(block, '$.arguments')`,
        message: `coalesce(json_extract_string(block, '$.name'), 'undefined') || ' ' || ${stringify("json_extract(block, '$.arguments')")}`,
      },
      `(SELECT * FROM (SELECT *, unnest(json_extract(m.content, '$[*]')) AS block FROM ${base} WHERE r.type = 'message' AND role = 'assistant' AND json_type(m.content) = 'ARRAY')
        WHERE json_extract_string(block, '$.type') = 'toolCall')`,
    ),
  );
  // Tools run through `tool_call` are recorded as a nested-tool custom message: call + result.
  const nested = `(SELECT *, m.details AS d, json_extract(m.details, '$.result') AS res FROM ${base}
      WHERE r.type = 'message' AND role = 'custom' AND (m.customType ->> '$') = 'openclaw.nested-tool.v1' AND json_type(m.details) = 'OBJECT')`;
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


export const transcriptSql: SourceSql = {
  fields: {
    type: "VARCHAR",
    id: "VARCHAR",
    timestamp: "VARCHAR",
    cwd: "VARCHAR",
    provider: "VARCHAR",
    modelId: "VARCHAR",
    thinkingLevel: "VARCHAR",
    customType: "VARCHAR",
    summary: "VARCHAR",
    message: "JSON",
  },
  recognize: "(r.type IS NOT NULL AND r.timestamp IS NOT NULL AND r.id IS NOT NULL)",
  variant: `CASE WHEN r.type = 'message' THEN 'message:' || ${ROLE} ELSE r.type END`,
  invalid: INVALID,
  events: transcriptEventsSql,
};
