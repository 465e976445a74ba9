import { z } from "zod";

// OpenClaw has written `...Z` and `...+00:00`/`+02:00` over the years; Fluent Bit writes
// microseconds. All of them are absolute instants, so all are accepted; local times without
// an offset are not, because they cannot be placed on a timeline.
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})$/;

/** An ISO 8601 instant with an explicit zone (`Z` or an offset). */
export const IsoTimestamp = z
  .string()
  .regex(ISO_WITH_ZONE, "expected an ISO 8601 time with a zone (Z or +hh:mm)")
  .refine((value) => !Number.isNaN(Date.parse(value)), "not a real date");

/** Epoch milliseconds, as OpenClaw stores them in SQLite and in message bodies. */
export const EpochMillis = z.number().int().nonnegative();

/** Converts an ISO instant or epoch millis to a canonical UTC ISO string (ms precision). */
export function toUtcIso(value: string | number): string | undefined {
  const ms = typeof value === "number" ? value : Date.parse(value);
  if (!Number.isFinite(ms)) return undefined;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
