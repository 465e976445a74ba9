import type { Event } from "./event.js";
import { parseRecord, type SourceName } from "./source-definition.js";
import { SOURCES } from "./sources.js";
import { sessionIdFromPath, splitEnvelope } from "./envelope.js";
import type { NormalizeContext } from "./normalize/event-builder.js";
import { normalizeGatewayLog } from "./normalize/gateway-log.js";
import { normalizeTranscript } from "./normalize/transcript.js";
import { normalizeTrajectory } from "./normalize/trajectory.js";
import { normalizeAuditLedger } from "./normalize/audit-ledger.js";
import { normalizeConfigAudit } from "./normalize/config-audit.js";

type Normalizer = (record: Record<string, unknown>, variant: string, ctx: NormalizeContext) => Event[];

const NORMALIZERS: Readonly<Record<SourceName, Normalizer>> = {
  "gateway-log": normalizeGatewayLog,
  transcript: normalizeTranscript,
  trajectory: normalizeTrajectory,
  ledger: normalizeAuditLedger,
  "config-audit": normalizeConfigAudit,
};

export type NormalizeResult = { ok: true; variant: string; events: Event[] } | { ok: false; reason: string };

/**
 * Validates a record of `source` and turns it into normalized events. Shipped records (with
 * the pipeline envelope) are accepted: the envelope fills `user`/`host` unless ctx sets them.
 */
export function normalize(source: SourceName, value: unknown, ctx: NormalizeContext = {}): NormalizeResult {
  const isObject = typeof value === "object" && value !== null && !Array.isArray(value);
  const { envelope, source: record } = isObject ? splitEnvelope(value as Record<string, unknown>) : { envelope: {}, source: value };
  const parsed = parseRecord(SOURCES[source], record);
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  const fullCtx: NormalizeContext = {
    ...ctx,
    user: ctx.user ?? (typeof envelope.user === "string" ? envelope.user : null),
    host: ctx.host ?? (typeof envelope.host === "string" ? envelope.host : null),
    sessionId: ctx.sessionId ?? sessionIdFromPath(envelope.path) ?? null,
  };
  return { ok: true, variant: parsed.variant, events: NORMALIZERS[source](parsed.record, parsed.variant, fullCtx) };
}
