/**
 * `pnpm scenarios`: every scenario through the real gateway and real Fluent Bit (or, with
 * --from-fixtures, from the blobs Fluent Bit wrote when it was captured), uploaded into its own
 * Azurite container, investigated, scored; prints the scenario x detection matrix and exits 1
 * when any scenario fails.
 *
 *   pnpm scenarios [--only a,b] [--release X] [--from-fixtures] [--update-fixtures] [--concurrency N] [--json]
 *
 * `--release` picks the OpenClaw release of the matrix (test/openclaw/releases.ts) the gateway
 * runs, and the fixtures' folder; a scenario is scored by what it expects on that release.
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { DETECTIONS_DIR, loadDetections } from "@oclog/investigate";
import { startAzurite } from "@oclog/test-kit/azurite";
import { OPENCLAW_VERSION } from "../openclaw/install.js";
import { RELEASES, releaseOf } from "../openclaw/releases.js";
import { captureScenario, startTurns, type StartTurns } from "./capture-scenario.js";
import { readFixture, staleFixtureProblem, writeFixture } from "./fixtures.js";
import { renderMatrix, totals } from "./matrix.js";
import { loadScenarios, onRelease, type Scenario } from "./scenario-spec.js";
import { investigateScenario, scoreScenario, type ScenarioScore } from "./score.js";
import type { ShippedBlob } from "./ship.js";

export interface RunOptions {
  only?: string[];
  /** The OpenClaw release (default: the VM's). */
  release?: string;
  fromFixtures?: boolean;
  updateFixtures?: boolean;
  /** Scenarios run at once (default 1). */
  concurrency?: number;
  onScenario?: (line: string) => void;
}

export interface RunResult {
  scenarios: Scenario[];
  scores: ScenarioScore[];
  detections: string[];
  /** Per scenario: the secrets of its run (live runs only), to prove they were shipped nowhere. */
  shipped: Map<string, ShippedRun>;
}

interface ShippedRun {
  blobs: ShippedBlob[];
  secrets: string[];
  /** Live runs only: what the fake internet received. */
  internetRequests?: { method: string; url: string; body: string }[];
}

/** Blobs of one scenario: captured live (and shipped), or read from its fixture. */
async function blobsFor(scenario: Scenario, options: RunOptions, turns: StartTurns): Promise<ShippedRun> {
  const release = options.release ?? OPENCLAW_VERSION;
  if (options.fromFixtures) {
    const fixture = readFixture(scenario.name, release);
    if (!fixture) throw new Error(`${scenario.name}: no fixture for OpenClaw ${release}; run \`pnpm scenarios --only ${scenario.name} --release ${release} --update-fixtures\``);
    const stale = staleFixtureProblem(scenario, fixture, release);
    if (stale !== null) throw new Error(stale);
    return { blobs: fixture.blobs, secrets: [] };
  }
  const capture = await captureScenario(scenario, { turns, release });
  for (const [line, n] of capture.fluentBitProblems) options.onScenario?.(`${scenario.name}: fluent-bit x${n}: ${line}`);
  options.onScenario?.(`${scenario.name}: gateway ready in ${(capture.timings.gatewayStart / 1000).toFixed(1)} s; shipped ${((capture.timings.shipping) / 1000).toFixed(1)} s after it stopped`);
  if (options.updateFixtures) writeFixture(scenario, capture.blobs, release);
  return { blobs: capture.blobs, secrets: capture.secrets, internetRequests: capture.internetRequests };
}

