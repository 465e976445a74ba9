// `pnpm shapes:known`: writes packages/schema/src/sources/gateway-log/known-shapes.json, which
// gateway log shapes (subsystem and message template) each release of the matrix wrote, from
// the committed captures test/fixtures/openclaw-<version>/gateway.log. known-shapes.test.ts
// fails when the file is not what this writes.
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gatewayShape, shapeKey } from "@oclog/schema";
import { RELEASES } from "./releases.js";

export const KNOWN_SHAPES_FILE = fileURLToPath(new URL("../../packages/schema/src/sources/gateway-log/known-shapes.json", import.meta.url));

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
  const sorted = Object.fromEntries([...shapes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, versions]) => [key, [...versions]]));
  return `${JSON.stringify({ generatedBy: "pnpm shapes:known (test/openclaw/known-shapes.ts)", releases: RELEASES.map((r) => r.version), shapes: sorted }, null, 2)}\n`;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  writeFileSync(KNOWN_SHAPES_FILE, knownShapesText());
  console.log(`wrote ${KNOWN_SHAPES_FILE}`);
}
