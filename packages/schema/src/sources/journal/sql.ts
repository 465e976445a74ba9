/** The VM's journal in SQL: recognised, checked and normalized as schema.ts and normalize.ts do. */
import type { SourceSql } from "../../source-definition.js";
import { NULLS, asText, buildEventSql, rowsOf } from "../../sql/event-select.js";
import { sqlString } from "../../sql/sql-text.js";
import { UNIT_MESSAGES } from "./schema.js";

/** `message` is read as JSON (a string here, an object in transcripts). */
export const MESSAGE_TEXT = asText("r.message");

const ACTION = `CASE r.message_id ${Object.entries(UNIT_MESSAGES).map(([id, action]) => `WHEN ${sqlString(id)} THEN ${sqlString(action)}`).join(" ")} END`;

/** The journal's time of a record, for the SQL of this source and of egress (kernel lines). */
export const JOURNAL_TIME = `coalesce(epoch_ms(try_cast(r._source_realtime_timestamp AS BIGINT) // 1000), try_cast(r."@timestamp" AS TIMESTAMPTZ))`;

/** syslog priority as a level (priorityLevel). */
export const PRIORITY_LEVEL = `CASE r.priority WHEN '0' THEN 'fatal' WHEN '1' THEN 'fatal' WHEN '2' THEN 'fatal' WHEN '3' THEN 'error' WHEN '4' THEN 'warn' WHEN '7' THEN 'debug' ELSE 'info' END`;

function journalEventsSql(): string {
  const outcome = `CASE
    WHEN variant <> 'unit' THEN 'unknown'
    WHEN action_ IN ('service.started', 'service.stopped', 'service.reloaded') THEN CASE WHEN coalesce(r.job_result, 'done') = 'done' THEN 'success' ELSE 'failure' END
    WHEN action_ = 'service.exited' THEN CASE WHEN r.exit_code = 'exited' AND r.exit_status = '0' THEN 'success' ELSE 'failure' END
    WHEN action_ = 'service.succeeded' THEN 'success'
    WHEN action_ IN ('service.start_failed', 'service.failed', 'service.restart_scheduled', 'service.oom_killed', 'service.log_suppressed') THEN 'failure'
    ELSE 'unknown' END`;
  return buildEventSql(
    {
      ...NULLS,
      source: "journal",
      variant: "variant",
      time: JOURNAL_TIME,
      action: "action_",
      category: "'system'",
      subsystem: "CASE WHEN variant = 'unit' THEN r.unit ELSE coalesce(r._systemd_unit, r.unit) END",
      level: `CASE WHEN outcome_ = 'failure' THEN 'error' ELSE ${PRIORITY_LEVEL} END`,
      outcome: "outcome_",
      sessionId: "NULL",
      message: `coalesce(${MESSAGE_TEXT}, action_)`,
    },
    `(SELECT *, ${outcome} AS outcome_ FROM (SELECT *, CASE WHEN variant = 'unit' THEN ${ACTION} ELSE 'service.log' END AS action_ FROM ${rowsOf("journal")}))`,
  );
}

export const journalSql: SourceSql = {
  fields: {
    message: "JSON",
    message_id: "VARCHAR",
    priority: "VARCHAR",
    syslog_identifier: "VARCHAR",
    _systemd_unit: "VARCHAR",
    unit: "VARCHAR",
    _transport: "VARCHAR",
    _pid: "VARCHAR",
    _boot_id: "VARCHAR",
    _source_realtime_timestamp: "VARCHAR",
    job_result: "VARCHAR",
    exit_code: "VARCHAR",
    exit_status: "VARCHAR",
    n_restarts: "VARCHAR",
  },
  recognize: `(${MESSAGE_TEXT} IS NOT NULL AND (r._transport IS NOT NULL OR r._boot_id IS NOT NULL))`,
  variant: `CASE WHEN r.unit IS NOT NULL AND r._pid = '1' AND r.message_id IN (${Object.keys(UNIT_MESSAGES).map(sqlString).join(", ")}) THEN 'unit' ELSE 'output' END`,
  invalid: `CASE
    WHEN r.unit IS NULL AND r._systemd_unit IS NULL THEN 'journal: no unit or _systemd_unit'
    WHEN r.priority IS NOT NULL AND NOT regexp_full_match(r.priority, '[0-7]') THEN 'journal: priority is not 0-7'
    WHEN r.message_id IS NOT NULL AND NOT regexp_full_match(r.message_id, '[0-9a-f]{32}') THEN 'journal: message_id is not a catalog id'
    WHEN r._pid IS NOT NULL AND NOT regexp_full_match(r._pid, '\\d+') THEN 'journal: _pid is not a number'
    WHEN r._source_realtime_timestamp IS NOT NULL AND NOT regexp_full_match(r._source_realtime_timestamp, '\\d+') THEN 'journal: _source_realtime_timestamp is not a number' END`,
  events: journalEventsSql,
};
