import test from "ava";
import { z } from "zod";
import {
  COLUMN_NAME, ENVELOPE_FIELDS, Event, EVENT_COLUMN_RENAMES, LOG_ANALYTICS_TYPES, OCLOG_EVENTS_TABLE, OCLOG_RAW_TABLE, PIPELINE_SOURCES,
  RAW_TABLE_SOURCES, RESERVED_COLUMN_NAMES, STEP_COLUMN, columnsOf, dcrDefinition, eventColumns, eventTableColumns, eventToDcrRow, normalize, rawSourceFields,
  rawStreamColumns, rawTableColumns, rawTransformKql, streamFor, type LogAnalyticsColumn, type SourceName,
} from "@oclog/schema";
import { loadFixtures } from "./fixture-lines.js";

const fixtures = [...loadFixtures("other-sources.jsonl"), ...loadFixtures("gateway-log-variants.jsonl").map((f) => ({ ...f, source: "gateway-log" }))];
const normalized = fixtures.flatMap((f, i) => {
  const result = normalize(f.source as SourceName, f.record, { ref: `fixture:${i + 1}` });
  if (!result.ok) throw new Error(result.reason);
  return result.events;
});

function checkNames(t: { true(v: boolean, m?: string): void; false(v: boolean, m?: string): void; deepEqual(a: unknown, b: unknown, m?: string): void }, table: string, columns: LogAnalyticsColumn[]) {
  for (const column of columns) {
    t.true(COLUMN_NAME.test(column.name), `${table}.${column.name}: not a valid column name`);
    t.false(RESERVED_COLUMN_NAMES.some((r) => r.toLowerCase() === column.name.toLowerCase()), `${table}.${column.name}: reserved by Azure Monitor`);
    t.true((LOG_ANALYTICS_TYPES as readonly string[]).includes(column.type), `${table}.${column.name}: ${column.type}`);
  }
  const lower = columns.map((c) => c.name.toLowerCase());
  t.deepEqual(lower.filter((n, i) => lower.indexOf(n) !== i), [], `${table}: names equal but for case`);
}

test("OclogEvents_CL has one column per Event field, in the Event's order, with TimeGenerated and User renamed", (t) => {
  const columns = eventColumns();
  t.deepEqual(columns.map((c) => c.name), Object.keys(Event.shape).map((field) => (EVENT_COLUMN_RENAMES as Record<string, string>)[field] ?? field));
  t.deepEqual(Object.fromEntries(columns.map((c) => [c.name, c.type])), {
    TimeGenerated: "datetime", User: "string", host: "string", source: "string", subsystem: "string", level: "string", category: "string",
    action: "string", outcome: "string", session_id: "string", run_id: "string", agent_id: "string", gen_ai: "dynamic", target: "dynamic",
    message: "string", raw: "dynamic",
  }, "the Log Analytics table changed: deployed workspaces need the new table and DCR (oclog schema export --format dcr); update this list and say so in the change");
  checkNames(t, OCLOG_EVENTS_TABLE, columns);
});

test("OclogEvents_CL is the Event's columns then `step`, dynamic, the one column a case adds", (t) => {
  const columns = eventTableColumns();
  t.deepEqual(columns.slice(0, -1), eventColumns());
  t.deepEqual(columns.map((c) => [c.name, c.type]).at(-1), [STEP_COLUMN, "dynamic"]);
  t.is(STEP_COLUMN, "step", "the twins read step.<field>: renaming it breaks them and deployed tables");
  t.false(Object.keys(Event.shape).includes(STEP_COLUMN), "an Event field of that name would collide with the case's column");
  checkNames(t, OCLOG_EVENTS_TABLE, columns);
});

test("a field added to the Event gets a column; a field with no Log Analytics type is refused", (t) => {
  const grown = Event.extend({ risk_score: z.number(), tags: z.array(z.string()), pinned: z.boolean().nullable(), count: z.int() });
  t.deepEqual(columnsOf(grown, EVENT_COLUMN_RENAMES).slice(-4).map((c) => [c.name, c.type]), [["risk_score", "real"], ["tags", "dynamic"], ["pinned", "boolean"], ["count", "long"]]);
  t.throws(() => columnsOf(Event.extend({ either: z.union([z.string(), z.number()]) })), { message: /either: no Log Analytics type/ });
});

test("every normalized event becomes a row with exactly the table's columns", (t) => {
  const names = eventColumns().map((c) => c.name);
  t.true(normalized.length > 20);
  for (const event of normalized) t.deepEqual(Object.keys(eventToDcrRow(event)), names);
  const row = eventToDcrRow(normalized[0]!);
  t.is(row.TimeGenerated, normalized[0]!.time);
  t.false("time" in row || "user" in row);
});

