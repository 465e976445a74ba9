/**
 * Audit ledger rows in SQL: recognised, their variant picked and checked as `schema.ts` does,
 * and normalized as `normalize.ts` does.
 */
import type { SourceSql } from "../../source-definition.js";
import { NULLS, buildEventSql, rowsOf } from "../../sql/event-select.js";

/** Audit ledger rows (normalizeAuditLedger). */
function ledgerEventsSql(): string {
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
    `(SELECT *, ${outcome} AS outcome_ FROM ${rowsOf("ledger")})`,
  );
}


export const ledgerSql: SourceSql = {
  fields: {
    event_id: "VARCHAR",
    occurred_at: "BIGINT",
    kind: "VARCHAR",
    action: "VARCHAR",
    status: "VARCHAR",
    error_code: "VARCHAR",
    reason_code: "VARCHAR",
    tool_name: "VARCHAR",
    tool_call_id: "VARCHAR",
    session_id: "VARCHAR",
    run_id: "VARCHAR",
    agent_id: "VARCHAR",
  },
  recognize: "(r.event_id IS NOT NULL AND r.occurred_at IS NOT NULL)",
  variant: "coalesce(left(r.kind, 60), 'unknown-kind')",
  invalid: "CASE WHEN r.kind IS NULL OR r.action IS NULL OR r.status IS NULL THEN 'ledger: kind, action or status missing' END",
  events: ledgerEventsSql,
};
