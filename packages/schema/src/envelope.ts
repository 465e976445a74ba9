/**
 * The envelope the pipeline adds to every shipped record. Fluent Bit's record_modifier sets
 * the `oclog_*` fields on the VM; the azure_blob output adds `@timestamp` (its date_key) and
 * the tail input keeps the raw line in `log`. The field names are in envelope-fields.ts.
 */
import { z } from "zod";
import { IsoTimestamp } from "./timestamp.js";
import { ENVELOPE_FIELDS } from "./envelope-fields.js";
import { PIPELINE_SOURCES } from "./sources.js";

export { ENVELOPE_FIELDS, ENVELOPE_VERSION } from "./envelope-fields.js";

/** An `oclog_source` value: a source's pipeline name (the Fluent Bit tag's last part). */
export type PipelineSource = string;

// Users become container names, file names and SQL literals downstream: keep them boring.
export const UserId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$|^[a-z0-9]$/, "lowercase letters, digits and inner dashes, 1-63 chars");

/** Pipeline-added fields; every shipped record has them in addition to its source fields. */
export const Envelope = z.looseObject({
  [ENVELOPE_FIELDS.user]: UserId,
  [ENVELOPE_FIELDS.host]: z.string().min(1).max(253),
  [ENVELOPE_FIELDS.source]: z.enum(Object.keys(PIPELINE_SOURCES) as [string, ...string[]]),
  // Fluent Bit's record_modifier writes every value as a string, so "1" is as good as 1.
  [ENVELOPE_FIELDS.version]: z.union([z.number().int().positive(), z.string().regex(/^[1-9]\d*$/)]).optional(),
  [ENVELOPE_FIELDS.timestamp]: IsoTimestamp.optional(),
  [ENVELOPE_FIELDS.rawLine]: z.string().optional(),
  [ENVELOPE_FIELDS.path]: z.string().optional(),
  [ENVELOPE_FIELDS.id]: z.string().min(1).optional(),
  [ENVELOPE_FIELDS.invalid]: z.string().optional(),
});

const SESSION_FILE = /(?:^|\/)(?:session-)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/;

/** The session id in a transcript file name (`.../session-<uuid>.jsonl` or `<uuid>.jsonl`). */
export function sessionIdFromPath(path: unknown): string | undefined {
  return typeof path === "string" ? SESSION_FILE.exec(path)?.[1] : undefined;
}
export type Envelope = z.infer<typeof Envelope>;

/** Splits a shipped record into its envelope and the source record the VM wrote. */
export function splitEnvelope(record: Record<string, unknown>): {
  envelope: Partial<Record<keyof typeof ENVELOPE_FIELDS, unknown>>;
  source: Record<string, unknown>;
} {
  const envelope: Partial<Record<keyof typeof ENVELOPE_FIELDS, unknown>> = {};
  const source: Record<string, unknown> = { ...record };
  for (const [name, field] of Object.entries(ENVELOPE_FIELDS) as [keyof typeof ENVELOPE_FIELDS, string][]) {
    if (field in source) {
      envelope[name] = source[field];
      delete source[field];
    }
  }
  return { envelope, source };
}
