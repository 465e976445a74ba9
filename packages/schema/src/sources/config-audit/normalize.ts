import type { Event, EventOutcome } from "../../event.js";
import { buildEvent, type NormalizeContext } from "../../event-builder.js";

function configOutcome(record: Record<string, unknown>): EventOutcome {
  if (record.result === "failed" || record.result === "rejected" || typeof record.errorCode === "string") return "failure";
  if (record.valid === false) return "failure";
  if (typeof record.result === "string" || record.valid === true) return "success";
  return "unknown";
}

/** One config audit record as one event. */
export function normalizeConfigAudit(record: Record<string, unknown>, variant: string, ctx: NormalizeContext): Event[] {
  const outcome = configOutcome(record);
  const argv = Array.isArray(record.argv) ? record.argv.filter((a) => typeof a === "string").join(" ") : null;
  const suspicious = Array.isArray(record.suspicious) ? record.suspicious.length > 0 : Boolean(record.suspicious);
  return [
    buildEvent("config-audit", variant, {
      time: record.ts as string,
      action: String(record.event),
      category: "config",
      subsystem: typeof record.source === "string" ? record.source : null,
      level: outcome === "failure" || suspicious ? "warn" : "info",
      outcome,
      target: { path: typeof record.configPath === "string" ? record.configPath : null, command: argv },
      message: [record.event, record.result, record.configPath, suspicious ? "suspicious" : null]
        .filter((v) => typeof v === "string")
        .join(" "),
    }, ctx),
  ];
}
