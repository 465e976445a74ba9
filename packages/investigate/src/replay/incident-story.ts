/**
 * The incident story at the top of the reports: a short narrative built from the findings and the
 * steps they are pinned to, by templates. No language model: the same case always tells the same
 * story, and every sentence points at the step or evidence row it stands on.
 *
 * It tells, in order: which session and when it started, what the user asked, the chain of steps
 * that carry findings (the step that brought in outside content first), what left the machine as
 * far as the egress record shows, the other findings, and what the records cannot settle.
 */
import { severityRank, type Finding } from "../detect/finding.js";
import { stepsOfSession } from "./replay-types.js";
import type { CrossSourceStrip, IncidentStory, SessionStep, SessionSummary, StepConnection, StepPin, StorySentence } from "./replay-types.js";

export interface StoryInput {
  findings: readonly Finding[];
  sessions: readonly SessionSummary[];
  pins: readonly StepPin[];
  steps: Readonly<Record<string, readonly SessionStep[]>>;
  strips: readonly CrossSourceStrip[];
}

const MEDIUM = severityRank("medium");
/** Other findings named one by one before "and N more". */
const OTHERS = 5;

const clock = (iso: string) => iso.replace("T", " ").replace(/\.\d+Z$/, "Z").replace(/Z$/, " UTC");
const shortId = (id: string) => (id.length > 12 ? `${id.slice(0, 8)}…` : id);
const quote = (text: string | null, max = 140) => {
  const one = (text ?? "").replace(/\s+/g, " ").trim();
  return `“${one.length > max ? `${one.slice(0, max - 1)}…` : one}”`;
};

