/**
 * Azure Monitor Logs definitions derived from the schemas in this package: the custom tables,
 * the data collection rule (DCR) stream declarations and the transformKql that land records in
 * them. Printed by `oclog schema export --format dcr`.
 *
 * Two tables, because a DCR cannot normalize (packages/fluent-bit/README.md has the long form):
 * - `OclogEvents_CL`: the normalized `Event`, one column per top-level field (nested objects are
 *   `dynamic`), plus `step` (a tool call's parsed step, from the case), the table the KQL hunts read. Its stream takes rows that the TypeScript
 *   normalizer made (`eventToDcrRow`); its transform is the identity.
 * - `OclogRaw_CL`: what the VM's Fluent Bit sends (`azure_logs_ingestion`): the envelope, the raw
 *   line and the source record's fields packed into `RawRecord`. A transformation sees one
 *   record and returns at most one row, and one transcript message normalizes to several events
 *   (one per tool call), so the DCR only lands the record; it does not normalize it.
 */
import { z } from "zod";
import { Event } from "./event.js";
import { ENVELOPE_FIELDS, type PipelineSource } from "./envelope.js";
import { LOG_SOURCES, PIPELINE_SOURCES, SOURCES } from "./sources.js";

/** The column types a Log Analytics table takes. */
export const LOG_ANALYTICS_TYPES = ["string", "int", "long", "real", "boolean", "datetime", "dynamic", "guid"] as const;
export type LogAnalyticsType = (typeof LOG_ANALYTICS_TYPES)[number];

export interface LogAnalyticsColumn {
  name: string;
  type: LogAnalyticsType;
  description?: string;
}

export const OCLOG_EVENTS_TABLE = "OclogEvents_CL";
export const OCLOG_RAW_TABLE = "OclogRaw_CL";

/** The column every Log Analytics table needs; Fluent Bit writes it with `time_key`. */
export const TIME_GENERATED = "TimeGenerated";

/** Event fields whose column has another name: the names the KQL hunts use. */
export const EVENT_COLUMN_RENAMES: Readonly<Partial<Record<keyof Event, string>>> = { time: TIME_GENERATED, user: "User" };

/** Column names Azure Monitor keeps for itself in custom tables. */
export const RESERVED_COLUMN_NAMES = ["id", "_ResourceId", "_SubscriptionId", "TenantId", "Type", "UniqueId", "Title"] as const;

/** Custom table column names: a letter first, then letters, digits and underscores, at most 45. */
export const COLUMN_NAME = /^[A-Za-z][A-Za-z0-9_]{0,44}$/;

/** The name of the stream for `table`; Fluent Bit's azure_logs_ingestion posts to `Custom-<table_name>`. */
export function streamFor(table: string): string {
  return `Custom-${table}`;
}

type JsonSchema = { type?: string | string[]; format?: string; enum?: unknown[]; properties?: Record<string, JsonSchema>; anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; allOf?: JsonSchema[] };

/** The Log Analytics type of one JSON Schema property; throws when there is none (so a new field cannot slip through). */
function logAnalyticsType(path: string, schema: JsonSchema): LogAnalyticsType {
  const types = (Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []).filter((t) => t !== "null");
  if (types.length !== 1) throw new Error(`${path}: no Log Analytics type for a field typed ${JSON.stringify(schema.type ?? schema)}`);
  switch (types[0]) {
    case "string":
      return schema.format === "date-time" ? "datetime" : "string";
    case "integer":
      return "long";
    case "number":
      return "real";
    case "boolean":
      return "boolean";
    case "object":
    case "array":
      return "dynamic";
    default:
      throw new Error(`${path}: no Log Analytics type for JSON type "${types[0]}"`);
  }
}

/** One column per top-level field of a zod object, in its order, with `renames` applied. */
export function columnsOf(schema: z.ZodObject, renames: Readonly<Record<string, string | undefined>> = {}): LogAnalyticsColumn[] {
  const json = z.toJSONSchema(schema, { io: "output", unrepresentable: "any" }) as JsonSchema;
  return Object.entries(json.properties ?? {}).map(([field, property]) => ({
    name: renames[field] ?? field,
    type: logAnalyticsType(field, property),
    description: `oclog normalized event field \`${field}\``,
  }));
}

