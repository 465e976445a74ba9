/**
 * The two include files vm/provision/60-fluent-bit.sh writes next to the pipeline, read from the
 * script itself (its here-documents), so the tests start Fluent Bit the way a new VM does.
 */
import { readFileSync } from "node:fs";

const SCRIPT = new URL("../../vm/provision/60-fluent-bit.sh", import.meta.url);

function hereDocument(marker: string): string {
  const lines = readFileSync(SCRIPT, "utf8").split("\n");
  const start = lines.findIndex((line) => line.includes(`<<${marker}`) || line.includes(`<<'${marker}'`));
  const end = lines.findIndex((line, i) => i > start && line === marker);
  if (start < 0 || end < 0) throw new Error(`vm/provision/60-fluent-bit.sh has no here-document ${marker}`);
  return `${lines.slice(start + 1, end).join("\n")}\n`;
}

/** The SAS include a VM has until its first rotation, byte for byte. */
export function provisionedSasPlaceholder(): string {
  return hereDocument("SAS");
}

/** The variables the provisioned params include defines (its `env` keys). */
export function provisionedParamNames(): string[] {
  return [...hereDocument("PARAMS").matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((match) => match[1]!);
}

/** The params include's values as a VM gets them (`$FB` expanded; per-VM shell values left as written). */
export function provisionedParams(): Record<string, string> {
  const entries = [...hereDocument("PARAMS").matchAll(/^ {2}([A-Z][A-Z0-9_]*): (.*)$/gm)].map((m) => [m[1]!, m[2]!.replace(/^"(.*)"$/, "$1").replace(/\$FB\b/g, "/etc/fluent-bit")]);
  return Object.fromEntries(entries);
}

/** The pipeline text with every `${OCLOG_*}` replaced by its provisioned value: what a VM's Fluent Bit runs. */
export function provisionedPipeline(pipeline: string): string {
  const params = provisionedParams();
  return pipeline.replace(/\$\{(OCLOG_[A-Z0-9_]+)\}/g, (whole, name: string) => params[name] ?? whole);
}
