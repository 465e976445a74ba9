// Running detections over a case: every rule fires exactly its declared match_count on a
// fixture built from real records, a failing query is reported while the others run, and the
// real OpenClaw capture fires nothing but known-fps.csv. (The rule files' conventions and the
// loader are tested in packages/detections/test.)
import test from "ava";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { detectSource, normalize } from "@oclog/schema";
import { DETECTIONS_DIR, loadDetections, runDetections } from "../src/detections.js";
import { severityRank } from "@oclog/detections";
import { loadEventsJsonl } from "../src/events-table.js";
import { buildFixtures, fixtureText, FIXTURES_DIR, ordinaryVmDay } from "./fixtures/detections/build-fixtures.js";

const captureDir = fileURLToPath(new URL("../../../test/fixtures/openclaw-2026.9.6/", import.meta.url));
const samplesDir = fileURLToPath(new URL("../../../../shared/fluent-bit/samples/", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "oclog-detections-"));

const { detections, errors: loadErrors } = await loadDetections(DETECTIONS_DIR);

test("the detections load (what the runs below need)", (t) => {
  t.deepEqual(loadErrors, []);
  t.true(detections.length >= 15, `${detections.length} detections`);
});

async function withEvents<T>(jsonlPath: string, fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await loadEventsJsonl(connection, jsonlPath);
    return await fn(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

test("every detection has a fixture and every fixture a detection", (t) => {
  const stems = new Set(detections.map((d) => d.stem));
  const fixtures = readdirSync(FIXTURES_DIR).filter((n) => n.endsWith(".jsonl")).map((n) => n.replace(/\.jsonl$/, ""));
  t.deepEqual([...fixtures].sort(), [...stems].sort());
});

test("fixtures are what build-fixtures.ts makes from the real capture (not stale)", (t) => {
  for (const [stem, events] of buildFixtures()) {
    t.is(readFileSync(join(FIXTURES_DIR, `${stem}.jsonl`), "utf8"), fixtureText(stem, events), `${stem}.jsonl is stale: rerun build-fixtures.ts`);
  }
});

for (const detection of detections) {
  const stem = detection.stem;
  test(`${stem} fires exactly match_count (${String(detection.matchCount)}) on its fixture`, async (t) => {
    const { findings, errors } = await withEvents(join(FIXTURES_DIR, `${stem}.jsonl`), (c) => runDetections(c, [detection], { rowLimit: 1000 }));
    t.deepEqual(errors, []);
    const count = findings[0]?.count ?? 0;
    t.is(count, detection.matchCount ?? -1, JSON.stringify(findings[0]?.rows.map((r) => r.line)));
    for (const row of findings[0]?.rows ?? []) {
      t.regex(String(row.time), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, "time is ISO 8601");
      t.is(row.blob, `fixtures/${stem}.jsonl`);
      t.is(typeof row.line, "number");
      t.is(typeof row.message, "string");
      t.deepEqual(JSON.parse(JSON.stringify(row)), row, "rows are plain JSON");
    }
  });
}

test("findings count every row, cap the rows kept and span first to last seen", async (t) => {
  const burst = detections.find((d) => d.stem === "auth_gateway_failure_burst")!;
  const { findings } = await withEvents(join(FIXTURES_DIR, "auth_gateway_failure_burst.jsonl"), (c) => runDetections(c, [burst], { rowLimit: 2 }));
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
  const header = readFileSync(good.path, "utf8").split("\n").filter((l) => l.startsWith("--") && !l.startsWith("-- id:"));
  writeFileSync(join(dir, "tool_missing_column.sql"), ["-- id: 2b9e6c1d-7f3a-4e58-a1c2-9d8b7e6f5a40", ...header, "", "SELECT time, message, blob, line, no_such_column FROM events"].join("\n"));
  writeFileSync(join(dir, "tool_no_time_column.sql"), ["-- id: 6a1f3e9c-2d4b-4c7a-8e5f-0b9d1c3a7e62", ...header, "", "SELECT message, blob, line FROM events"].join("\n"));
  writeFileSync(join(dir, "tool_two_statements.sql"), ["-- id: 9c3d5e7f-1a2b-4c6d-8e0f-3a5b7c9d1e24", ...header, "", "SELECT * FROM events; DROP TABLE events"].join("\n"));
  copyFileSync(good.path, join(dir, "tool_destructive_command.sql"));
  const { detections: loaded, errors: loadErrs } = await loadDetections(dir);
  t.deepEqual(loadErrs, []);
  t.is(loaded.length, 4);
  const { findings, errors } = await withEvents(join(FIXTURES_DIR, "tool_destructive_command.jsonl"), async (c) => {
    const run = await runDetections(c, loaded);
    const remaining = (await c.runAndReadAll("SELECT count(*) AS n FROM events")).getRowObjectsJson()[0]!.n;
    t.true(Number(remaining) > 0, "the events table survived");
    return run;
  });
  t.deepEqual(findings.map((f) => [f.detection.title, f.count]), [[good.meta.title, 5]]);
  const reasons = Object.fromEntries(errors.map((e) => [e.file.replace(/^.*\//, ""), e.reason]));
  t.deepEqual(Object.keys(reasons).sort(), ["tool_missing_column.sql", "tool_no_time_column.sql", "tool_two_statements.sql"]);
  t.regex(reasons["tool_missing_column.sql"]!, /^query failed: .*no_such_column/s);
  t.regex(reasons["tool_no_time_column.sql"]!, /does not return column\(s\) time/);
  t.regex(reasons["tool_two_statements.sql"]!, /^query failed: /);
});

// --- clean baseline -----------------------------------------------------------------------

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The real capture plus the blobs real Fluent Bit shipped, normalized as an investigation sees them. */
function baselineEvents(): string {
  const files = [
    ...["gateway.log", "transcripts.jsonl", "trajectory.jsonl", "trajectory-runtime.jsonl", "audit-ledger.jsonl", "config-audit.jsonl"].map((f) => ({
      blob: `capture/${f}`,
      path: join(captureDir, f),
    })),
    ...filesUnder(samplesDir).filter((p) => p.endsWith(".gz")).map((p) => ({ blob: p.slice(samplesDir.length), path: p })),
  ];
  const out: string[] = [];
  for (const file of files) {
    const bytes = readFileSync(file.path);
    const text = (file.path.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
    text.split("\n").forEach((line, index) => {
      if (line === "") return;
      const value = JSON.parse(line) as unknown;
      const result = normalize(detectSource(value)!, value, { ref: `${file.blob}:${index + 1}` });
      if (!result.ok) throw new Error(`${file.blob}:${index + 1}: ${result.reason}`);
      for (const event of result.events) out.push(JSON.stringify({ ...event, blob: file.blob, line: index + 1 }));
    });
  }
  const path = join(scratch, "baseline.jsonl");
  writeFileSync(path, `${out.join("\n")}\n`);
  return path;
}

interface KnownFp {
  ruleId: string;
  ruleName: string;
  matchString: string;
}

function knownFps(): KnownFp[] {
  const [header, ...rows] = readFileSync(join(DETECTIONS_DIR, "known-fps.csv"), "utf8").split("\n").filter((l) => l.trim() !== "");
  if (header !== "RuleId;RuleName;MatchString") throw new Error(`known-fps.csv header is ${JSON.stringify(header)}`);
  return rows.map((row) => {
    const [ruleId, ruleName, ...match] = row.split(";");
    return { ruleId: ruleId!, ruleName: ruleName!, matchString: match.join(";") };
  });
}

test("clean baseline: real captured records fire only what known-fps.csv lists", async (t) => {
  const known = knownFps();
  const byId = new Map(detections.map((d) => [d.meta.id, d]));
  for (const entry of known) {
    const detection = byId.get(entry.ruleId);
    t.truthy(detection, `known-fps.csv names an unknown rule ${entry.ruleId}`);
    t.is(entry.ruleName, detection?.meta.title ?? "", `known-fps.csv RuleName of ${entry.ruleId} is the rule's title`);
    t.true(entry.matchString.length >= 8, `MatchString ${JSON.stringify(entry.matchString)} is specific`);
  }
  const { findings, errors } = await withEvents(baselineEvents(), (c) => runDetections(c, detections, { rowLimit: 100_000 }));
  t.deepEqual(errors, []);
  const used = new Set<KnownFp>();
  const unexpected: string[] = [];
  for (const finding of findings) {
    t.is(finding.rows.length, finding.count);
    for (const row of finding.rows) {
      const text = JSON.stringify(row);
      const entry = known.find((k) => k.ruleId === finding.detection.id && text.includes(k.matchString));
      if (entry) used.add(entry);
      else unexpected.push(`${finding.detection.file}: ${String(row.blob)}:${String(row.line)} ${String(row.message).slice(0, 120)}`);
    }
  }
  t.deepEqual(unexpected, [], "hits on clean records that known-fps.csv does not list");
  t.deepEqual(known.filter((k) => !used.has(k)).map((k) => `${k.ruleName};${k.matchString}`), [], "known-fps.csv entries that no longer match (stale)");
});

// The capture above has no VM sources (nginx, egress, journal, oclog); this day of them does.
test("clean baseline: an ordinary day on the VM raises nothing at medium or above", async (t) => {
  const day = ordinaryVmDay();
  const path = join(scratch, "ordinary-vm-day.jsonl");
  writeFileSync(path, fixtureText("ordinary-vm-day", day));
  const sources = new Set(day.map((e) => e.source));
  t.true((["nginx", "egress", "journal", "oclog"] as const).every((source) => sources.has(source)), "the day has every VM source");
  const { findings, errors } = await withEvents(path, (c) => runDetections(c, detections, { rowLimit: 1000 }));
  t.deepEqual(errors, []);
  const loud = findings.filter((f) => severityRank(f.detection.severity) >= severityRank("medium"));
  t.deepEqual(loud.map((f) => `${f.detection.file}: ${f.rows.map((r) => `${String(r.line)} ${String(r.message).slice(0, 80)}`).join(" | ")}`), []);
});
