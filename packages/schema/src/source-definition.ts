import type { z } from "zod";

/** The sources oclog knows, as named on the command line and in `oclog_source`. */
export const SOURCE_NAMES = ["gateway-log", "transcript", "trajectory", "ledger", "config-audit"] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

/** What a record claims to be and the schema that checks it, or why it is none of them. */
export type VariantPick = { variant: string; schema: z.ZodType } | { unknown: string };

/** One OpenClaw source: its variants (one zod schema each) and how to pick a record's variant. */
export interface SourceDefinition {
  readonly name: SourceName;
  readonly description: string;
  /** All accepted shapes at once (for JSON Schema export). */
  readonly schema: z.ZodType;
  /** Cheap shape inspection that selects one variant, so each record is parsed once. */
  variantOf(record: Record<string, unknown>): VariantPick;
}

export type ParseResult =
  | { ok: true; variant: string; record: Record<string, unknown> }
  | { ok: false; variant?: string; reason: string };

/** Parses one decoded JSON value as a record of `source`, reporting every issue at once. */
export function parseRecord(source: SourceDefinition, value: unknown): ParseResult {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, reason: `expected a JSON object, got ${describeJson(value)}` };
  }
  const record = value as Record<string, unknown>;
  const pick = source.variantOf(record);
  if ("unknown" in pick) return { ok: false, reason: pick.unknown };
  const parsed = pick.schema.safeParse(record);
  if (parsed.success) return { ok: true, variant: pick.variant, record: parsed.data as Record<string, unknown> };
  return { ok: false, variant: pick.variant, reason: `${pick.variant}: ${formatIssues(parsed.error.issues)}` };
}

/** Flattens zod issues to `dotted.path: message`, all of them, in one line. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const path = issue.path.map(String).join(".");
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join("; ");
}

/** A short, safe description of a JSON value's type for error messages. */
export function describeJson(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** Lists an object's keys for error messages, capped so a hostile record cannot flood them. */
export function describeKeys(record: Record<string, unknown>): string {
  const keys = Object.keys(record);
  const shown = keys.slice(0, 8).map((key) => JSON.stringify(key.slice(0, 40)));
  return keys.length > 8 ? `${shown.join(", ")} and ${keys.length - 8} more` : shown.join(", ") || "none";
}

/** True for a plain JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
