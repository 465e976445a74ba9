// The table of detections in queries/detections/README.md is generated from the rule files; this
// fails when it is stale and names the command that fixes it.
import test from "ava";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DETECTIONS_DIR, loadDetections, README_TABLE_BEGIN, README_TABLE_END, renderDetectionTable, replaceGeneratedTable } from "@oclog/detections";

const { detections } = await loadDetections(DETECTIONS_DIR);

test("the README's table is what `pnpm detections:readme` writes", (t) => {
  const readme = readFileSync(join(DETECTIONS_DIR, "README.md"), "utf8");
  t.is(readme, replaceGeneratedTable(readme, renderDetectionTable(detections)), "queries/detections/README.md is stale: run `pnpm detections:readme`");
});

test("the table has one row per rule with its KQL and its event counts", (t) => {
  const table = renderDetectionTable(detections);
  t.is(table.split("\n").length, detections.length + 2);
  const destructive = detections.find((d) => d.stem === "tool_destructive_command")!;
  const matches = destructive.tests.filter((e) => e.expect === "match").length;
  t.true(table.includes(`| \`tool_destructive_command\` | ${destructive.meta.title} | high |`));
  t.regex(table, new RegExp(`\\| \`tool_destructive_command\` .*\\| yes \\| ${matches} \\| ${destructive.tests.length - matches} \\|$`, "m"));
  t.regex(table, /\| `pipeline_record_stamped_far_from_upload` .*\| no \|/m, "a rule with kql_none shows no twin");
});

test("the markers are required and only the text between them is replaced", (t) => {
  const readme = `intro\n${README_TABLE_BEGIN}\nold table\n${README_TABLE_END}\noutro\n`;
  t.is(replaceGeneratedTable(readme, "| new |"), `intro\n${README_TABLE_BEGIN}\n| new |\n${README_TABLE_END}\noutro\n`);
  t.throws(() => replaceGeneratedTable("no markers here", "| new |"), { message: /needs the lines/ });
});
