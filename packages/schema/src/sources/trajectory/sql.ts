/**
 * Trajectory exports in SQL: recognised, their variant picked and checked as `schema.ts` does,
 * and normalized as `normalize.ts` does.
 */
import type { SourceSql } from "../../source-definition.js";
import { ENVELOPE_COLUMNS, buildEventSql, contentText, jstr, stringify, toolOutcomeSql } from "../../sql/event-select.js";
import { recordsTableName } from "../../sql/records-table.js";

/** Trajectory export events (normalizeTrajectory). */
function trajectoryEventsSql(): string {
  const base = `(SELECT ${ENVELOPE_COLUMNS}, r.data AS data, r.type AS type_, r.source AS tsource,
      json_extract(r.data, '$.result') AS res, json_extract(r.data, '$.message') AS msg FROM ${recordsTableName("trajectory")})`;
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


export const trajectorySql: SourceSql = {
  fields: {
    traceSchema: "VARCHAR",
    source: "VARCHAR",
    type: "VARCHAR",
    ts: "VARCHAR",
    sessionId: "VARCHAR",
    runId: "VARCHAR",
    provider: "VARCHAR",
    modelId: "VARCHAR",
    data: "JSON",
  },
  recognize: "(r.traceSchema = 'openclaw-trajectory')",
  variant: `CASE WHEN r.source IN ('runtime', 'transcript') THEN r.source ELSE 'unknown' END || ':' || left(r.type, 60)`,
  invalid: `CASE
    WHEN try_cast(r.ts AS TIMESTAMPTZ) IS NULL THEN 'trajectory: ts is not an ISO time'
    WHEN r.type IS NULL OR r.sessionId IS NULL THEN 'trajectory: type or sessionId missing' END`,
  events: trajectoryEventsSql,
};
