/** The egress record in SQL: recognised, checked and normalized as schema.ts and normalize.ts do. */
import type { SourceSql } from "../../source-definition.js";
import { NULLS, buildEventSql, rowsOf } from "../../sql/event-select.js";
import { sqlString } from "../../sql/sql-text.js";
import { JOURNAL_TIME, MESSAGE_TEXT } from "../journal/sql.js";
import { EGRESS_PREFIX } from "./schema.js";

function egressEventsSql(): string {
  const dst = "CASE WHEN contains(r.dst, ':') THEN '[' || r.dst || ']' ELSE r.dst END";
  return buildEventSql(
    {
      ...NULLS,
      source: "egress",
      variant: "variant",
      time: JOURNAL_TIME,
      action: "CASE WHEN variant = 'refused' THEN 'network.refused' ELSE 'network.connect' END",
      category: "'network'",
      subsystem: "'egress'",
      level: "CASE WHEN variant = 'refused' THEN 'warn' ELSE 'info' END",
      outcome: "CASE variant WHEN 'refused' THEN 'blocked' WHEN 'connection' THEN 'success' ELSE 'unknown' END",
      sessionId: "NULL",
      target: { host: "r.dst", url: `CASE WHEN r.dpt IS NOT NULL THEN lower(r.proto) || '://' || ${dst} || ':' || r.dpt END` },
      message: `r.verdict || ' ' || r.proto || ' ' || r.src || coalesce(':' || r.spt, '') || ' -> ' || r.dst || coalesce(':' || r.dpt, '')
        || coalesce(' uid=' || r.uid, '')`,
    },
    rowsOf("egress"),
  );
}

export const egressSql: SourceSql = {
  fields: {
    message: "JSON",
    verdict: "VARCHAR",
    out: "VARCHAR",
    src: "VARCHAR",
    dst: "VARCHAR",
    proto: "VARCHAR",
    spt: "INTEGER",
    dpt: "INTEGER",
    uid: "BIGINT",
    gid: "BIGINT",
    _source_realtime_timestamp: "VARCHAR",
  },
  recognize: `starts_with(${MESSAGE_TEXT}, ${sqlString(EGRESS_PREFIX)})`,
  variant: "CASE r.verdict WHEN 'log' THEN 'connection' WHEN 'reject' THEN 'refused' ELSE 'other:' || left(coalesce(r.verdict, ''), 20) END",
  invalid: `CASE
    WHEN NOT starts_with(coalesce(${MESSAGE_TEXT}, ''), ${sqlString(EGRESS_PREFIX)}) THEN 'egress: message is not an egress line'
    WHEN NOT regexp_full_match(coalesce(r.verdict, ''), '[a-z]+') THEN 'egress: verdict missing'
    WHEN r.out IS NULL OR coalesce(r.src, '') = '' OR coalesce(r.dst, '') = '' OR coalesce(r.proto, '') = '' THEN 'egress: out, src, dst or proto missing'
    WHEN r.spt NOT BETWEEN 0 AND 65535 OR r.dpt NOT BETWEEN 0 AND 65535 THEN 'egress: port out of range' END`,
  events: egressEventsSql,
};
