/**
 * The registry of log sources. Each source is one folder under `sources/` (schema, recognition,
 * normalizer and their SQL twins); everything else (the case database's loader SQL, JSON Schema
 * export, the Azure Monitor tables, the CLI's `--source` choices) is derived from this list.
 * Adding a source: its folder, its fixtures, and one line in each of the two lists below.
 */
import type { LogSource } from "./source-definition.js";
import { isPlainObject } from "./source-definition.js";
import { ENVELOPE_FIELDS } from "./envelope-fields.js";
import { gatewayLogSource } from "./sources/gateway-log/index.js";
import { transcriptSource } from "./sources/transcript/index.js";
import { trajectorySource } from "./sources/trajectory/index.js";
import { auditLedgerSource } from "./sources/ledger/index.js";
import { configAuditSource } from "./sources/config-audit/index.js";
import { nginxSource } from "./sources/nginx/index.js";
import { egressSource } from "./sources/egress/index.js";
import { journalSource } from "./sources/journal/index.js";
import { oclogSource } from "./sources/oclog/index.js";

/** The sources oclog knows, as named on the command line and in `Event.source`. */
export const SOURCE_NAMES = ["gateway-log", "transcript", "trajectory", "ledger", "config-audit", "nginx", "egress", "journal", "oclog"] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

/**
 * Every source, in recognition order: a record without an envelope is the first source whose
 * shape it has (the SQL twin tries them in the same order).
 */
export const LOG_SOURCES: readonly LogSource[] = [
  gatewayLogSource,
  trajectorySource,
  auditLedgerSource,
  configAuditSource,
  transcriptSource,
  nginxSource,
  // Before the journal: an egress record is a journal entry of the kernel with the ruleset's prefix.
  egressSource,
  journalSource,
  oclogSource,
];

/** Every source definition by name. */
export const SOURCES: Readonly<Record<SourceName, LogSource>> = Object.fromEntries(LOG_SOURCES.map((s) => [s.name, s])) as Record<SourceName, LogSource>;

/** `oclog_source` values (the pipeline's names, the tag's last part) and the source each is. */
export const PIPELINE_SOURCES: Readonly<Record<string, SourceName>> = Object.fromEntries(LOG_SOURCES.map((s) => [s.pipelineName, s.name]));

/** The source an `oclog_source` value names: its pipeline name, or (older envelopes) the source's own name. */
export function sourceOfPipelineName(value: string): SourceName | undefined {
  if (Object.hasOwn(PIPELINE_SOURCES, value)) return PIPELINE_SOURCES[value];
  return (SOURCE_NAMES as readonly string[]).includes(value) ? (value as SourceName) : undefined;
}

/** Guesses which source a record came from: the envelope says so when present, else its shape. */
export function detectSource(value: unknown): SourceName | undefined {
  if (!isPlainObject(value)) return undefined;
  const declared = value[ENVELOPE_FIELDS.source];
  if (typeof declared === "string") {
    const named = sourceOfPipelineName(declared);
    if (named) return named;
  }
  return LOG_SOURCES.find((source) => source.recognize(value))?.name;
}