export async function runScenarios(options: RunOptions = {}): Promise<RunResult> {
  const all = loadScenarios();
  const unknown = (options.only ?? []).filter((n) => !all.some((s) => s.name === n));
  if (unknown.length > 0) throw new Error(`unknown scenario(s): ${unknown.join(", ")}; they are the *.scenario.json files in test/scenarios/`);
  const release = releaseOf(options.release ?? OPENCLAW_VERSION).version;
  const scenarios = (options.only?.length ? all.filter((s) => options.only!.includes(s.name)) : all).map((s) => onRelease(s, release));
  const { detections } = await loadDetections(DETECTIONS_DIR);
  const stems = detections.map((d) => d.stem).sort();
  const azurite = await startAzurite();
  const scores: ScenarioScore[] = [];
  const shipped = new Map<string, ShippedRun>();
  // Scenarios side by side take turns to start their gateway and their shipping rig.
  const turns = startTurns();
  const one = async (scenario: Scenario) => {
    const started = Date.now();
    const run = await blobsFor(scenario, options, turns);
    shipped.set(scenario.name, run);
    const score = scoreScenario(scenario, await investigateScenario(scenario, run.blobs, azurite.connectionString), run.internetRequests);
    scores.push(score);
    options.onScenario?.(`${scenario.name}: ${score.pass ? "pass" : "FAIL"} (${run.blobs.length} blobs, ${score.records} records, fired ${Object.keys(score.fired).join(", ") || "nothing"}; ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  };
  try {
    // Live runs are CPU-bound (one gateway each); a small pool uses both cores of a CI runner.
    const queue = [...scenarios];
    const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 1, queue.length)) }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await one(next);
    });
    await Promise.all(workers);
    scores.sort((a, b) => scenarios.findIndex((s) => s.name === a.scenario) - scenarios.findIndex((s) => s.name === b.scenario));
  } finally {
    await azurite.stop();
  }
  return { scenarios, scores, detections: stems, shipped };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { concurrency: { type: "string" }, only: { type: "string" }, release: { type: "string" }, "from-fixtures": { type: "boolean" }, "update-fixtures": { type: "boolean" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } } });
  if (values.help) {
    console.log(`usage: pnpm scenarios [--only a,b] [--release X] [--from-fixtures] [--update-fixtures] [--concurrency N] [--json]\n\nRuns every test/scenarios/*.scenario.json through the real OpenClaw gateway and real Fluent Bit, investigates the blobs it wrote, prints the matrix.\n  --release X        the OpenClaw release to run (one of ${RELEASES.map((r) => r.version).join(", ")}; default ${OPENCLAW_VERSION})\n  --from-fixtures    use the blobs captured in test/scenarios/fixtures/<release>/ (no gateway, no Fluent Bit)\n  --update-fixtures  write the blobs Fluent Bit wrote in the live run to test/scenarios/fixtures/<release>/\n\nExamples:\n  pnpm scenarios\n  pnpm scenarios --release 2026.7.35 --concurrency 2 --update-fixtures\n  pnpm scenarios --only destructive-commands --update-fixtures\n  pnpm scenarios --from-fixtures --json`);
    process.exit(0);
  }
  const concurrency = Number(values.concurrency ?? 1);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 8) {
    console.error(`scenarios: --concurrency takes a whole number from 1 to 8, not ${JSON.stringify(values.concurrency)}`);
    process.exit(2);
  }
  if (values["from-fixtures"] && values["update-fixtures"]) {
    console.error("scenarios: --from-fixtures and --update-fixtures exclude each other");
    process.exit(2);
  }
  if (values.release !== undefined && !RELEASES.some((r) => r.version === values.release)) {
    console.error(`scenarios: --release takes a release of the matrix (${RELEASES.map((r) => r.version).join(", ")}), not ${JSON.stringify(values.release)}`);
    process.exit(2);
  }
  const result = await runScenarios({
    ...(values.release ? { release: values.release } : {}),
    ...(values.only ? { only: values.only.split(",").map((s) => s.trim()).filter(Boolean) } : {}),
    fromFixtures: values["from-fixtures"] ?? false,
    updateFixtures: values["update-fixtures"] ?? false,
    concurrency,
    onScenario: (line) => console.error(line),
  });
  if (values.json) console.log(JSON.stringify({ totals: totals(result.scores, result.scenarios), scores: result.scores }, null, 2));
  else console.log(renderMatrix(result.scenarios, result.scores, result.detections));
  process.exit(result.scores.every((s) => s.pass) ? 0 : 1);
}
