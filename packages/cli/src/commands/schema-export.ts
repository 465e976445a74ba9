import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { jsonSchemas } from "@oclog/schema";
import type { Output } from "../output.js";

export interface SchemaExportOptions {
  out: string;
  json: boolean;
}

/** Writes one JSON Schema file per source plus the envelope and event schemas. */
export async function schemaExport(options: SchemaExportOptions, output: Output): Promise<string[]> {
  await mkdir(options.out, { recursive: true });
  const written: string[] = [];
  for (const [file, schema] of Object.entries(jsonSchemas())) {
    const path = join(options.out, file);
    // Write-then-rename so a reader never sees half a schema.
    await writeFile(`${path}.tmp`, `${JSON.stringify(schema, null, 2)}\n`);
    await rename(`${path}.tmp`, path);
    written.push(path);
  }
  if (options.json) output.out(JSON.stringify({ files: written }));
  else output.out(`wrote ${written.length} JSON Schema files to ${options.out}:\n${written.map((p) => `  ${p}`).join("\n")}`);
  return written;
}
