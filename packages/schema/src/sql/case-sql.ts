/**
 * The SQL the case database loads evidence with, assembled from the registry: one
 * `json_transform` structure that reads any shipped record into typed columns, which source a
 * record is, its variant, why it is invalid, and all sources' events. Nothing here names a
 * source; each source's own `sql` says what it reads and how.
 */
import { ENVELOPE_FIELDS } from "../envelope-fields.js";
import { LOG_SOURCES, SOURCE_NAMES, type SourceName } from "../sources.js";
import { sqlString } from "./sql-text.js";

/** The envelope's fields, as every record is read. */
const ENVELOPE_STRUCTURE: Readonly<Record<string, unknown>> = {
  [ENVELOPE_FIELDS.timestamp]: "VARCHAR",
  [ENVELOPE_FIELDS.user]: "VARCHAR",
  [ENVELOPE_FIELDS.host]: "VARCHAR",
  [ENVELOPE_FIELDS.source]: "VARCHAR",
  [ENVELOPE_FIELDS.path]: "VARCHAR",
  [ENVELOPE_FIELDS.id]: "VARCHAR",
  [ENVELOPE_FIELDS.invalid]: "VARCHAR",
};

/** A field two sources read with different types: the structure cannot hold both. */
export class FieldTypeConflict extends Error {}

/**
 * Every source's fields merged into one structure. A name two sources read must have the same
 * type in both (declare it `JSON` in both and resolve per source when the shapes differ).
 */
export function recordStructure(): Record<string, unknown> {
  const structure: Record<string, unknown> = { ...ENVELOPE_STRUCTURE };
  const owner = new Map<string, string>(Object.keys(ENVELOPE_STRUCTURE).map((field) => [field, "the envelope"]));
  for (const source of LOG_SOURCES) {
    for (const [field, type] of Object.entries(source.sql.fields)) {
      if (owner.has(field) && JSON.stringify(structure[field]) !== JSON.stringify(type)) {
        throw new FieldTypeConflict(
          `field "${field}": ${source.name} reads it as ${JSON.stringify(type)}, ${owner.get(field)} as ${JSON.stringify(structure[field])}`,
        );
      }
      structure[field] = type;
      if (!owner.has(field)) owner.set(field, source.name);
    }
  }
  return structure;
}

/** A `json_transform` type as a DuckDB column type (`{"date": "VARCHAR"}` is `STRUCT("date" VARCHAR)`). */
export function duckdbType(type: unknown): string {
  if (typeof type === "string") return type;
  if (Array.isArray(type)) return `${duckdbType(type[0])}[]`;
  return `STRUCT(${Object.entries(type as Record<string, unknown>).map(([field, t]) => `${quoteName(field)} ${duckdbType(t)}`).join(", ")})`;
}

const quoteName = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The fields one source's records are read with: the envelope's and the source's own. */
export function sourceStructure(source: SourceName): Record<string, unknown> {
  return { ...ENVELOPE_STRUCTURE, ...LOG_SOURCES.find((s) => s.name === source)!.sql.fields };
}

/**
 * What `r` holds for a record of `source`: the whole record structure, with the envelope's and
 * the source's own fields taken from `field(name)` and every other field NULL. A field only
 * another source reads (a transcript's custom entry has a `data` object, as trajectories do)
 * is not part of the record as its source is read, whichever way the file was read.
 */
export function ownFieldsSql(source: SourceName, field: (name: string) => string): string {
  const own = sourceStructure(source);
  const entries = Object.entries(recordStructure()).map(([name, type]) => `${sqlString(name)}: ${name in own ? field(name) : `NULL::${duckdbType(type)}`}`);
  return `{${entries.join(", ")}}`;
}

/**
 * What a case stores as `r` for a record of `source`: only the envelope's and the source's own
 * fields, each taken from `field(name)`. Writing the whole record structure (90 fields, most of
 * them NULL for any one source) was most of the load's cost of storing records.
 */
export function sourceFieldsSql(source: SourceName, field: (name: string) => string): string {
  return `{${Object.keys(sourceStructure(source)).map((name) => `${sqlString(name)}: ${field(name)}`).join(", ")}}`;
}

/** `r` restricted to its source's fields (ownFieldsSql) for every source; reads columns `r` and `source`. */
export function ownFieldsOfSourceSql(): string {
  return `CASE source ${LOG_SOURCES.map((s) => `WHEN ${sqlString(s.name)} THEN ${ownFieldsSql(s.name, (name) => `r.${quoteName(name)}`)}`).join("\n  ")} ELSE r END`;
}

/** The structure as a SQL string literal for `json_transform(text, ...)`. */
export function recordStructureLiteral(): string {
  return sqlString(JSON.stringify(recordStructure()));
}

/**
 * Which source a record is: the envelope's `oclog_source` (a pipeline name, or a source's own
 * name) when set, NULL when it names no source; else the first source whose shape it has.
 */
export function sourceSql(): string {
  const named = LOG_SOURCES.map((s) => `WHEN ${sqlString(s.pipelineName)} THEN ${sqlString(s.name)}`);
  const ownNames = SOURCE_NAMES.filter((name) => !LOG_SOURCES.some((s) => s.pipelineName === name));
  return `CASE
  WHEN r.${ENVELOPE_FIELDS.source} IS NOT NULL THEN CASE r.${ENVELOPE_FIELDS.source} ${named.join(" ")}
    ${ownNames.map((name) => `WHEN ${sqlString(name)} THEN ${sqlString(name)}`).join(" ")} END
  ${LOG_SOURCES.map((s) => `WHEN ${s.sql.recognize} THEN ${sqlString(s.name)}`).join("\n  ")}
END`;
}

/** Per source: the variant expression (reads column `source`). */
export function variantSql(): string {
  return `CASE source ${LOG_SOURCES.map((s) => `WHEN ${sqlString(s.name)} THEN ${s.sql.variant}`).join("\n  ")} END`;
}

/** Per source: why a classified record is not valid, or NULL (reads columns `source` and `variant`). */
export function invalidSql(): string {
  return `CASE source ${LOG_SOURCES.map((s) => `WHEN ${sqlString(s.name)} THEN ${s.sql.invalid}`).join("\n  ")} END`;
}

/** All sources' events, in one statement over their records tables (recordsTableName). */
export function allEventsSql(): string {
  return eventsOfSourcesSql(SOURCE_NAMES);
}

/** The events of some sources, in the order of LOG_SOURCES (allEventsSql's, for all of them). */
export function eventsOfSourcesSql(sources: readonly SourceName[]): string {
  return LOG_SOURCES.filter((s) => sources.includes(s.name)).map((s) => s.sql.events()).join("\nUNION ALL BY NAME\n");
}

/** The name of the view that shows one source's records (`raw_gateway_log`). */
export function rawViewName(source: SourceName): string {
  return `raw_${source.replace(/-/g, "_")}`;
}
