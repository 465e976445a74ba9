/**
 * Microsoft's own Kusto parser and semantic analyzer (@kusto/language-service-next, the engine
 * behind the Logs blade's editor, a Bridge.NET build of Kusto.Language), run locally against an
 * `OclogEvents_CL` whose columns are those @oclog/schema exports for it. It knows KQL's grammar, functions and
 * keywords, so it catches what the in-repo lint cannot (an unknown column, a misspelled
 * function, a keyword used as a name). It is a dev dependency: only tests load it.
 */
import { createRequire } from "node:module";
import { dcrDefinition, OCLOG_EVENTS_TABLE, type LogAnalyticsType } from "@oclog/schema";

const require = createRequire(import.meta.url);
// The bridge is a browser-style script that defines globals; order matters.
require("@kusto/language-service-next/bridge.min.js");
require("@kusto/language-service-next/Kusto.Language.Bridge.min.js");

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const K = (globalThis as any).Kusto.Language;

const SCALAR: Record<LogAnalyticsType, string> = {
  string: "String", int: "Int", long: "Long", real: "Real", boolean: "Bool", datetime: "DateTime", dynamic: "Dynamic", guid: "Guid",
};

/** Columns every Log Analytics table has besides its own (the twins use `_ItemId`). */
const STANDARD_COLUMNS: [string, LogAnalyticsType][] = [["_ItemId", "string"], ["TenantId", "string"], ["Type", "string"], ["_ResourceId", "string"]];

function globals(): unknown {
  const S = K.Symbols;
  // The table as `oclog schema export --format dcr` creates it, `step` included: not the Event's fields alone.
  const exported = dcrDefinition().tables[OCLOG_EVENTS_TABLE]!.properties.schema.columns;
  const columns = [...exported.map((c) => [c.name, c.type] as const), ...STANDARD_COLUMNS].map(([name, type]) => new S.ColumnSymbol(name, S.ScalarTypes[SCALAR[type]]));
  const table = new S.TableSymbol.$ctor4(OCLOG_EVENTS_TABLE, columns);
  return K.GlobalState.Default.WithDatabase(new S.DatabaseSymbol.ctor("oclog", [table]));
}

const GLOBALS = globals();

/** Errors the analyzer reports for a complete query, as `KSnnn message (at offset)`. */
export function kustoErrors(query: string): string[] {
  const diagnostics = K.KustoCode.ParseAndAnalyze(query, GLOBALS).GetDiagnostics();
  const out: string[] = [];
  for (let i = 0; i < diagnostics.Count; i++) {
    const d = diagnostics.getItem(i);
    if (String(d.Severity) === "Error") out.push(`${d.Code} ${d.Message} (at ${d.Start}: ${JSON.stringify(query.slice(d.Start, d.Start + 30))})`);
  }
  return out;
}
