/**
 * Holds a scenario's replay to account: the sessions oclog rebuilt from the real gateway's records
 * must show the scenario's scripted tool calls in order, with their tools and arguments; every
 * expected finding about a tool step must be pinned to one of those scripted calls; and the
 * incident story must name the chain (attacks) or say that nothing at medium or above was found
 * (benign runs). Returns the problems, empty when the replay holds.
 */
import { isDeepStrictEqual } from "node:util";
import type { Finding } from "@oclog/investigate";
import { stepsOfSession, type ReplayData } from "../../packages/investigate/src/replay/replay-types.js";
import { PLACEHOLDERS } from "../openclaw/capture.js";
import type { Scenario } from "./scenario-spec.js";
import { stemOf } from "./score.js";

/** The scripted tool calls, in order, with the call id the scripted model gives each (capture-scenario.ts). */
export function scriptedCalls(scenario: Scenario): { id: string; name: string; arguments: Record<string, unknown> }[] {
  return scenario.steps.flatMap((step, i) =>
    "calls" in step ? step.calls.map((call, n) => ({ id: `call_${scenario.name.replace(/-/g, "_")}_${i}_${n}`, ...call })) : [],
  );
}

// The capture expands {home}, {state} and {workspace}; the fixture's scrub maps the real home
// (the capture ran as root) and the instance's folders to fixed placeholders (test/openclaw/capture.ts).
function asShipped(value: unknown): unknown {
  if (typeof value === "string") {
    return value
      .replace(/\{home\}/g, PLACEHOLDERS.home).replace(/\{state\}/g, PLACEHOLDERS.stateDir).replace(/\{workspace\}/g, PLACEHOLDERS.workspace)
      .replace(/(^|[\s:='"])\/root(?=\/|$)/g, `$1${PLACEHOLDERS.realHome}`);
  }
  if (Array.isArray(value)) return value.map(asShipped);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asShipped(v)]));
  return value;
}

// Rules about what a tool step did; their evidence must sit on a scripted call.
const STEP_RULE = /^(tool|network_cloud|network_egress_new|sandbox)_/;

export function replayProblems(scenario: Scenario, findings: readonly Finding[], replay: ReplayData | undefined): string[] {
  if (replay === undefined) return ["the report carries no replay"];
  const problems: string[] = [];
  const toolSteps = Object.values(replay.steps).flat().filter((s) => s.kind === "tool").sort((a, b) => a.time.localeCompare(b.time) || a.stepNo - b.stepNo);
  const scripted = scriptedCalls(scenario);
  // Each scripted call in order, matched to the next tool step with its tool and arguments.
  const matched = new Set<string>();
  let from = 0;
  for (const [i, call] of scripted.entries()) {
    const at = toolSteps.findIndex((s, j) => j >= from && s.callId === call.id && s.tool === call.name && argumentsMatch(s.arguments, asShipped(call.arguments) as Record<string, unknown>));
    if (at < 0) {
      const same = toolSteps.find((s) => s.callId === call.id);
      problems.push(`scripted call ${i + 1} (${call.id} ${call.name} ${JSON.stringify(asShipped(call.arguments))}) is not in the replay after tool step ${from}${same ? `; the replay has it as ${same.tool} ${same.arguments}` : ""}`);
      continue;
    }
    matched.add(`${toolSteps[at]!.sessionId}#${toolSteps[at]!.stepNo}`);
    from = at + 1;
  }
  for (const expected of scenario.expect) {
    const index = findings.findIndex((f) => stemOf(f) === expected.detection);
    if (index < 0 || !STEP_RULE.test(expected.detection)) continue;
    const pins = replay.pins.filter((p) => p.finding === index && p.role === "evidence");
    if (pins.length === 0) problems.push(`${expected.detection}: no evidence row pinned to a step`);
    for (const p of pins) {
      if (!matched.has(`${p.sessionId}#${p.stepNo}`)) problems.push(`${expected.detection}: pinned to step ${p.stepNo} of ${p.sessionId}, which is not one of the scripted calls`);
    }
  }
  for (const u of replay.story.uncertain) if (/disagree on its tool calls/.test(u.text)) problems.push(u.text);
  const story = [replay.story.headline, ...replay.story.sentences.map((s) => s.text)].join("\n");
  if (scenario.kind === "benign") {
    if (replay.story.headline !== "Nothing at medium or above was found.") problems.push(`benign run, but the story says: ${replay.story.headline}`);
    return problems;
  }
  for (const expected of scenario.expect.filter((e) => e.severity !== "low" && e.severity !== "informational")) {
    const finding = findings.find((f) => stemOf(f) === expected.detection);
    if (finding && !story.includes(finding.detection.title)) problems.push(`the story does not name ${expected.detection} (${finding.detection.title}):\n${story}`);
  }
  if (!/^(CRITICAL|HIGH|MEDIUM): /.test(replay.story.headline)) problems.push(`the story's headline does not lead with the worst severity: ${replay.story.headline}`);
  for (const sentence of replay.story.sentences) {
    const ref = sentence.ref;
    if (ref !== null && "stepNo" in ref && !stepsOfSession(replay.steps, ref.sessionId).some((s) => s.stepNo === ref.stepNo)) problems.push(`a story sentence points at a step the replay does not have: ${sentence.text}`);
  }
  return problems;
}

/** The step's arguments (JSON text as shipped) equal the scripted ones; a redacted value matches anything. */
function argumentsMatch(shipped: string | null, scripted: Record<string, unknown>): boolean {
  if (shipped === null) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(shipped);
  } catch {
    return false;
  }
  if (isDeepStrictEqual(parsed, scripted)) return true;
  if (typeof parsed !== "object" || parsed === null) return false;
  const p = parsed as Record<string, unknown>;
  return Object.keys(scripted).every((k) => isDeepStrictEqual(p[k], scripted[k]) || (typeof p[k] === "string" && (p[k] as string).includes("[REDACTED")));
}
