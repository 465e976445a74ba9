/**
 * Config audit records in SQL: recognised, their variant picked and checked as `schema.ts` does,
 * and normalized as `normalize.ts` does.
 */
import type { SourceSql } from "../../source-definition.js";
import { NULLS, buildEventSql, rowsOf } from "../../sql/event-select.js";

/** Config audit records (normalizeConfigAudit). */
function configAuditEventsSql(): string {
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
    `(SELECT *, ${outcome} AS outcome_, ${suspicious} AS suspicious_ FROM ${rowsOf("config-audit")})`,
  );
}


export const configAuditSql: SourceSql = {
  fields: {
    ts: "VARCHAR",
    event: "VARCHAR",
    source: "VARCHAR",
    configPath: "VARCHAR",
    result: "VARCHAR",
    valid: "BOOLEAN",
    errorCode: "VARCHAR",
    argv: "JSON",
    suspicious: "JSON",
  },
  recognize: "(r.ts IS NOT NULL AND starts_with(r.event, 'config.'))",
  variant: "CASE WHEN r.event IN ('config.write', 'config.observe') THEN r.event ELSE 'config.other' END",
  invalid: "CASE WHEN try_cast(r.ts AS TIMESTAMPTZ) IS NULL THEN 'config-audit: ts is not an ISO time' END",
  events: configAuditEventsSql,
};
