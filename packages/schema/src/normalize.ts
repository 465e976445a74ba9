import { parseRecord } from "./source-definition.js";
import { SOURCES, type SourceName } from "./sources.js";
import { sessionIdFromPath, splitEnvelope } from "./envelope.js";
import type { Event } from "./event.js";
import type { NormalizeContext } from "./event-builder.js";

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
    time: ctx.time ?? (typeof envelope.timestamp === "string" ? envelope.timestamp : null),
  };
  return { ok: true, variant: parsed.variant, events: SOURCES[source].normalize(parsed.record, parsed.variant, fullCtx) };
}