/** The columns of `OclogEvents_CL`: the normalized `Event`, field for field. */
export function eventColumns(): LogAnalyticsColumn[] {
  return columnsOf(Event, EVENT_COLUMN_RENAMES);
}

/** The `OclogEvents_CL` column that carries a tool call's parsed step (see `eventTableColumns`). */
export const STEP_COLUMN = "step";

/**
 * The columns of `OclogEvents_CL`: the `Event`'s, then `step`. KQL cannot parse a shell command,
 * so `oclog ingest` sends what the case database parsed at load time (its `tool_steps` table) on
 * the tool call's row, for the twins to read; it is not an `Event` field because the normalizer
 * never has it, only a case does. What goes in it is @oclog/hunt's business, not this package's.
 */
export function eventTableColumns(): LogAnalyticsColumn[] {
  return [
    ...eventColumns(),
    { name: STEP_COLUMN, type: "dynamic", description: "a tool call's parsed step and session taint from the case's tool_steps (sent by oclog ingest); absent on other rows" },
  ];
}

/** An `Event` as a row for the `OclogEvents_CL` stream (renamed columns, everything else as is). */
export function eventToDcrRow(event: Event): Record<string, unknown> {
  const renames = EVENT_COLUMN_RENAMES as Record<string, string | undefined>;
  return Object.fromEntries(Object.entries(event).map(([field, value]) => [renames[field] ?? field, value]));
}

/** The envelope fields a DCR can carry (`@timestamp` is azure_blob's date_key, never sent to Azure Monitor Logs). */
function envelopeColumns(): LogAnalyticsColumn[] {
  return Object.values(ENVELOPE_FIELDS)
    .filter((field) => COLUMN_NAME.test(field))
    // record_modifier writes every value as a string, oclog_v included.
    .map((field) => ({ name: field, type: "string" as const, description: `oclog envelope field \`${field}\`` }));
}

/** The pipeline sources `OclogRaw_CL` takes: every source in the registry, by its pipeline name. */
export const RAW_TABLE_SOURCES: readonly PipelineSource[] = LOG_SOURCES.map((source) => source.pipelineName);

function topLevelKeys(schema: JsonSchema, into: Set<string>): Set<string> {
  for (const key of Object.keys(schema.properties ?? {})) into.add(key);
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) topLevelKeys(branch, into);
  return into;
}

/**
 * The top-level fields of each source's records, as its zod schema declares them (every
 * variant), that a stream can declare. The normalizer reads only declared fields; those that are
 * not identifiers (the gateway log's numbered arguments `0`, `1`, ..., `_meta`) come from the
 * tailed sources, whose raw line `log` keeps them.
 */
