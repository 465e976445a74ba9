/**
 * Config audit records: one per read (`config.observe`) or write (`config.write`) of the
 * OpenClaw config, with the writing process's pid/argv (redacted by OpenClaw) and hashes.
 * Written to `<state>/logs/config-audit.jsonl` by older versions; 2026.9 keeps them in the
 * state database (`diagnostic_events`, scope `config-audit`) with the same JSON payload.
 */
import { z } from "zod";
import { IsoTimestamp } from "../../timestamp.js";
import type { VariantPick } from "../../source-definition.js";

const base = {
  ts: IsoTimestamp,
  source: z.string().min(1),
  configPath: z.string().optional(),
  pid: z.number().int().optional(),
  ppid: z.number().int().optional(),
  cwd: z.string().optional(),
  argv: z.array(z.string()).optional(),
  execArgv: z.array(z.string()).optional(),
  suspicious: z.unknown().optional(),
};

export const ConfigWriteRecord = z.looseObject({
  ...base,
  event: z.literal("config.write"),
  result: z.string().optional(),
  previousHash: z.string().nullable().optional(),
  nextHash: z.string().nullable().optional(),
  changedPaths: z.array(z.string()).optional(),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
});
export const ConfigObserveRecord = z.looseObject({
  ...base,
  event: z.literal("config.observe"),
  phase: z.string().optional(),
  valid: z.boolean().optional(),
  hash: z.string().nullable().optional(),
});
/** Any other config event (e.g. `config.external`), kept with the common fields checked. */
export const ConfigOtherRecord = z.looseObject({ ...base, event: z.string().regex(/^config\./) });

export const ConfigAuditRecord = z.union([ConfigWriteRecord, ConfigObserveRecord, ConfigOtherRecord]);
export type ConfigAuditRecord = z.infer<typeof ConfigAuditRecord>;

export function pickConfigAuditVariant(record: Record<string, unknown>): VariantPick {
  if (typeof record.event !== "string" || !("ts" in record)) {
    return { unknown: 'not a config audit record: needs "ts" and "event"' };
  }
  if (record.event === "config.write") return { variant: record.event, schema: ConfigWriteRecord };
  if (record.event === "config.observe") return { variant: record.event, schema: ConfigObserveRecord };
  return { variant: "config.other", schema: ConfigOtherRecord };
}

