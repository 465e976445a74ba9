/**
 * Audit ledger rows: table `audit_events` in the state database (`state/openclaw.sqlite`),
 * one row per audited action (tool calls, messages, deliveries). Rows are exported as JSON
 * objects with the column names as keys; `occurred_at` is epoch milliseconds.
 *
 * Two table layouts exist (read off each release's `CREATE TABLE`, test/fixtures/openclaw-*):
 * 2026.7 created the table with 17 columns, `agent_id` and `run_id` NOT NULL; 2026.8 added
 * `schema_version` and the message/delivery columns and made those two nullable. 2026.6 has no
 * ledger. A row's columns say which layout wrote it; both normalize alike.
 */
import { z } from "zod";
import { EpochMillis } from "../../timestamp.js";
import type { VariantPick } from "../../source-definition.js";

const optionalText = z.string().nullable().optional();
const optionalInt = z.number().int().nullable().optional();

export const AuditLedgerRow = z.looseObject({
  sequence: z.number().int().positive(),
  event_id: z.string().min(1),
  source_id: z.string().min(1),
  schema_version: z.number().int().positive(),
  source_sequence: z.number().int(),
  occurred_at: EpochMillis,
  kind: z.string().min(1),
  action: z.string().min(1),
  status: z.string().min(1),
  error_code: optionalText,
  actor_type: z.string().min(1),
  actor_id: z.string().min(1),
  agent_id: optionalText,
  session_key: optionalText,
  session_id: optionalText,
  run_id: optionalText,
  tool_call_id: optionalText,
  tool_name: optionalText,
  direction: optionalText,
  channel: optionalText,
  conversation_kind: optionalText,
  message_outcome: optionalText,
  reason_code: optionalText,
  delivery_kind: optionalText,
  failure_stage: optionalText,
  duration_ms: optionalInt,
  result_count: optionalInt,
  account_ref: optionalText,
  conversation_ref: optionalText,
  message_ref: optionalText,
  target_ref: optionalText,
});
export type AuditLedgerRow = z.infer<typeof AuditLedgerRow>;

/** A row of 2026.7's `audit_events`: no `schema_version` or message columns, agent and run always set. */
export const AuditLedgerRow2026_7 = AuditLedgerRow.omit({ schema_version: true }).extend({
  agent_id: z.string().min(1),
  run_id: z.string().min(1),
});

export function pickLedgerVariant(record: Record<string, unknown>): VariantPick {
  if (typeof record.event_id !== "string" || !("occurred_at" in record)) {
    return { unknown: "not an audit ledger row: needs event_id and occurred_at" };
  }
  // The variant is the row's kind whatever the layout, so a normalized event looks the same for every release.
  const schema = "schema_version" in record ? AuditLedgerRow : AuditLedgerRow2026_7;
  return { variant: typeof record.kind === "string" ? record.kind.slice(0, 60) : "unknown-kind", schema };
}

