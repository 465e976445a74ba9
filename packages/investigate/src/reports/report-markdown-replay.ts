/**
 * The replay parts of `report.md`: the incident story (headline, sentences each with the step or
 * evidence line it rests on, and what the records cannot settle) and the Sessions section (the
 * sessions with findings, each with the steps that carry them). Only rendered when the report data
 * has a replay; every log-derived string goes through `markdownInline`, as in the rest of the report.
 */
import { severityRank } from "../detect/finding.js";
import { stepsOfSession, type ReplayData, type SessionStep, type StepPin, type StoryRef, type StorySentence } from "../replay/replay-types.js";
import { markdownInline as md } from "./text-safety.js";

/** Where a sentence points, as an investigator types it: `session <id> step <n>` or `blob:line`. */
export function storyRefText(ref: StoryRef): string {
  return "sessionId" in ref ? `session ${ref.sessionId} step ${ref.stepNo}` : `${ref.blob}:${ref.line}`;
}

function sentence(s: StorySentence): string {
  return s.ref === null ? `- ${md(s.text, 1000)}` : `- ${md(s.text, 1000)} (${md(storyRefText(s.ref), 400)})`;
}

/** The incident story, for the top of the report (after the title block). */
export function storyMarkdown(replay: ReplayData): string[] {
  const { story } = replay;
  const lines = ["## What happened", "", `**${md(story.headline, 500)}**`, ""];
  lines.push(...story.sentences.map(sentence));
  if (story.uncertain.length > 0) lines.push("", "What the records cannot settle:", "", ...story.uncertain.map(sentence));
  lines.push("");
  return lines;
}

/** One step in a line: its kind, and the tool with its arguments or the step's text. */
function stepSummary(step: SessionStep | undefined): string {
  if (step === undefined) return "(step not in this report)";
  if (step.kind === "tool") return `${md(step.tool ?? "?", 60)} ${md(step.arguments ?? "(arguments not recorded)", 200)}${step.status === null ? "" : `, ${md(step.status, 40)}`}`;
  return `${md(step.kind, 40)}${step.text === null ? "" : `: ${md(step.text, 200)}`}`;
}

function pinText(pin: StepPin): string {
  const role = pin.role === "cause" ? "cause of" : "evidence of";
  return `${md(pin.severity, 20)}: ${role} ${md(pin.title, 200)} (${md(`${pin.blob}:${pin.line}`, 400)})`;
}

/** The Sessions section: each session with findings and its steps that carry them; the rest counted. */
export function sessionsMarkdown(replay: ReplayData): string[] {
  const flagged = replay.sessions.filter((s) => s.findings > 0);
  const rest = replay.sessions.length - flagged.length;
  const lines = ["## Sessions", ""];
  if (replay.sessions.length === 0) return [...lines, "No agent sessions in this case.", ""];
  lines.push(
    `${flagged.length} session${flagged.length === 1 ? "" : "s"} with findings, ${rest} more without. Replay any of them with \`oclog session <case-dir> <session-id>\` (\`oclog sessions <case-dir>\` lists them).`,
    "",
  );
  for (const session of flagged) {
    const who = [session.user, session.host].filter((v) => v !== null).join("@");
    lines.push(
      `### Session ${md(session.sessionId, 200)}`,
      "",
      `- **Worst:** ${md(session.worst ?? "none", 20)} (${session.findings} finding${session.findings === 1 ? "" : "s"}) · **Started:** ${md(session.started)} · **Steps:** ${session.steps} · **User:** ${md(who === "" ? "unknown" : who, 200)}`,
      `- **Tools:** ${session.tools.length === 0 ? "none" : md(session.tools.join(", "), 300)}`,
      "",
    );
    const steps = new Map(stepsOfSession(replay.steps, session.sessionId).map((s) => [s.stepNo, s]));
    const pinsByStep = new Map<number, StepPin[]>();
    for (const pin of replay.pins.filter((p) => p.sessionId === session.sessionId)) pinsByStep.set(pin.stepNo, [...(pinsByStep.get(pin.stepNo) ?? []), pin]);
    for (const stepNo of [...pinsByStep.keys()].sort((a, b) => a - b)) {
      const pins = pinsByStep.get(stepNo)!.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
      lines.push(`- **Step ${stepNo}:** ${stepSummary(steps.get(stepNo))}`, ...pins.map((p) => `  - ${pinText(p)}`));
    }
    lines.push("");
  }
  return lines;
}
