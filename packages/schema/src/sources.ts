import { gatewayLogSource } from "./sources/gateway-log.js";
import { transcriptSource } from "./sources/transcript.js";
import { trajectorySource } from "./sources/trajectory.js";
import { auditLedgerSource } from "./sources/audit-ledger.js";
import { configAuditSource } from "./sources/config-audit.js";
import { isPlainObject, type SourceDefinition, type SourceName } from "./source-definition.js";
import { ENVELOPE_FIELDS, PIPELINE_SOURCES } from "./envelope.js";

/** Every source definition by name. */
export const SOURCES: Readonly<Record<SourceName, SourceDefinition>> = {
  "gateway-log": gatewayLogSource,
  transcript: transcriptSource,
  trajectory: trajectorySource,
  ledger: auditLedgerSource,
  "config-audit": configAuditSource,
};

/** Guesses which source a record came from: the envelope says so when present, else its shape. */
export function detectSource(value: unknown): SourceName | undefined {
  if (!isPlainObject(value)) return undefined;
  const declared = value[ENVELOPE_FIELDS.source];
  if (typeof declared === "string") {
    if (declared in SOURCES) return declared as SourceName;
    const mapped = (PIPELINE_SOURCES as Record<string, SourceName | undefined>)[declared];
    if (mapped) return mapped;
  }
  if ("_meta" in value || ("level" in value && "subsystem" in value && "time" in value)) return "gateway-log";
  if (value.traceSchema === "openclaw-trajectory") return "trajectory";
  if ("event_id" in value && "occurred_at" in value) return "ledger";
  if ("ts" in value && typeof value.event === "string" && value.event.startsWith("config.")) return "config-audit";
  if (typeof value.type === "string" && "timestamp" in value && "id" in value) return "transcript";
  return undefined;
}
