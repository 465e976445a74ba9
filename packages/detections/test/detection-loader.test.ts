// Detections are data, held to Sigma's conventions by code: file names and fields are checked,
// and the loader survives broken rule files (each reported with every problem it has, the rest
// loaded). Running them over a case is @oclog/investigate's job and is tested there, one test per
// labelled event (packages/investigate/test/detections.test.ts).
import test from "ava";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { DETECTION_STATUSES, DETECTIONS_DIR, detectionFileNameProblem, loadDetections, SEVERITIES, testEventRows } from "@oclog/detections";

const scratch = mkdtempSync(join(tmpdir(), "oclog-detection-loader-"));

const { detections, errors: loadErrors } = await loadDetections(DETECTIONS_DIR);

test("at least 15 detections load, none with errors", (t) => {
  t.deepEqual(loadErrors, []);
  t.true(detections.length >= 15, `${detections.length} detections`);
});

test("the rule directory holds rule files and the README only", (t) => {
  const others = readdirSync(DETECTIONS_DIR).filter((name) => !name.endsWith(".yml") && name !== "README.md");
  t.deepEqual(others, [], "a rule is one .yml file: no fixtures, allow-lists or side files");
});

test("file names and headers follow the conventions", (t) => {
  for (const name of readdirSync(DETECTIONS_DIR).filter((n) => n.endsWith(".yml"))) {
    t.is(detectionFileNameProblem(name), null, name);
  }
  const ids = new Set<string>();
  const titles = new Set<string>();
  for (const { meta, author, date, tests } of detections) {
    const file = meta.file;
    t.regex(file, /^queries\/detections\/[a-z0-9_]+\.yml$/, file);
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
    t.truthy(author, `${file}: author`);
    t.regex(date ?? "", /^\d{4}-\d{2}-\d{2}$/, `${file}: date`);
    // Near misses and context events are named as such, so a reader knows why they must not match.
    for (const event of tests.filter((e) => e.expect === "match")) t.notRegex(event.name, /^(near miss|context)\b/i, `${file}: match event "${event.name}"`);
  }
});

