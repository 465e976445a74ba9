/**
 * `pnpm detections:readme`: regenerates the table of detections in queries/detections/README.md
 * from the rule files. Refuses to write while a rule file is broken, so the table never
 * silently loses a rule.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { DETECTIONS_DIR, loadDetections } from "./load-detections.js";
import { renderDetectionTable, replaceGeneratedTable } from "./readme-table.js";

/** The README of the rule directory. */
export const DETECTIONS_README = join(DETECTIONS_DIR, "README.md");

/** Rewrites the README's generated table; returns whether the file changed. */
export async function writeReadmeTable(dir: string = DETECTIONS_DIR, readmePath: string = join(dir, "README.md")): Promise<boolean> {
  const { detections, errors } = await loadDetections(dir);
  if (errors.length > 0) throw new Error(`fix these rule files first:\n${errors.map((e) => `  ${e.file}: ${e.reason}`).join("\n")}`);
  const before = readFileSync(readmePath, "utf8");
  const after = replaceGeneratedTable(before, renderDetectionTable(detections));
  if (after !== before) writeFileSync(readmePath, after);
  return after !== before;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const changed = await writeReadmeTable();
  console.log(`${DETECTIONS_README}: ${changed ? "table regenerated" : "already up to date"}`);
}
