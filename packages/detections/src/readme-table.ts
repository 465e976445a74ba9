/**
 * The table of detections in queries/detections/README.md, generated from the rule files so it
 * cannot drift from them. Pure: rules in, Markdown out; the writer (write-readme-table.ts) and the
 * staleness test both call it.
 */
import type { LoadedDetection } from "./load-detections.js";

/** The line before the generated table in the README. */
export const README_TABLE_BEGIN = "<!-- BEGIN GENERATED: detections table (pnpm detections:readme) -->";
/** The line after the generated table in the README. */
export const README_TABLE_END = "<!-- END GENERATED: detections table -->";

/** The Markdown table of `detections`: one row per rule, in file order. */
export function renderDetectionTable(detections: readonly LoadedDetection[]): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\s+/g, " ");
  const rows = [...detections]
    .sort((a, b) => a.stem.localeCompare(b.stem))
    .map((d) => {
      const matches = d.tests.filter((test) => test.expect === "match").length;
      const kql = d.kql === null ? "no" : "yes";
      return `| \`${d.stem}\` | ${cell(d.meta.title)} | ${d.meta.severity} | ${d.meta.tags.map((tag) => `\`${tag}\``).join(" ")} | ${kql} | ${matches} | ${d.tests.length - matches} |`;
    });
  return ["| Rule | Title | Severity | Tags | KQL | Match | No-match |", "| --- | --- | --- | --- | --- | ---: | ---: |", ...rows].join("\n");
}

/** `readme` with the text between the markers replaced by `table`; throws when a marker is missing. */
export function replaceGeneratedTable(readme: string, table: string): string {
  const begin = readme.indexOf(README_TABLE_BEGIN);
  const end = readme.indexOf(README_TABLE_END);
  if (begin === -1 || end === -1 || end < begin) throw new Error(`the README needs the lines ${README_TABLE_BEGIN} and ${README_TABLE_END}, in that order`);
  return `${readme.slice(0, begin + README_TABLE_BEGIN.length)}\n${table}\n${readme.slice(end)}`;
}
