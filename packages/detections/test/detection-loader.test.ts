// Detections are data, held to Sigma's conventions by code: file names and headers are linted,
// and the loader survives broken rules (each reported with its reason, the rest loaded).
// Running them over a case is @oclog/investigate's job and is tested there.
import test from "ava";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DETECTION_STATUSES, DETECTIONS_DIR, detectionFileNameProblem, loadDetections, SEVERITIES } from "@oclog/detections";

const scratch = mkdtempSync(join(tmpdir(), "oclog-detection-loader-"));

const { detections, errors: loadErrors } = await loadDetections(DETECTIONS_DIR);

test("at least 15 detections load, none with errors", (t) => {
  t.deepEqual(loadErrors, []);
  t.true(detections.length >= 15, `${detections.length} detections`);
});

test("file names and headers follow the conventions", (t) => {
  for (const name of readdirSync(DETECTIONS_DIR).filter((n) => n.endsWith(".sql"))) {
    t.is(detectionFileNameProblem(name), null, name);
  }
  const ids = new Set<string>();
  const titles = new Set<string>();
  for (const { meta, matchCount, author, date } of detections) {
    const file = meta.file;
    t.regex(file, /^queries\/detections\/[a-z0-9_]+\.sql$/, file);
    t.regex(meta.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, `${file}: id is a random (v4) UUID`);
    t.false(ids.has(meta.id), `${file}: id is unique`);
    ids.add(meta.id);
    t.false(titles.has(meta.title), `${file}: title is unique`);
    titles.add(meta.title);
    t.true((SEVERITIES as readonly string[]).includes(meta.severity), `${file}: severity`);
    t.true((DETECTION_STATUSES as readonly string[]).includes(meta.status), `${file}: status`);
    t.true(meta.tags.length > 0, `${file}: has tags`);
    for (const tag of meta.tags) t.regex(tag, /^(attack\.t\d{4}(\.\d{3})?|atlas\.aml\.t\d{4}(\.\d{3})?)$/, `${file}: tag ${tag}`);
    t.true(meta.falsepositives.length > 0, `${file}: names its false positives`);
    t.true(meta.description.length >= 40, `${file}: description says what and why`);
    t.true(matchCount !== null && matchCount > 0, `${file}: declares a positive match_count`);
    t.truthy(author, `${file}: author`);
    t.regex(date ?? "", /^\d{4}-\d{2}-\d{2}$/, `${file}: date`);
  }
});

test("the loader reports each broken rule with its reason and loads the rest", async (t) => {
  const dir = mkdtempSync(join(scratch, "broken-"));
  const good = readFileSync(join(DETECTIONS_DIR, "tool_destructive_command.sql"), "utf8");
  // Each broken rule is the real one with one thing wrong, so this follows the format as it evolves.
  const headerEnd = good.indexOf("\n\n");
  const header = good.slice(0, headerEnd);
  const headerLines = header.split("\n").length;
  const broken: Record<string, string> = {
    "tool_unknown_severity.sql": good.replace(/^-- severity: .*$/m, "-- severity: severe"),
    "tool_missing_field.sql": good.replace(/^-- severity: .*\n/m, ""),
    "tool_bad_header.sql": `${header}\n-- this line is not a field${good.slice(headerEnd)}`,
    "tool_no_query.sql": `${header}\n\nDELETE FROM events\n`,
    "tool_bad_id.sql": good.replace(/^-- id: .*$/m, "-- id: not-a-uuid"),
  };
  writeFileSync(join(dir, "tool_good_rule.sql"), good);
  writeFileSync(join(dir, "tool_duplicate_id.sql"), good);
  for (const [name, text] of Object.entries(broken)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, "Tool-Bad-Name.sql"), good);
  writeFileSync(join(dir, "shell_unknown_logsource.sql"), good);
  writeFileSync(join(dir, "notes.txt"), "not a rule");

  const { detections: loaded, errors } = await loadDetections(dir);
  t.deepEqual(loaded.map((d) => d.path), [join(dir, "tool_duplicate_id.sql")], "the first file with the id wins (sorted order)");
  const reasons = Object.fromEntries(errors.map((e) => [e.file.replace(/^.*\//, ""), e.reason]));
  t.deepEqual(Object.keys(reasons).sort(), [
    "Tool-Bad-Name.sql",
    "shell_unknown_logsource.sql",
    "tool_bad_header.sql",
    "tool_bad_id.sql",
    "tool_good_rule.sql",
    "tool_missing_field.sql",
    "tool_no_query.sql",
    "tool_unknown_severity.sql",
  ]);
  t.regex(reasons["tool_good_rule.sql"]!, /duplicate id f8861605-1244-4893-8d09-256b8f7a4675, already used by .*tool_duplicate_id\.sql/);
  t.regex(reasons["tool_unknown_severity.sql"]!, /unknown severity "severe"/);
  t.regex(reasons["tool_missing_field.sql"]!, /missing field\(s\): severity/);
  t.regex(reasons["tool_bad_header.sql"]!, new RegExp(`header line ${headerLines + 1}: expected "key: value"`));
  t.regex(reasons["tool_no_query.sql"]!, /must be one SELECT/);
  t.regex(reasons["tool_bad_id.sql"]!, /id must be a lowercase UUID/);
  t.regex(reasons["Tool-Bad-Name.sql"]!, /<logsource>_<name>\.sql/);
  t.regex(reasons["shell_unknown_logsource.sql"]!, /logsource one of/);
  t.true(errors.every((e) => e.file.startsWith(dir)), "errors name the file");
});

test("a missing detections directory is an error, not a crash", async (t) => {
  const { detections: loaded, errors } = await loadDetections(join(scratch, "nope"));
  t.deepEqual(loaded, []);
  t.is(errors.length, 1);
  t.regex(errors[0]!.reason, /cannot read the detections directory/);
});
