/** The scenario x detection matrix `pnpm scenarios` prints, with recall and false positives. */
import type { Scenario } from "./scenario-spec.js";
import type { ScenarioScore } from "./score.js";

export interface MatrixTotals {
  expected: number;
  caught: number;
  /** caught / expected, 0..1 (1 when nothing was expected). */
  recall: number;
  /** Benign runs with any finding at medium or above. */
  falsePositiveRuns: number;
  passed: number;
  failed: number;
}

export function totals(scores: ScenarioScore[], scenarios: Scenario[]): MatrixTotals {
  const expected = scenarios.reduce((n, s) => n + s.expect.length, 0);
  const missed = scores.reduce((n, s) => n + s.missed.length, 0);
  return {
    expected,
    caught: expected - missed,
    recall: expected === 0 ? 1 : (expected - missed) / expected,
    falsePositiveRuns: scores.filter((s) => s.falsePositives.length > 0).length,
    passed: scores.filter((s) => s.pass).length,
    failed: scores.filter((s) => !s.pass).length,
  };
}

/**
 * Cells: `X` expected and fired at its severity, `!` expected and missed (or too low), `+` fired
 * without being expected (a false positive on a benign run when medium or above), `.` neither.
 */
export function renderMatrix(scenarios: Scenario[], scores: ScenarioScore[], detections: string[]): string {
  const byName = new Map(scores.map((s) => [s.scenario, s]));
  const width = Math.max(...scenarios.map((s) => s.name.length), 8);
  const lines: string[] = [];
  lines.push("detections:");
  detections.forEach((d, i) => lines.push(`  ${String(i + 1).padStart(2)} ${d}`));
  lines.push("");
  lines.push(`${"scenario".padEnd(width)} kind    ${detections.map((_, i) => String(i + 1).padStart(2)).join(" ")}  result`);
  for (const scenario of scenarios) {
    const score = byName.get(scenario.name);
    const cells = detections.map((d) => {
      if (!score) return " ?";
      const expected = scenario.expect.some((e) => e.detection === d);
      const missed = score.missed.some((m) => m.detection === d);
      if (expected) return missed ? " !" : " X";
      return score.fired[d] ? " +" : " .";
    });
    const result = !score ? "not run" : score.pass ? "pass" : `FAIL${score.missed.length ? ` missed ${score.missed.map((m) => `${m.detection} (${m.severity}, fired ${m.fired ?? "no"})`).join(", ")}` : ""}${score.falsePositives.length ? ` false positives ${score.falsePositives.map((f) => `${f.detection} (${f.severity})`).join(", ")}` : ""}${score.missingRequests.length ? ` never reached ${score.missingRequests.map((r) => `${r.method} ${r.url}`).join(", ")}` : ""}`;
    lines.push(`${scenario.name.padEnd(width)} ${scenario.kind.padEnd(7)} ${cells.join(" ")}  ${result}`);
  }
  const t = totals(scores, scenarios);
  lines.push("");
  lines.push(`recall ${(t.recall * 100).toFixed(0)}% (${t.caught}/${t.expected} expected detections at their severity); benign runs with a medium+ finding: ${t.falsePositiveRuns}; scenarios ${t.passed} passed, ${t.failed} failed`);
  return lines.join("\n");
}
