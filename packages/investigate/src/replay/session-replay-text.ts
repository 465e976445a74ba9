/**
 * The terminal views of a case's sessions: the list `oclog sessions` prints and the step-by-step
 * replay `oclog session` prints. Pure functions over what replay-data.ts read, so tests render
 * without a case. Every string that came from a log (ids, prompts, arguments, results, titles,
 * blob names) goes through terminalText: no ANSI escape, control or bidi override is printed.
 */
import { severityRank } from "../detect/finding.js";
import { terminalText } from "../reports/text-safety.js";
import type { SessionStep, SessionSummary, StepPin } from "./replay-types.js";

/** How much of each log-derived field a line shows; the case keeps the whole (clipped at load) text. */
const WIDTH = { id: 80, agent: 24, who: 40, tools: 40, prompt: 60, tool: 40, args: 300, result: 200, text: 300, title: 100, ref: 160 } as const;

/** `2026-11-25T09:00:02.123Z` as `2026-11-25 09:00:02Z`: a list needs the second, not the millisecond. */
const shortTime = (iso: string): string => (iso === "" ? "-" : `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`);

const orDash = (value: string): string => (value === "" ? "-" : value);

/** `user@host` of a session, with whichever half is known. */
function who(session: SessionSummary): string {
  const user = terminalText(session.user ?? "", WIDTH.who);
  const host = terminalText(session.host ?? "", WIDTH.who);
  return orDash(user && host ? `${user}@${host}` : user || host);
}

function worst(session: SessionSummary): string {
  return session.worst === null ? "-" : `${session.worst} (${session.findings})`;
}

/** Left-aligned columns two spaces apart, a dashed rule under the header; the last column is not padded. */
function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const render = (r: string[]) => r.map((v, i) => v.padEnd(widths[i]!)).join("  ").trimEnd();
  return [render(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(render)].join("\n");
}

/** The sessions of a case as a table, in the order given (readSessions gives worst first). */
export function renderSessionList(sessions: readonly SessionSummary[]): string {
  if (sessions.length === 0) return "No sessions in this case.";
  const rows = sessions.map((s) => [
    terminalText(s.sessionId, WIDTH.id),
    shortTime(s.started),
    worst(s),
    String(s.steps),
    orDash(terminalText(s.agentId ?? "", WIDTH.agent)),
    who(s),
    orDash(terminalText(s.tools.join(","), WIDTH.tools)),
    // A session known only from the gateway log has no prompt to show; say so instead of "-".
    s.hasTranscript ? orDash(terminalText(s.firstPrompt ?? "", WIDTH.prompt)) : "(no transcript)",
  ]);
  const count = `${sessions.length} session${sessions.length === 1 ? "" : "s"}; replay one with: oclog session <case-dir> <session-id>`;
  return `${table(["SESSION", "START", "WORST", "STEPS", "AGENT", "USER@HOST", "TOOLS", "FIRST PROMPT"], rows)}\n(${count})`;
}

/** `HH:MM:SS.mmmZ`, with the date in front when the step starts a new day of the replay. */
function stepTime(iso: string, previous: string | undefined): string {
  if (iso === "") return "-";
  const sameDay = previous !== undefined && previous.slice(0, 10) === iso.slice(0, 10);
  return sameDay ? iso.slice(11) : `${iso.slice(0, 10)} ${iso.slice(11)}`;
}

/** The first line of a step: what it was (the tool and its arguments for a call). */
function stepHead(step: SessionStep, previous: SessionStep | undefined): string {
  const head = `#${step.stepNo}  ${stepTime(step.time, previous?.time)}  ${step.kind}`;
  if (step.kind !== "tool") return head;
  const tool = terminalText(step.tool ?? "?", WIDTH.tool);
  // A call seen only in the gateway log has no arguments on record: say so, rather than show nothing.
  const args = step.arguments === null ? "(arguments not recorded)" : terminalText(step.arguments, WIDTH.args);
  return `${head}  ${tool} ${args}`;
}

/** The indented detail lines of a step: outcome, result head, text, pinned findings. */
function stepDetails(step: SessionStep, pins: readonly StepPin[]): string[] {
  const lines: string[] = [];
  const outcome = [
    step.status === null ? null : `status: ${terminalText(step.status, 40)}`,
    step.durationMs === null ? null : `${step.durationMs} ms`,
    step.decision === null ? null : `decision: ${terminalText(step.decision, 100)}`,
  ].filter((part) => part !== null);
  if (outcome.length > 0) lines.push(outcome.join(" · "));
  if (step.result !== null && step.result !== "") lines.push(`result: ${terminalText(step.result, WIDTH.result)}`);
  if (step.text !== null && step.text !== "") lines.push(`text: ${terminalText(step.text, WIDTH.text)}`);
  if (step.source === "gateway-log") lines.push("(from the gateway log: no transcript has this step)");
  for (const pin of pins) {
    const role = pin.role === "cause" ? "cause of" : "evidence of";
    lines.push(`! ${pin.severity.toUpperCase()}  ${role} ${terminalText(pin.title, WIDTH.title)}  [${terminalText(pin.blob, WIDTH.ref)}:${pin.line}]`);
  }
  return lines.map((l) => `      ${l}`);
}

/** One session step by step: a header, then each step with its outcome and the findings pinned to it. */
export function renderSessionReplay(replay: { session: SessionSummary; steps: readonly SessionStep[]; pins: readonly StepPin[] }): string {
  const { session, steps, pins } = replay;
  const out: string[] = [
    `Session ${terminalText(session.sessionId, WIDTH.id)}  agent ${orDash(terminalText(session.agentId ?? "", WIDTH.agent))}  ${who(session)}`,
    `${shortTime(session.started)} to ${shortTime(session.ended)}  ${session.steps} steps, ${session.toolCalls} tool calls  worst finding: ${worst(session)}`,
  ];
  if (!session.hasTranscript) out.push("No transcript: this session is known only from the gateway log (no prompts, no arguments).");
  out.push("");
  const pinsByStep = new Map<number, StepPin[]>();
  for (const pin of pins) pinsByStep.set(pin.stepNo, [...(pinsByStep.get(pin.stepNo) ?? []), pin]);
  steps.forEach((step, i) => {
    const stepPins = (pinsByStep.get(step.stepNo) ?? []).sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
    out.push(stepHead(step, steps[i - 1]), ...stepDetails(step, stepPins));
  });
  if (steps.length === 0) out.push("(no steps)");
  return out.join("\n");
}
