/**
 * Audit ledger rows: table `audit_events` in the state database (`state/openclaw.sqlite`),
 * one row per audited action (tool calls, messages, deliveries). Rows are exported as JSON
 * objects with the column names as keys; `occurred_at` is epoch milliseconds.
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

export function pickLedgerVariant(record: Record<string, unknown>): VariantPick {
  if (typeof record.event_id !== "string" || !("occurred_at" in record)) {
    return { unknown: "not an audit ledger row: needs event_id and occurred_at" };
  }
  return { variant: typeof record.kind === "string" ? record.kind.slice(0, 60) : "unknown-kind", schema: AuditLedgerRow };
}

