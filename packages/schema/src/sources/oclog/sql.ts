/** oclog's own events in SQL: recognised, checked and normalized as schema.ts and normalize.ts do. */
import type { SourceSql } from "../../source-definition.js";
import { EVENT_LEVELS, EVENT_OUTCOMES } from "../../event-vocabulary.js";
import { NULLS, buildEventSql, rowsOf } from "../../sql/event-select.js";
import { sqlString } from "../../sql/sql-text.js";
import { OCLOG_COMPONENTS } from "./schema.js";

const list = (values: readonly string[]) => values.map(sqlString).join(", ");

function oclogEventsSql(): string {
  return buildEventSql(
    {
      ...NULLS,
      source: "oclog",
      variant: "variant",
      time: `try_cast(r."@timestamp" AS TIMESTAMPTZ)`,
      action: "r.event",
      category: "'pipeline'",
      subsystem: "'oclog/' || r.component",
      level: "coalesce(r.level, CASE WHEN r.outcome = 'failure' THEN 'warn' ELSE 'info' END)",
      outcome: "coalesce(r.outcome, 'unknown')",
      sessionId: "NULL",
      message: "coalesce(CASE WHEN json_type(r.message) = 'VARCHAR' THEN r.message ->> '$' END, r.event)",
    },
    rowsOf("oclog"),
  );
}

export const oclogSql: SourceSql = {
  fields: {
    event: "VARCHAR",
    component: "VARCHAR",
    message: "JSON",
    outcome: "VARCHAR",
    level: "VARCHAR",
    vm: "VARCHAR",
  },
  recognize: "(r.event IS NOT NULL AND r.component IS NOT NULL AND r.ts IS NULL)",
  variant: "left(r.component, 40)",
  invalid: `CASE
    WHEN NOT regexp_full_match(coalesce(r.event, ''), '[a-z][a-z0-9_-]*(\\.[a-z0-9_-]+)+') OR length(r.event) > 80 THEN 'oclog: event is not a dotted name'
    WHEN r.component NOT IN (${list(OCLOG_COMPONENTS)}) THEN 'oclog: unknown component ' || left(r.component, 40)
    WHEN r.outcome IS NOT NULL AND r.outcome NOT IN (${list(EVENT_OUTCOMES)}) THEN 'oclog: unknown outcome'
    WHEN r.level IS NOT NULL AND r.level NOT IN (${list(EVENT_LEVELS)}) THEN 'oclog: unknown level'
    WHEN r.message IS NOT NULL AND json_type(r.message) <> 'VARCHAR' THEN 'oclog: message is not text' END`,
  events: oclogEventsSql,
};
