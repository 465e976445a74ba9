// The scenario suite, fast: the blobs real Fluent Bit wrote when each scenario was captured
// through the real gateway (fixtures/, scrubbed; ship.ts) uploaded into the scenario's own
// Azurite container and investigated for real; attacks must fire every expected detection at its
// severity, benign runs nothing at medium or above. Also: the scenario files themselves, the
// fixtures' hygiene and origin, and that every detection is exercised by a scenario (or says why
// not). The same suite through the real gateway and real Fluent Bit is gateway-scenarios.test.ts.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { DETECTIONS_DIR, loadDetections } from "@oclog/investigate";
import { OPENCLAW_VERSION } from "../openclaw/install.js";
import { RELEASES } from "../openclaw/releases.js";
import { fixturePath, readFixture, staleFixtureProblem } from "./fixtures.js";
import { renderMatrix, totals } from "./matrix.js";
import { runScenarios } from "./run-scenarios.js";
import { loadScenarios, onRelease, SCENARIOS_DIR } from "./scenario-spec.js";
import { scenarioHost, scenarioUser } from "./score.js";
import { retime, shiftInstants } from "./ship.js";

const scenarios = loadScenarios();
const rules = new Map((await loadDetections(DETECTIONS_DIR)).detections.map((d) => [d.stem, d]));
const stems = [...rules.keys()];
const versions = RELEASES.map((r) => r.version);
/** Every scenario's fixture on every release of the matrix. */
const everyFixture = versions.flatMap((release) => scenarios.map((s) => ({ s, release, blobs: readFixture(s.name, release)?.blobs ?? [] })));

test("at least 8 attack and 4 benign scenarios, each with techniques (attacks) and a fixture of every release of the matrix", (t) => {
  t.true(scenarios.filter((s) => s.kind === "attack").length >= 8);
  t.true(scenarios.filter((s) => s.kind === "benign").length >= 4);
  for (const s of scenarios) {
    for (const release of versions) t.true(existsSync(fixturePath(s.name, release)), `${s.name}: no fixture of OpenClaw ${release}; run \`pnpm scenarios --only ${s.name} --release ${release} --update-fixtures\``);
    for (const e of [...s.expect, ...Object.values(s.releases).flatMap((r) => r.expect)]) t.true(stems.includes(e.detection), `${s.name} expects unknown detection ${e.detection}`);
  }
});

test("every fixture was captured from its scenario's steps, files, pages and config as they are now", (t) => {
  for (const { s, release } of everyFixture) {
    const fixture = readFixture(s.name, release);
    if (fixture) t.is(staleFixtureProblem(s, fixture, release), null);
  }
  // Liveness: an edited step makes the fixture stale.
  const edited = { ...scenarios[0]!, steps: [...scenarios[0]!.steps, { wrongToken: 1 }] };
  t.regex(staleFixtureProblem(edited, readFixture(edited.name)!) ?? "", /changed since its fixture was captured.*--update-fixtures/);
});

for (const release of versions) {
  test.serial(`OpenClaw ${release}, from its fixtures: recall 100% at the expected severities, no medium+ finding on a benign run, nothing quarantined`, async (t) => {
    t.timeout(600_000);
    const result = await runScenarios({ fromFixtures: true, release });
    const matrix = renderMatrix(result.scenarios, result.scores, result.detections);
    t.log(matrix);
    const sum = totals(result.scores, result.scenarios);
    t.is(sum.recall, 1, matrix);
    t.is(sum.falsePositiveRuns, 0, matrix);
    t.deepEqual(result.scores.filter((s) => !s.pass).map((s) => s.scenario), [], matrix);
    t.true(result.scores.every((s) => s.records > 0), "every scenario shipped records the case loaded");
    t.deepEqual(result.scores.filter((s) => s.quarantined > 0).map((s) => `${s.scenario}: ${s.quarantined}`), [], "quarantined");
    // The same run's replays: scripted calls in order, findings on their steps, the story.
    t.deepEqual(result.scores.filter((s) => s.replayProblems.length > 0).map((s) => `${s.scenario}:\n  ${s.replayProblems.join("\n  ")}`), []);
  });
}

