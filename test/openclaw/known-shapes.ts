// `pnpm shapes:known`: writes packages/schema/src/sources/gateway-log/known-shapes.json, which
// gateway log shapes (subsystem and message template) each release of the matrix wrote, from
// the committed captures test/fixtures/openclaw-<version>/gateway.log, and
// packages/schema/src/sources/known-variants.json, which variant of each source's schema each
// release wrote, from all of its capture's files. known-shapes.test.ts fails when either file is
// not what this writes.
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gatewayShape, shapeKey, SOURCES, type SourceName } from "@oclog/schema";
import { RELEASES } from "./releases.js";

export const KNOWN_SHAPES_FILE = fileURLToPath(new URL("../../packages/schema/src/sources/gateway-log/known-shapes.json", import.meta.url));
export const KNOWN_VARIANTS_FILE = fileURLToPath(new URL("../../packages/schema/src/sources/known-variants.json", import.meta.url));

/** Each capture file of a release and the source its lines are records of. */
const CAPTURE_FILES: Readonly<Record<string, SourceName>> = {
  "gateway.log": "gateway-log",
  "transcripts.jsonl": "transcript",
  "trajectory.jsonl": "trajectory",
  "trajectory-runtime.jsonl": "trajectory",
  "audit-ledger.jsonl": "ledger",
  "config-audit.jsonl": "config-audit",
};

/** A catalog's entries sorted by key, each with the releases that wrote it. */
function sortedCatalog(entries: Map<string, Set<string>>): Record<string, string[]> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, versions]) => [key, [...versions]]));
}

/** The catalog's text: every `<source> <variant>` the matrix's captures hold, with the releases that wrote it, sorted. */
export function knownVariantsText(): string {
  const variants = new Map<string, Set<string>>();
  for (const { version } of RELEASES) {
    for (const [file, source] of Object.entries(CAPTURE_FILES)) {
      const path = fileURLToPath(new URL(`../fixtures/openclaw-${version}/${file}`, import.meta.url));
      for (const line of readFileSync(path, "utf8").split("\n").filter(Boolean)) {
        const pick = SOURCES[source].variantOf(JSON.parse(line) as Record<string, unknown>);
        if (!("variant" in pick)) throw new Error(`${path}: a ${source} record of no variant (${pick.unknown}): ${line.slice(0, 200)}`);
        const key = `${source} ${pick.variant}`;
        variants.set(key, (variants.get(key) ?? new Set()).add(version));
      }
    }
  }
  const sorted = sortedCatalog(variants);
  return `${JSON.stringify({ generatedBy: "pnpm shapes:known (test/openclaw/known-shapes.ts)", releases: RELEASES.map((r) => r.version), variants: sorted }, null, 2)}\n`;
}

/** The catalog's text: every shape the matrix's captures hold, with the releases that wrote it, sorted. */
export function knownShapesText(): string {
  const shapes = new Map<string, Set<string>>();
  for (const { version } of RELEASES) {
    const log = fileURLToPath(new URL(`../fixtures/openclaw-${version}/gateway.log`, import.meta.url));
    for (const line of readFileSync(log, "utf8").split("\n").filter(Boolean)) {
      const shape = gatewayShape(JSON.parse(line));
      if (shape === undefined) throw new Error(`${log}: a line that does not normalize: ${line.slice(0, 200)}`);
      const key = shapeKey(shape);
      shapes.set(key, (shapes.get(key) ?? new Set()).add(version));
    }
  }
  const sorted = sortedCatalog(shapes);
  return `${JSON.stringify({ generatedBy: "pnpm shapes:known (test/openclaw/known-shapes.ts)", releases: RELEASES.map((r) => r.version), shapes: sorted }, null, 2)}\n`;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  writeFileSync(KNOWN_SHAPES_FILE, knownShapesText());
  writeFileSync(KNOWN_VARIANTS_FILE, knownVariantsText());
  console.log(`wrote ${KNOWN_SHAPES_FILE} and ${KNOWN_VARIANTS_FILE}`);
}
