/** The gate's access log in SQL: recognised, checked and normalized as schema.ts and normalize.ts do. */
import type { SourceSql } from "../../source-definition.js";
import { NULLS, buildEventSql, rowsOf } from "../../sql/event-select.js";

const DENIED = "(r.http_status IN (401, 403))";

function nginxEventsSql(): string {
  return buildEventSql(
    {
      ...NULLS,
      source: "nginx",
      variant: "variant",
      time: "epoch_ms(CAST(replace(r.msec, '.', '') AS BIGINT))",
      action: `CASE WHEN variant = 'gate-refused' THEN 'gate.refused' WHEN ${DENIED} THEN 'http.denied' ELSE 'http.request' END`,
      category: `CASE WHEN variant <> 'gate-refused' AND ${DENIED} THEN 'auth' ELSE 'access' END`,
      subsystem: "CASE WHEN variant = 'gate-refused' THEN 'nginx/gate' ELSE 'nginx' END",
      level: "CASE WHEN r.http_status >= 500 AND variant <> 'gate-refused' THEN 'error' WHEN r.http_status >= 400 THEN 'warn' ELSE 'info' END",
      outcome: "CASE WHEN variant = 'gate-refused' THEN 'blocked' WHEN r.http_status >= 400 THEN 'failure' WHEN r.http_status > 0 THEN 'success' ELSE 'unknown' END",
      sessionId: "NULL",
      target: { url: "r.uri", host: "r.remote_addr" },
      message: `coalesce(nullif(r.request_method, ''), '-') || ' ' || r.uri || ' ' || r.http_status
        || CASE WHEN variant = 'gate-refused' THEN ' gate=' || r.gate ELSE '' END || ' from ' || r.remote_addr`,
    },
    rowsOf("nginx"),
  );
}

export const nginxSql: SourceSql = {
  fields: {
    time: "VARCHAR",
    msec: "VARCHAR",
    request_id: "VARCHAR",
    remote_addr: "VARCHAR",
    request_method: "VARCHAR",
    uri: "VARCHAR",
    server_protocol: "VARCHAR",
    http_status: "INTEGER",
    body_bytes_sent: "BIGINT",
    request_time: "DOUBLE",
    upstream_status: "VARCHAR",
    http_upgrade: "VARCHAR",
    http_user_agent: "VARCHAR",
    gate: "VARCHAR",
  },
  recognize: "(r.request_id IS NOT NULL AND r.http_status IS NOT NULL AND r.msec IS NOT NULL)",
  variant: "CASE WHEN coalesce(r.gate, '') <> '' THEN 'gate-refused' WHEN coalesce(r.upstream_status, '') <> '' THEN 'proxied' ELSE 'local' END",
  invalid: `CASE
    WHEN NOT regexp_full_match(coalesce(r.msec, ''), '\\d{9,11}\\.\\d{3}') THEN 'nginx: msec is not seconds.milliseconds'
    WHEN try_cast(r.time AS TIMESTAMPTZ) IS NULL THEN 'nginx: time is not an ISO time'
    WHEN r.remote_addr IS NULL OR r.uri IS NULL OR r.request_method IS NULL THEN 'nginx: remote_addr, request_method or uri missing'
    WHEN r.http_status < 0 OR r.http_status > 999 THEN 'nginx: status out of range' END`,
  events: nginxEventsSql,
};