export function rawSourceFields(): Record<string, string[]> {
  const taken = new Set([TIME_GENERATED, ...envelopeColumns().map((c) => c.name), "RawRecord"].map((n) => n.toLowerCase()));
  return Object.fromEntries(
    RAW_TABLE_SOURCES.map((source) => {
      const json = z.toJSONSchema(SOURCES[PIPELINE_SOURCES[source]!].schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
      return [source, [...topLevelKeys(json, new Set())].filter((key) => COLUMN_NAME.test(key) && !taken.has(key.toLowerCase()))];
    }),
  );
}

/** The columns of `OclogRaw_CL`. */
export function rawTableColumns(): LogAnalyticsColumn[] {
  return [
    { name: TIME_GENERATED, type: "datetime", description: "the record's time in Fluent Bit (time_generated)" },
    ...envelopeColumns(),
    { name: "RawRecord", type: "dynamic", description: "the source record's declared top-level fields (see `log` for tailed sources' exact line)" },
  ];
}

/** The columns of the stream Fluent Bit posts to: the table's, but the source fields one by one. */
export function rawStreamColumns(): LogAnalyticsColumn[] {
  const fields = [...new Set(Object.values(rawSourceFields()).flat())];
  return [
    { name: TIME_GENERATED, type: "datetime" },
    ...envelopeColumns().map(({ name, type }) => ({ name, type })),
    // A field's type differs between sources (and variants): dynamic takes any JSON value.
    ...fields.map((name) => ({ name, type: "dynamic" as const })),
  ];
}

const kqlName = (name: string) => `['${name}']`;
const kqlString = (text: string) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/** The transformKql that lands Fluent Bit's records in `OclogRaw_CL` (operators DCR transformations support only). */
export function rawTransformKql(): string {
  const packs = Object.entries(rawSourceFields()).map(
    ([source, fields]) => `    ${kqlName(ENVELOPE_FIELDS.source)} == ${kqlString(source)}, pack(${fields.map((f) => `${kqlString(f)}, ${kqlName(f)}`).join(", ")})`,
  );
  return [
    "source",
    `| extend RawRecord = case(\n${packs.join(",\n")},\n    parse_json('null'))`,
    `| project ${rawTableColumns().map((c) => kqlName(c.name)).join(", ")}`,
  ].join("\n");
}

/** Placeholders the printed DCR keeps for values only the Azure deployment knows. */
export const DCR_PLACEHOLDERS = {
  dataCollectionEndpointId: "${OCLOG_DCE_RESOURCE_ID}",
  workspaceResourceId: "${OCLOG_WORKSPACE_RESOURCE_ID}",
} as const;

export interface DcrExport {
  /** Table name -> the body of `PUT .../workspaces/<ws>/tables/<name>?api-version=2022-10-01`. */
  tables: Record<string, { properties: { schema: { name: string; columns: LogAnalyticsColumn[] } } }>;
  /** The rule file for `az monitor data-collection rule create --rule-file` (location comes from `--location`). */
  dataCollectionRule: {
    properties: {
      dataCollectionEndpointId: string;
      streamDeclarations: Record<string, { columns: { name: string; type: LogAnalyticsType }[] }>;
      destinations: { logAnalytics: { workspaceResourceId: string; name: string }[] };
      dataFlows: { streams: string[]; destinations: string[]; transformKql: string; outputStream: string }[];
    };
  };
}

/** The tables and the DCR for Azure Monitor Logs, with `${OCLOG_*}` placeholders unless values are given. */
export function dcrDefinition(options: Partial<Record<keyof typeof DCR_PLACEHOLDERS, string>> = {}): DcrExport {
  const destination = "oclogWorkspace";
  const table = (name: string, columns: LogAnalyticsColumn[]) => ({ properties: { schema: { name, columns } } });
  const stream = (columns: LogAnalyticsColumn[]) => ({ columns: columns.map(({ name, type }) => ({ name, type })) });
  return {
    tables: {
      [OCLOG_EVENTS_TABLE]: table(OCLOG_EVENTS_TABLE, eventTableColumns()),
      [OCLOG_RAW_TABLE]: table(OCLOG_RAW_TABLE, rawTableColumns()),
    },
    dataCollectionRule: {
      properties: {
        dataCollectionEndpointId: options.dataCollectionEndpointId ?? DCR_PLACEHOLDERS.dataCollectionEndpointId,
        streamDeclarations: {
          [streamFor(OCLOG_EVENTS_TABLE)]: stream(eventTableColumns()),
          [streamFor(OCLOG_RAW_TABLE)]: stream(rawStreamColumns()),
        },
        destinations: { logAnalytics: [{ workspaceResourceId: options.workspaceResourceId ?? DCR_PLACEHOLDERS.workspaceResourceId, name: destination }] },
        dataFlows: [
          // Rows arrive normalized (eventToDcrRow), column for column.
          { streams: [streamFor(OCLOG_EVENTS_TABLE)], destinations: [destination], transformKql: "source", outputStream: streamFor(OCLOG_EVENTS_TABLE) },
          { streams: [streamFor(OCLOG_RAW_TABLE)], destinations: [destination], transformKql: rawTransformKql(), outputStream: streamFor(OCLOG_RAW_TABLE) },
        ],
      },
    },
  };
}
