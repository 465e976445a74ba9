/**
 * What a log source is, in one place: its record shapes (zod), how a record is recognised, how it
 * becomes normalized events, and the SQL twins the case database runs over millions of records.
 * Each source is a folder under `sources/` exporting one `LogSource`; `sources.ts` lists them.
 */
import type { z } from "zod";
import type { Event } from "./event.js";
import type { NormalizeContext } from "./event-builder.js";
import type { SourceName } from "./sources.js";

/** What a record claims to be and the schema that checks it, or why it is none of them. */
export type VariantPick = { variant: string; schema: z.ZodType } | { unknown: string };

/**
 * The SQL twin of a source, run by the case database (DuckDB). Recognition, variant and
 * validity read column `r`, each record read with every source's `fields` merged into one
 * `json_transform` structure; the events SQL reads the source's own records table
 * (recordsTableName), whose `r` keeps the envelope's and this source's fields only. A parity test
 * holds each expression to its TypeScript counterpart on real records and on bad ones.
 */
export interface SourceSql {
  /** Top-level fields the expressions read, as `json_transform` types (a name two sources share must have one type). */
  readonly fields: Readonly<Record<string, unknown>>;
  /** Condition over `r`: the record has this source's shape (twin of `recognize`). */
  readonly recognize: string;
  /** Expression over `r`: the variant name, as `variantOf` reports it. */
  readonly variant: string;
  /** Expression over `r` and `variant`: why the record is not valid, or NULL (the fields it cannot do without). */
  readonly invalid: string;
  /** One SELECT (or UNION ALL BY NAME of several) of this source's records table (recordsTableName) as `events` rows (twin of `normalize`). */
  events(): string;
}

/** One log source: what it writes, how to tell its records, and how they become events. */
export interface LogSource {
  readonly name: SourceName;
  /** `oclog_source` as the pipeline stamps it: the last part of the Fluent Bit tag (`openclaw.<pipelineName>`). */
  readonly pipelineName: string;
  readonly description: string;
  /** All accepted shapes at once (for JSON Schema export). */
  readonly schema: z.ZodType;
  /** Cheap shape inspection that selects one variant, so each record is parsed once. */
  variantOf(record: Record<string, unknown>): VariantPick;
  /** Whether a record that carries no envelope has this source's shape (registry order breaks ties). */
  recognize(record: Record<string, unknown>): boolean;
  /** A valid record (as `variantOf` picked and its schema parsed it) as normalized events. */
  normalize(record: Record<string, unknown>, variant: string, ctx: NormalizeContext): Event[];
  readonly sql: SourceSql;
}

export type ParseResult =
  | { ok: true; variant: string; record: Record<string, unknown> }
  | { ok: false; variant?: string; reason: string };

/** Parses one decoded JSON value as a record of `source`, reporting every issue at once. */
export function parseRecord(source: Pick<LogSource, "variantOf">, value: unknown): ParseResult {
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
