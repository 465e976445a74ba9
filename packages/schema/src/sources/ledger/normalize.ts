import type { Event, EventOutcome } from "../../event.js";
import { buildEvent, type NormalizeContext } from "../../event-builder.js";

const str = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);

/** Ledger statuses as outcomes; unknown statuses stay `unknown` rather than guessed. */
export function ledgerOutcome(status: unknown): EventOutcome {
  const s = typeof status === "string" ? status.toLowerCase() : "";
  if (/^(ok|success|succeeded|completed|delivered|allowed|sent)$/.test(s)) return "success";
  if (/^(blocked|denied|refused|rejected)$/.test(s)) return "blocked";
  if (/^(error|failed|failure|timeout|timed_out|aborted)$/.test(s)) return "failure";
  return "unknown";
}

/** One audit ledger row as one event. */
export function normalizeAuditLedger(row: Record<string, unknown>, variant: string, ctx: NormalizeContext): Event[] {
  const outcome = ledgerOutcome(row.status);
  const kind = String(row.kind);
  const toolName = str(row.tool_name);
  return [
    buildEvent("ledger", variant, {
      time: row.occurred_at as number,
      action: str(row.action) ?? kind,
      subsystem: `ledger/${kind}`,
      level: outcome === "failure" ? "error" : outcome === "blocked" ? "warn" : "info",
      outcome,
      ...(toolName ? { category: "tool" as const } : {}),
      sessionId: str(row.session_id),
      runId: str(row.run_id),
      agentId: str(row.agent_id),
      toolName,
      toolCallId: str(row.tool_call_id),
      message: [kind, row.action, row.status, row.error_code, row.reason_code].filter((v) => typeof v === "string").join(" "),
    }, ctx),
  ];
}