test("a scenario's expectations on an older release are its `releases` entry; a release not in the matrix is refused", (t) => {
  const attack = scenarios.find((s) => s.kind === "attack")!;
  const older = versions.find((v) => v !== OPENCLAW_VERSION)!;
  const differs = { ...attack, releases: { [older]: { expect: [{ detection: "x", severity: "low" as const }], why: "this release has no such guard, so it cannot log it" } } };
  t.deepEqual(onRelease(differs, older).expect, [{ detection: "x", severity: "low" }]);
  t.is(onRelease(differs, OPENCLAW_VERSION).expect, attack.expect);
  const dir = mkdtempSync(join(tmpdir(), "oclog-scenario-release-"));
  const { name: _name, file: _file, ...spec } = attack;
  writeFileSync(join(dir, "a.scenario.json"), JSON.stringify({ ...spec, releases: { "2025.1.1": { expect: attack.expect, why: "a release nobody runs any more, for this test" }, [OPENCLAW_VERSION]: { expect: attack.expect, why: "the newest release is the scenario's own expect" } } }));
  const error = t.throws(() => loadScenarios(dir));
  t.regex(error!.message, /2025\.1\.1 is not a release of the matrix/);
  t.regex(error!.message, new RegExp(`${OPENCLAW_VERSION.replaceAll(".", "\\.")} is the release the VM runs`));
});

test("every detection is exercised by a scenario, or uncovered.json says why and its labelled match events make it fire", (t) => {
  const uncovered = JSON.parse(readFileSync(join(SCENARIOS_DIR, "uncovered.json"), "utf8")) as Record<string, string>;
  const expected = new Set(scenarios.flatMap((s) => s.expect.map((e) => e.detection)));
  for (const stem of stems) {
    if (expected.has(stem)) {
      t.false(stem in uncovered, `${stem} is exercised by a scenario: remove it from uncovered.json`);
      continue;
    }
    t.true(typeof uncovered[stem] === "string" && uncovered[stem]!.length >= 40, `${stem}: no scenario expects it; add one, or a reason in test/scenarios/uncovered.json`);
    // Whether they really fire is each event's own test (packages/investigate/test/detections.test.ts).
    t.true(rules.get(stem)!.tests.some((e) => e.expect === "match"), `${stem}: uncovered by scenarios and has no \`expect: match\` test event either`);
  }
  for (const stem of Object.keys(uncovered)) t.true(stems.includes(stem), `uncovered.json names ${stem}, which is not a detection`);
});

test("fixtures are scrubbed: no temp paths, hostname, ports, keys or real account data", (t) => {
  const host = hostname();
  for (const { s, release, blobs } of everyFixture) {
    const text = blobs.flatMap((b) => b.lines).join("\n");
    const where = `${s.name} (${release})`;
    t.false(text.includes("/tmp/oclog-scenario-"), `${where}: a temp path`);
    t.false(host.length > 3 && text.includes(host), `${where}: this machine's hostname`);
    t.false(/sk-oclog-[0-9a-f]{20}/.test(text), `${where}: the model API key`);
    t.false(/root:[^:\s"]*:\d+:\d+:/.test(text), `${where}: a line of a real /etc/passwd or /etc/shadow`);
    t.true(blobs.length > 0 && blobs.every((b) => b.name.startsWith(`oclog/${scenarioUser(s)}/`)), `${where}: blobs in the scenario's own prefix`);
  }
});

test("every fixture blob was written by real Fluent Bit: its blob layout, its @timestamp, the tail input's fields", (t) => {
  for (const { s, release, blobs } of everyFixture) {
    for (const blob of blobs) {
      // <path>/<tag>.<64 random characters>.<epoch ms>.gz, the path's date the upload's (UTC) like the epoch.
      const name = new RegExp(`^oclog/${scenarioUser(s)}/(openclaw\\.[a-z-]+)/(\\d{4}/\\d\\d/\\d\\d/\\d\\d)/\\1\\.[A-Za-z0-9]{64}\\.(\\d{13})\\.gz$`).exec(blob.name);
      t.truthy(name, `${s.name} (${release}): ${blob.name} is not named the way Fluent Bit 5.x names a blob`);
      if (!name) continue;
      t.is(new Date(Number(name[3])).toISOString().slice(0, 13).replaceAll("-", "/").replace("T", "/"), name[2]!, `${s.name} (${release}): ${blob.name}: the path's date is the upload's`);
      for (const line of blob.lines) {
        const record = JSON.parse(line) as Record<string, unknown>;
        // Fluent Bit writes its date_key with microseconds; the hand-written stand-in it replaced wrote milliseconds.
        t.regex(String(record["@timestamp"]), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, `${s.name} (${release}): ${blob.name}`);
        t.is(record.oclog_host, scenarioHost(s), `${s.name} (${release}): the envelope's host is the scenario VM's`);
        // The tail input adds the file's path (path_key) and the parser keeps the raw line.
        if (name[1] === "openclaw.gateway") t.true(typeof record.oclog_path === "string" && typeof record.log === "string", `${s.name} (${release}): ${blob.name}: a tailed line without oclog_path or log`);
      }
    }
  }
});

test("a scenario file with problems is refused with every problem listed", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "oclog-scenario-spec-"));
  writeFileSync(join(dir, "Bad_Name.scenario.json"), JSON.stringify({ kind: "attack", summary: "too short", techniques: ["bogus"], steps: [], expect: [] }));
  writeFileSync(join(dir, "benign-x.scenario.json"), JSON.stringify({ kind: "benign", summary: "a benign run that expects a detection", techniques: [], steps: [{ wrongToken: 1 }], expect: [{ detection: "x", severity: "low" }] }));
  const error = t.throws(() => loadScenarios(dir));
  for (const problem of [/Bad_Name.*lowercase/, /Bad_Name.*summary/, /Bad_Name.*techniques/, /Bad_Name.*steps/, /Bad_Name.*at least one detection/, /benign-x.*expects no detection/]) t.regex(error!.message, problem);
});