/** What a tool step did, in a few words: the tool and its command, URL or path. */
export function stepSummary(step: SessionStep): string {
  if (step.kind !== "tool") return step.kind === "prompt" ? `prompt ${quote(step.text, 80)}` : step.kind;
  let detail = "";
  try {
    const args = JSON.parse(step.arguments ?? "null") as Record<string, unknown> | null;
    const value = args?.command ?? args?.url ?? args?.path ?? args?.file_path ?? args?.query ?? args?.task;
    if (typeof value === "string") detail = value;
  } catch {
    detail = step.arguments ?? "";
  }
  detail = detail.replace(/\s+/g, " ").trim();
  return `${step.tool ?? "tool"}${detail === "" ? "" : ` \`${detail.length > 120 ? `${detail.slice(0, 119)}…` : detail}\``}`;
}

/** The story of a case. */
export function buildIncidentStory(input: StoryInput): IncidentStory {
  const serious = input.findings.filter((f) => severityRank(f.detection.severity) >= MEDIUM);
  const toolCalls = input.sessions.reduce((n, s) => n + s.toolCalls, 0);
  if (serious.length === 0) {
    const minor = input.findings.length;
    return {
      headline: "Nothing at medium or above was found.",
      sentences: [
        { text: `${input.sessions.length} ${input.sessions.length === 1 ? "session" : "sessions"} with ${toolCalls} tool ${toolCalls === 1 ? "call" : "calls"} were replayed; no detection at medium or above returned rows.`, ref: null },
        ...(minor === 0 ? [] : [{ text: `${minor} lower-severity ${minor === 1 ? "finding is" : "findings are"} listed below as context.`, ref: null }]),
      ],
      uncertain: [],
    };
  }
  const worst = serious[0]!;
  const session = input.sessions.find((s) => s.worst !== null && severityRank(s.worst) >= MEDIUM);
  const sentences: StorySentence[] = [];
  const uncertain: StorySentence[] = [];
  const told = new Set<number>();
  let headline: string;

  if (session === undefined) {
    // Nothing serious is pinned to a session: the gate, the config, the pipeline.
    headline = `${worst.detection.severity.toUpperCase()}: ${worst.detection.title}, first at ${clock(worst.firstSeen ?? "")}.`;
    const row = worst.rows[0];
    told.add(0);
    sentences.push({
      text: `${worst.detection.title}: ${worst.count} ${worst.count === 1 ? "match" : "matches"} from ${clock(worst.firstSeen ?? "")} to ${clock(worst.lastSeen ?? "")}, in no agent session's steps.`,
      ref: row && typeof row.blob === "string" && typeof row.line === "number" ? { blob: row.blob, line: row.line } : null,
    });
  } else {
    const steps = stepsOfSession(input.steps, session.sessionId);
    const byNo = new Map(steps.map((s) => [s.stepNo, s]));
    const pins = input.pins.filter((p) => p.sessionId === session.sessionId);
    const chain = [...new Set(pins.map((p) => p.stepNo))].sort((a, b) => a - b);
    const top = input.findings[Math.min(...pins.map((p) => p.finding))]!;
    headline = `${(session.worst ?? "").toUpperCase()}: ${top.detection.title}, in session ${shortId(session.sessionId)} on ${session.host ?? "an unknown host"}, ${clock(session.started)}.`;
    const first = chain[0] ?? 1;
    const prompt = [...steps].reverse().find((s) => s.kind === "prompt" && s.stepNo <= first) ?? steps.find((s) => s.kind === "prompt");
    sentences.push({
      text: `Session ${session.sessionId}${session.agentId ? ` (agent ${session.agentId})` : ""} of ${session.user ?? "an unknown user"} started at ${clock(session.started)}${prompt ? ` and was asked ${quote(prompt.text)}` : ""}.`,
      ref: prompt ? { sessionId: session.sessionId, stepNo: prompt.stepNo } : { sessionId: session.sessionId, stepNo: 1 },
    });
    for (const stepNo of chain) {
      const step = byNo.get(stepNo);
      const here = pins.filter((p) => p.stepNo === stepNo);
      const causes = here.filter((p) => p.role === "cause");
      const evidence = here.filter((p) => p.role === "evidence");
      for (const p of evidence) told.add(p.finding);
      const what = step ? stepSummary(step) : `step ${stepNo}`;
      const at = step ? clock(step.time) : "an unknown time";
      const titles = [...new Set(evidence.map((p) => `${input.findings[p.finding]!.detection.title} (${p.severity})`))];
      const parts = [
        causes.length > 0 ? "took in outside content" : "",
        titles.length > 0 ? `raised ${titles.join("; ")}` : "",
      ].filter(Boolean);
      const status = step?.status && step.status !== "success" && step.kind === "tool" ? ` The call's result: ${step.status}.` : "";
      sentences.push({ text: `At ${at}, step ${stepNo}: ${what} ${parts.join(" and ")}.${status}`, ref: { sessionId: session.sessionId, stepNo } });
    }
    const linked = new Map<string, StepConnection>();
    for (const c of input.strips.flatMap((strip) => strip.connections)) {
      if (c.sessionId === session.sessionId) linked.set(`${c.stepNo}|${c.host}`, c);
    }
    for (const c of linked.values()) {
      if (c.verdict === "unlinked") {
        uncertain.push({ text: `Whether step ${c.stepNo}'s connection to ${c.host} left the machine: ${c.note}.`, ref: { sessionId: c.sessionId, stepNo: c.stepNo } });
      } else {
        const e = c.event!;
        sentences.push({
          text: `The egress record shows step ${c.stepNo}'s connection to ${c.host} ${c.verdict === "allowed" ? "leaving the machine" : "refused by the firewall"} at ${clock(e.time)}.`,
          ref: { blob: e.blob, line: e.line },
        });
      }
    }
    if (!session.hasTranscript) uncertain.push({ text: `Session ${session.sessionId} is known only from the gateway log: its transcript is missing, so the steps have no arguments or results.`, ref: { sessionId: session.sessionId, stepNo: 1 } });
  }
  const others = input.findings.filter((f, i) => !told.has(i) && severityRank(f.detection.severity) >= MEDIUM);
  for (const f of others.slice(0, OTHERS)) {
    const row = f.rows[0];
    const ref = row && typeof row.blob === "string" && typeof row.line === "number" ? { blob: row.blob, line: row.line } : null;
    const pinned = input.pins.find((p) => p.finding === input.findings.indexOf(f) && p.role === "evidence");
    sentences.push({
      text: `Also ${f.detection.severity}: ${f.detection.title}, ${f.count} ${f.count === 1 ? "match" : "matches"} from ${clock(f.firstSeen ?? "")}${pinned ? ` (session ${shortId(pinned.sessionId)}, step ${pinned.stepNo})` : ""}.`,
      ref: pinned ? { sessionId: pinned.sessionId, stepNo: pinned.stepNo } : ref,
    });
  }
  if (others.length > OTHERS) sentences.push({ text: `${others.length - OTHERS} more findings at medium or above are listed below.`, ref: null });
  const unpinned = serious.filter((f) => f.rows.some((r) => typeof r.session_id === "string" && r.session_id !== "") && !input.pins.some((p) => p.finding === input.findings.indexOf(f)));
  for (const f of unpinned) uncertain.push({ text: `${f.detection.title}: its rows name a session, but no step of the case matches them.`, ref: null });
  return { headline, sentences, uncertain };
}
