// The full scenario suite through the real OpenClaw gateway (`pnpm scenarios` in a test): every
// scenario's agent runs for real, its file log and what `oclog collect` reads from its stores are
// shipped by real Fluent Bit running the checked-in pipeline (ship.ts), the blobs it wrote go into
// the scenario's own Azurite container, and `oclog investigate` must catch every attack at its
// expected severity and flag no benign run at medium or above. The fake internet must have
// received what the attacks sent (the exfiltrated key really left), and no secret of a run may
// appear in what it shipped.
//
// Live here: every attack, and one benign day (benign-research: it fetches pages through the fake
// internet, so the benign path through web_fetch runs live too). The other benign days are
// scored from their real captures on every release of the matrix (scenarios.test.ts), with
// the same detections and the same "nothing at medium or above"; live, each cost a gateway
// and a shipping rig (90-130 s on the 2-core CI machine, where this file set the suite's pace).
// `pnpm scenarios` runs every scenario live.
import test from "ava";
import { renderMatrix, totals } from "./matrix.js";
import { runScenarios } from "./run-scenarios.js";
import { loadScenarios } from "./scenario-spec.js";

/** The benign days that run live in the suite (every attack does). */
const LIVE_BENIGN = ["benign-research"];

test("every attack and a benign day through the real gateway: recall 100%, no benign medium+ finding, attacks really happened", async (t) => {
  t.timeout(40 * 60_000);
  const scenarios = loadScenarios();
  const live = scenarios.filter((s) => s.kind === "attack" || LIVE_BENIGN.includes(s.name)).map((s) => s.name);
  t.true(LIVE_BENIGN.every((name) => scenarios.some((s) => s.name === name && s.kind === "benign")), "LIVE_BENIGN names benign scenarios");
  t.log(`live: ${live.length} of ${scenarios.length} scenarios; from their fixtures only (scenarios.test.ts): ${scenarios.filter((s) => !live.includes(s.name)).map((s) => s.name).join(", ")}`);
  const result = await runScenarios({ only: live, concurrency: 2, onScenario: (line) => t.log(line) });
  const matrix = renderMatrix(result.scenarios, result.scores, result.detections);
  t.log(matrix);
  const sum = totals(result.scores, result.scenarios);
  t.is(sum.recall, 1, matrix);
  t.is(sum.falsePositiveRuns, 0, matrix);
  t.deepEqual(result.scores.filter((s) => !s.pass).map((s) => ({ scenario: s.scenario, missed: s.missed, falsePositives: s.falsePositives, missingRequests: s.missingRequests })), [], matrix);
  // Replays of the live runs: the transcript and the gateway's trace agree, scripted calls in order.
  t.deepEqual(result.scores.filter((s) => s.replayProblems.length > 0).map((s) => `${s.scenario}:\n  ${s.replayProblems.join("\n  ")}`), []);
  for (const [name, run] of result.shipped) {
    const text = run.blobs.flatMap((b) => b.lines).join("\n");
    t.true(run.secrets.length === 2 && run.secrets.every((secret) => !text.includes(secret)), `${name}: a secret of the run was shipped`);
  }
});
