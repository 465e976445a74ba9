import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { dcrDefinition, jsonSchemas } from "@oclog/schema";
import type { Output } from "../output.js";

export type SchemaExportFormat = "json-schema" | "dcr";

/** The directory JSON Schema files go to when `out` is not given. */
export const DEFAULT_SCHEMA_DIR = "schema-export";

export interface SchemaExportOptions {
  /** json-schema: the directory (default schema-export); dcr: the file (default: stdout). */
  out?: string;
  json: boolean;
  format?: SchemaExportFormat;
}

/** Write-then-rename so a reader never sees half a file. */
async function writeAtomically(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

/** JSON Schema files for every source, the envelope and the event; or, with format dcr, the Azure Monitor Logs tables and DCR. */
export async function schemaExport(options: SchemaExportOptions, output: Output): Promise<string[]> {
  if (options.format === "dcr") return dcrExport(options, output);
  const out = options.out ?? DEFAULT_SCHEMA_DIR;
  await mkdir(out, { recursive: true });
  const written: string[] = [];
  for (const [file, schema] of Object.entries(jsonSchemas())) {
    const path = join(out, file);
    await writeAtomically(path, `${JSON.stringify(schema, null, 2)}\n`);
    written.push(path);
  }
  if (options.json) output.out(JSON.stringify({ files: written }));
  else output.out(`wrote ${written.length} JSON Schema files to ${out}:\n${written.map((p) => `  ${p}`).join("\n")}`);
  return written;
}

/** The tables and DCR as one JSON document, to stdout or to the file `out`. */
async function dcrExport(options: SchemaExportOptions, output: Output): Promise<string[]> {
  const text = `${JSON.stringify(dcrDefinition(), null, 2)}\n`;
  if (options.out === undefined) {
    output.out(text);
    return [];
  }
  await mkdir(dirname(options.out), { recursive: true });
  await writeAtomically(options.out, text);
  if (options.json) output.out(JSON.stringify({ files: [options.out] }));
  else output.out(`wrote the Azure Monitor Logs tables and data collection rule to ${options.out}`);
  return [options.out];
}