test("the loader reports every problem of each broken rule file and loads the rest", async (t) => {
  const dir = mkdtempSync(join(scratch, "broken-"));
  const goodText = readFileSync(join(DETECTIONS_DIR, "tool_destructive_command.yml"), "utf8");
  const good = parse(goodText) as Record<string, unknown> & { tests: Record<string, unknown>[] };
  // Each broken rule is the real one with a few things wrong, so this follows the format as it evolves.
  const variant = (fields: Record<string, unknown>) => {
    const rule: Record<string, unknown> = { ...good, ...fields };
    for (const [key, value] of Object.entries(fields)) if (value === undefined) delete rule[key];
    return stringify(rule);
  };
  const firstTest = good.tests[0]!;
  const broken: Record<string, string> = {
    "tool_unknown_severity.yml": variant({ severity: "severe" }),
    "tool_missing_field.yml": variant({ severity: undefined }),
    "tool_unknown_field.yml": variant({ severty: "high" }),
    "tool_no_query.yml": variant({ sql: "DELETE FROM events" }),
    "tool_bad_id.yml": variant({ id: "not-a-uuid" }),
    "tool_both_kql.yml": variant({ kql_none: "a reason given beside a twin, which is one too many" }),
    "tool_no_kql.yml": variant({ kql: undefined }),
    "tool_bad_events.yml": variant({
      tests: [
        { ...firstTest, expect: "maybe" },
        { name: "a typo in the event", expect: "match", event: { time: "2026-11-25T10:00:00.000Z", target: { cmd: "rm -rf /" } } },
        { ...firstTest, event: { source: "transcript" } },
        firstTest,
      ],
    }),
    "tool_yaml_error.yml": `${goodText}\nsql: a second sql key\n`,
  };
  writeFileSync(join(dir, "tool_good_rule.yml"), goodText);
  writeFileSync(join(dir, "tool_duplicate_id.yml"), goodText);
  for (const [name, text] of Object.entries(broken)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, "Tool-Bad-Name.yml"), goodText);
  writeFileSync(join(dir, "shell_unknown_logsource.yml"), goodText);
  writeFileSync(join(dir, "tool_old_format.sql"), "-- an old SQL rule file is not a rule file");
  writeFileSync(join(dir, "notes.txt"), "not a rule");

  const { detections: loaded, errors } = await loadDetections(dir);
  t.deepEqual(loaded.map((d) => d.path), [join(dir, "tool_duplicate_id.yml")], "the first file with the id wins (sorted order)");
  const reasons = Object.fromEntries(errors.map((e) => [e.file.replace(/^.*\//, ""), e.reason]));
  t.deepEqual(Object.keys(reasons).sort(), [...Object.keys(broken), "Tool-Bad-Name.yml", "shell_unknown_logsource.yml", "tool_good_rule.yml"].sort());
  t.regex(reasons["tool_good_rule.yml"]!, /duplicate id f8861605-1244-4893-8d09-256b8f7a4675, already used by .*tool_duplicate_id\.yml/);
  t.regex(reasons["tool_unknown_severity.yml"]!, /^severity: Invalid option/);
  t.regex(reasons["tool_missing_field.yml"]!, /^severity: Invalid option/);
  t.regex(reasons["tool_unknown_field.yml"]!, /Unrecognized key: "severty"/);
  t.regex(reasons["tool_no_query.yml"]!, /^sql: must be one SELECT/);
  t.regex(reasons["tool_bad_id.yml"]!, /^id: must be a lowercase UUID/);
  t.regex(reasons["tool_both_kql.yml"]!, /kql: give exactly one of kql \(the twin\) or kql_none/);
  t.regex(reasons["tool_no_kql.yml"]!, /kql: give exactly one of kql \(the twin\) or kql_none/);
  t.regex(reasons["tool_yaml_error.yml"]!, /^YAML: Map keys must be unique at line \d+/);
  // Every problem of one file at once, each naming the test event it is in.
  const events = reasons["tool_bad_events.yml"]!;
  const name = JSON.stringify(firstTest.name);
  for (const expected of [
    new RegExp(`tests\\[0\\] ${escape(name)}\\.expect: Invalid option`),
    /tests\[1\] "a typo in the event"\.event\.target: Unrecognized key: "cmd"/,
    new RegExp(`tests\\[2\\] ${escape(name)}\\.event\\.time: Invalid input`),
    new RegExp(`tests: duplicate test name\\(s\\): ${escape(name)}`),
  ]) {
    t.regex(events, expected);
  }
  t.regex(reasons["Tool-Bad-Name.yml"]!, /<logsource>_<name>\.yml/);
  t.regex(reasons["shell_unknown_logsource.yml"]!, /logsource one of/);
  t.true(errors.every((e) => e.file.startsWith(dir)), "errors name the file");
});

test("a missing detections directory is an error, not a crash", async (t) => {
  const { detections: loaded, errors } = await loadDetections(join(scratch, "nope"));
  t.deepEqual(loaded, []);
  t.is(errors.length, 1);
  t.regex(errors[0]!.reason, /cannot read the detections directory/);
});

test("test events get the shared defaults and their own place: blob <stem>.yml, line = position", (t) => {
  const rows = testEventRows("tool_example_rule", [
    { name: "alice's call", expect: "match", event: { time: "2026-11-25T10:00:00.000Z", action: "tool.call" } },
    { name: "bob's call, and a record naming no host", expect: "no-match", event: { time: "2026-11-25T10:01:00.000Z", user: "bob", host: null } },
  ]);
  t.deepEqual(rows, [
    { user: "alice", host: "vm-alice", time: "2026-11-25T10:00:00.000Z", action: "tool.call", blob: "tool_example_rule.yml", line: 1 },
    { user: "bob", host: null, time: "2026-11-25T10:01:00.000Z", blob: "tool_example_rule.yml", line: 2 },
  ]);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