test("a silence re-times only what came after it, in every form a record carries time", (t) => {
  const from = Date.parse("2026-12-01T10:00:00.000Z");
  const record = {
    before: "2026-12-01T09:59:59.999Z",
    after: "2026-12-01T10:00:01.123456Z",
    tenths: "2026-12-01T10:00:02.5Z",
    // The gateway's `time` (the record time Fluent Bit's parser reads) is local time with an offset.
    offset: "2026-12-01T11:00:01.123+01:00",
    offsetBefore: "2026-12-01T10:59:59.999+01:00",
    west: "2026-12-01T05:30:00-04:30",
    ms: from + 5,
    early: from - 5,
    nested: JSON.stringify({ timestamp: "2026-12-01T10:30:00.000Z" }),
    text: "at 2026-12-01T10:00:00Z it ran",
    count: 42,
  };
  t.deepEqual(shiftInstants(record, from, 120 * 60_000), {
    before: "2026-12-01T09:59:59.999Z",
    after: "2026-12-01T12:00:01.123456Z",
    tenths: "2026-12-01T12:00:02.5Z",
    offset: "2026-12-01T13:00:01.123+01:00",
    offsetBefore: "2026-12-01T10:59:59.999+01:00",
    west: "2026-12-01T07:30:00-04:30",
    ms: from + 5 + 120 * 60_000,
    early: from - 5,
    nested: JSON.stringify({ timestamp: "2026-12-01T12:30:00.000Z" }),
    text: "at 2026-12-01T12:00:00Z it ran",
    count: 42,
  });
});

test("two silences: a record after both arrives moved by both, its time too; one before them is untouched", (t) => {
  const first = Date.parse("2026-12-01T10:00:00.000Z");
  const second = Date.parse("2026-12-01T10:05:00.000Z");
  const silences = [{ fromMs: second, minutes: 90 }, { fromMs: first, minutes: 120 }];
  const late = Date.parse("2026-12-01T10:06:00.000Z");
  t.deepEqual(retime({ time: "2026-12-01T10:06:00.000+00:00" }, late, silences), { value: { time: "2026-12-01T13:36:00.000+00:00" }, timeMs: late + 210 * 60_000 });
  t.deepEqual(retime({ time: "2026-12-01T10:01:00.000Z" }, first + 60_000, silences), { value: { time: "2026-12-01T12:01:00.000Z" }, timeMs: first + 60_000 + 120 * 60_000 });
  t.deepEqual(retime({ time: "2026-12-01T09:00:00.000Z" }, first - 3_600_000, silences), { value: { time: "2026-12-01T09:00:00.000Z" }, timeMs: first - 3_600_000 });
});