test("the DCR: stream declarations match the tables, each stream flows to its own table", (t) => {
  const dcr = dcrDefinition();
  const { streamDeclarations, dataFlows, destinations } = dcr.dataCollectionRule.properties;
  t.deepEqual(Object.keys(dcr.tables), [OCLOG_EVENTS_TABLE, OCLOG_RAW_TABLE]);
  t.deepEqual(dcr.tables[OCLOG_EVENTS_TABLE]!.properties.schema.columns, eventTableColumns());
  t.deepEqual(streamDeclarations[streamFor(OCLOG_EVENTS_TABLE)]!.columns, eventTableColumns().map(({ name, type }) => ({ name, type })));
  t.true(streamDeclarations[streamFor(OCLOG_EVENTS_TABLE)]!.columns.some((c) => c.name === "step" && c.type === "dynamic"), "oclog ingest sends step; an undeclared column is dropped");
  t.deepEqual(dataFlows.map((f) => [f.streams, f.outputStream]), [[["Custom-OclogEvents_CL"], "Custom-OclogEvents_CL"], [["Custom-OclogRaw_CL"], "Custom-OclogRaw_CL"]]);
  t.is(dataFlows[0]!.transformKql, "source");
  for (const flow of dataFlows) t.deepEqual(flow.destinations, [destinations.logAnalytics[0]!.name]);
  t.is(destinations.logAnalytics[0]!.workspaceResourceId, "${OCLOG_WORKSPACE_RESOURCE_ID}");
  t.is(dcrDefinition({ workspaceResourceId: "/subscriptions/x/ws" }).dataCollectionRule.properties.destinations.logAnalytics[0]!.workspaceResourceId, "/subscriptions/x/ws");
});

test("OclogRaw_CL: TimeGenerated, the envelope, RawRecord; valid names and types", (t) => {
  const columns = rawTableColumns();
  t.deepEqual(columns.map((c) => c.name), ["TimeGenerated", "oclog_user", "oclog_host", "oclog_source", "oclog_v", "log", "oclog_path", "oclog_id", "oclog_invalid", "RawRecord"]);
  checkNames(t, OCLOG_RAW_TABLE, columns);
  for (const field of Object.values(ENVELOPE_FIELDS).filter((f) => f !== "@timestamp")) t.true(columns.some((c) => c.name === field), field);
  // Stream columns reach RawRecord only, so the table rules do not bind them, but names still may not clash.
  const lower = rawStreamColumns().map((c) => c.name.toLowerCase());
  t.deepEqual(lower.filter((n, i) => lower.indexOf(n) !== i), []);
});

test("OclogRaw_CL takes every source the normalizer reads, and the transform packs each one's fields", (t) => {
  t.deepEqual([...RAW_TABLE_SOURCES].sort(), Object.entries(PIPELINE_SOURCES).filter(([, s]) => s).map(([p]) => p).sort());
  const kql = rawTransformKql();
  const fields = rawSourceFields();
  for (const source of RAW_TABLE_SOURCES) {
    t.true(fields[source]!.length > 0, source);
    t.true(kql.includes(`['oclog_source'] == '${source}', pack(${fields[source]!.map((f) => `'${f}', ['${f}']`).join(", ")})`), source);
  }
  t.regex(kql, /^source\n\| extend RawRecord = case\(/);
  t.true(kql.endsWith(`| project ${rawTableColumns().map((c) => `['${c.name}']`).join(", ")}`));
  // Only operators DCR transformations support (no mv-expand, pack_all, bag_remove_keys, ...).
  t.notRegex(kql, /mv-expand|pack_all|bag_|summarize|join/);
});

test("what the raw stream keeps is enough to normalize again: the declared fields, or the tailed line", (t) => {
  const fields = rawSourceFields();
  const pipelineSource = (source: string) => Object.entries(PIPELINE_SOURCES).find(([, s]) => s === source)![0];
  for (const [i, fixture] of fixtures.entries()) {
    const source = fixture.source as SourceName;
    const expected = normalize(source, fixture.record, { ref: "r" });
    if (!expected.ok) return t.fail(expected.reason);
    if (source === "gateway-log") {
      // Tailed: the raw line is the `log` column; the numbered arguments have no stream column.
      t.true(rawTableColumns().some((c) => c.name === ENVELOPE_FIELDS.rawLine));
      continue;
    }
    const kept = Object.fromEntries(Object.entries(fixture.record).filter(([key]) => fields[pipelineSource(source)]!.includes(key)));
    const again = normalize(source, kept, { ref: "r" });
    t.deepEqual(again.ok ? again.events : again.reason, expected.events, `${source} ${fixture.variant} (fixture ${i + 1})`);
  }
});
