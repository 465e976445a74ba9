// Running detections over a case. Every rule file carries labelled test events, and each event
// gets its own test: a `match` event is among the rule's rows, a `no-match` event is not, and the
// rule returns no row that is not one of its events. Then the benign baseline: the real benign
// scenario captures raise nothing at low or above, and neither does an ordinary day of the VM's own
// sources. A failing query is reported while the others run. (The rule files' format and the
// loader are tested in packages/detections/test.)
import test from "ava";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { severityRank, testBlobName, testEventRows, type LoadedDetection } from "@oclog/detections";
import { DETECTIONS_DIR, loadDetections, loadEventsJsonl, runDetections, type Finding } from "@oclog/investigate";
import { detectSource, normalize } from "@oclog/schema";
import { RELEASES } from "../../../test/openclaw/releases.js";
import { fixturesDir, readFixture } from "../../../test/scenarios/fixtures.js";
import { fixtureText, ordinaryVmDay } from "./fixtures/detections/build-fixtures.js";

const scratch = mkdtempSync(join(tmpdir(), "oclog-detections-"));

const { detections, errors: loadErrors } = await loadDetections(DETECTIONS_DIR);

test("the detections load (what the runs below need)", (t) => {
  t.deepEqual(loadErrors, []);
  t.true(detections.length >= 15, `${detections.length} detections`);
});

