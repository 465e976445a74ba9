// The full scenario suite through the real OpenClaw gateway (`pnpm scenarios` in a test): every
// scenario's agent runs for real, its file log and what `oclog collect` reads from its stores are
// shipped by real Fluent Bit running the checked-in pipeline (ship.ts), the blobs it wrote go into
// the scenario's own Azurite container, and `oclog investigate` must catch every attack at its
// expected severity and flag no benign run at medium or above. The fake internet must have
// received what the attacks sent (the exfiltrated key really left), and no secret of a run may
// appear in what it shipped.
import test from "ava";
import { renderMatrix, totals } from "./matrix.js";
import { runScenarios } from "./run-scenarios.js";

test("every scenario through the real gateway: recall 100%, no benign medium+ finding, attacks really happened", async (t) => {
  t.timeout(40 * 60_000);
  const result = await runScenarios({ concurrency: 2, onScenario: (line) => t.log(line) });
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