/** Loads JSON-lines events into a fresh in-memory `events` table and runs `fn` on it. */
async function withEvents<T>(rows: readonly object[], name: string, fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const path = join(scratch, `${name}.jsonl`);
  writeFileSync(path, `${rows.map((row) => JSON.stringify(row)).join("\n")}\n`);
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await loadEventsJsonl(connection, path);
    return await fn(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

// --- a test per labelled event -----------------------------------------------------------------

interface RuleRun {
  /** Lines (test event index + 1) of the rows the rule returned. */
  lines: Set<number>;
  /** Rows that are not one of the rule's test events (never expected). */
  strays: string[];
  errors: string[];
  finding: Finding | undefined;
}

const runs = new Map<string, Promise<RuleRun>>();

/** The rule over its own test events, run once per rule however many tests ask. */
function runOnItsEvents(detection: LoadedDetection): Promise<RuleRun> {
  let run = runs.get(detection.stem);
  if (run === undefined) {
    run = withEvents(testEventRows(detection.stem, detection.tests), `rule-${detection.stem}`, async (connection) => {
      const { findings, errors } = await runDetections(connection, [detection], { rowLimit: 100_000 });
      const finding = findings[0];
      const blob = testBlobName(detection.stem);
      const rows = finding?.rows ?? [];
      const isTestEvent = (row: Record<string, unknown>) => row.blob === blob && typeof row.line === "number" && row.line >= 1 && row.line <= detection.tests.length;
      return {
        lines: new Set(rows.filter(isTestEvent).map((row) => row.line as number)),
        strays: rows.filter((row) => !isTestEvent(row)).map((row) => `${String(row.blob)}:${String(row.line)} ${String(row.message).slice(0, 80)}`),
        errors: errors.map((e) => `${e.file}: ${e.reason}`),
        finding,
      };
    });
    runs.set(detection.stem, run);
  }
  return run;
}

for (const detection of detections) {
  const { stem, tests } = detection;

  test(`${stem}: has at least one match and one no-match event`, (t) => {
    t.true(tests.some((e) => e.expect === "match"), `${detection.meta.file}: no \`expect: match\` event`);
    t.true(tests.some((e) => e.expect === "no-match"), `${detection.meta.file}: no \`expect: no-match\` event (a near miss)`);
  });

  test(`${stem}: runs without errors and returns only its test events, as plain JSON rows`, async (t) => {
    const run = await runOnItsEvents(detection);
    t.deepEqual(run.errors, []);
    t.deepEqual(run.strays, [], "rows that are none of the rule's test events");
    for (const row of run.finding?.rows ?? []) {
      t.regex(String(row.time), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, "time is ISO 8601");
      t.is(typeof row.message, "string");
      t.deepEqual(JSON.parse(JSON.stringify(row)), row, "rows are plain JSON");
    }
    t.is(run.finding?.count ?? 0, run.lines.size + run.strays.length, "one row per event: no test event returned twice");
  });

  tests.forEach((event, index) => {
    test(`${stem}: ${event.name} -> ${event.expect}`, async (t) => {
      const run = await runOnItsEvents(detection);
      const returned = run.lines.has(index + 1);
      t.is(returned ? "match" : "no-match", event.expect, `${detection.meta.file} tests[${index}] (line ${index + 1} of blob ${testBlobName(stem)}) ${returned ? "was returned" : "was not returned"}`);
    });
  });
}

test("findings count every row, cap the rows kept and span first to last seen", async (t) => {
  const burst = detections.find((d) => d.stem === "auth_gateway_failure_burst")!;
  const { findings } = await withEvents(testEventRows(burst.stem, burst.tests), "row-limit", (c) => runDetections(c, [burst], { rowLimit: 2 }));
  t.is(findings.length, 1);
  const finding = findings[0]!;
  t.is(finding.count, 6);
  t.is(finding.rows.length, 2);
  t.is(finding.firstSeen, "2026-11-25T10:00:00.000Z");
  t.is(finding.lastSeen, "2026-11-25T10:03:20.000Z");
  t.is(finding.rows[0]!.burst_attempts, 6, "BIGINT becomes a number");
  t.is(finding.detection.id, burst.meta.id);
});

test("a query that fails at run time is reported and the other detections still run", async (t) => {
  const dir = mkdtempSync(join(scratch, "runtime-"));
  const good = detections.find((d) => d.stem === "tool_destructive_command")!;
  const goodRule = parse(readText(good.path)) as Record<string, unknown>;
  const broken = (id: string, sql: string) => stringify({ ...goodRule, id, sql });
  writeFileSync(join(dir, "tool_missing_column.yml"), broken("2b9e6c1d-7f3a-4e58-a1c2-9d8b7e6f5a40", "SELECT time, message, blob, line, no_such_column FROM events"));
  writeFileSync(join(dir, "tool_no_time_column.yml"), broken("6a1f3e9c-2d4b-4c7a-8e5f-0b9d1c3a7e62", "SELECT message, blob, line FROM events"));
  writeFileSync(join(dir, "tool_two_statements.yml"), broken("9c3d5e7f-1a2b-4c6d-8e0f-3a5b7c9d1e24", "SELECT * FROM events; DROP TABLE events"));
  writeFileSync(join(dir, "tool_destructive_command.yml"), readText(good.path));
  const { detections: loaded, errors: loadErrs } = await loadDetections(dir);
  t.deepEqual(loadErrs, []);
  t.is(loaded.length, 4);
  const { findings, errors } = await withEvents(testEventRows(good.stem, good.tests), "runtime", async (c) => {
    const run = await runDetections(c, loaded);
    const remaining = (await c.runAndReadAll("SELECT count(*) AS n FROM events")).getRowObjectsJson()[0]!.n;
    t.true(Number(remaining) > 0, "the events table survived");
    return run;
  });
  t.deepEqual(findings.map((f) => [f.detection.title, f.count]), [[good.meta.title, good.tests.filter((e) => e.expect === "match").length]]);
  const reasons = Object.fromEntries(errors.map((e) => [e.file.replace(/^.*\//, ""), e.reason]));
  t.deepEqual(Object.keys(reasons).sort(), ["tool_missing_column.yml", "tool_no_time_column.yml", "tool_two_statements.yml"]);
  t.regex(reasons["tool_missing_column.yml"]!, /^query failed: .*no_such_column/s);
  t.regex(reasons["tool_no_time_column.yml"]!, /does not return column\(s\) time/);
  t.regex(reasons["tool_two_statements.yml"]!, /^query failed: /);
});

function readText(path: string): string {
  return readFileSync(path, "utf8");
}

// --- benign baseline ---------------------------------------------------------------------------

/** Every record of one release's real benign scenario captures, normalized as a case loads it, at its blob (prefixed by the release) and line. */
function benignCaptureEvents(version: string): { scenarios: string[]; rows: object[] } {
  const scenarios = readdirSync(fixturesDir(version))
    .filter((name) => /^benign-.*\.blobs\.jsonl\.gz$/.test(name))
    .map((name) => name.replace(/\.blobs\.jsonl\.gz$/, ""))
    .sort();
  const rows: object[] = [];
  for (const scenario of scenarios) {
    for (const blob of readFixture(scenario, version)!.blobs) {
      const where = `${version}/${blob.name}`;
      blob.lines.forEach((line, index) => {
        const value = JSON.parse(line) as unknown;
        const source = detectSource(value);
        if (source === null || source === undefined) throw new Error(`${scenario}: ${where}:${index + 1}: no source recognizes this record`);
        const result = normalize(source, value, { ref: `${where}:${index + 1}` });
        if (!result.ok) throw new Error(`${scenario}: ${where}:${index + 1}: ${result.reason}`);
        for (const event of result.events) rows.push({ ...event, blob: where, line: index + 1 });
      });
    }
  }
  return { scenarios, rows };
}

// One case per release: the captures of two releases were made days apart for the same users,
// and together they would be a gap in the records, which is not what a benign day looks like.
for (const { version } of RELEASES) {
  test(`benign baseline: the real benign scenario captures of OpenClaw ${version} raise nothing at low or above`, async (t) => {
    const { scenarios, rows } = benignCaptureEvents(version);
    t.true(scenarios.length >= 4, `benign captures: ${scenarios.join(", ")}`);
    t.true(rows.length > 500, `${rows.length} events`);
    const { findings, errors } = await withEvents(rows, `benign-captures-${version}`, (c) => runDetections(c, detections, { rowLimit: 100_000 }));
    t.deepEqual(errors, []);
    const describe = (f: Finding) => `${f.detection.file} (${f.detection.severity}): ${f.rows.map((r) => `${String(r.blob).replace(/^.*\//, "")}:${String(r.line)} ${String(r.message).slice(0, 80)}`).join(" | ")}`;
    // Informational rules say what happened, not that something is wrong; they may fire here.
    const informational = findings.filter((f) => f.detection.severity === "informational");
    t.log(informational.length === 0 ? "no informational rule fired" : `informational rules that fired:\n${informational.map(describe).join("\n")}`);
    t.deepEqual(findings.filter((f) => severityRank(f.detection.severity) >= severityRank("low")).map(describe), []);
  });
}

// The benign captures hold no records of the VM's own sources (nginx, egress, journal, oclog); this day of them does.
test("benign baseline: an ordinary day on the VM raises nothing at medium or above", async (t) => {
  const day = ordinaryVmDay();
  const sources = new Set(day.map((e) => e.source));
  t.true((["nginx", "egress", "journal", "oclog"] as const).every((source) => sources.has(source)), "the day has every VM source");
  const rows = fixtureText("ordinary-vm-day", day).trim().split("\n").map((line) => JSON.parse(line) as object);
  const { findings, errors } = await withEvents(rows, "ordinary-vm-day", (c) => runDetections(c, detections, { rowLimit: 1000 }));
  t.deepEqual(errors, []);
  const loud = findings.filter((f) => severityRank(f.detection.severity) >= severityRank("medium"));
  t.deepEqual(loud.map((f) => `${f.detection.file}: ${f.rows.map((r) => `${String(r.line)} ${String(r.message).slice(0, 80)}`).join(" | ")}`), []);
});
