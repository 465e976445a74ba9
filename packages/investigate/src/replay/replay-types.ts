/**
 * What a replay of the case's sessions is made of: the shapes `session_steps`, `sessions` and
 * `finding_steps` rows take in TypeScript, the incident story and the cross-source strips. The
 * reports and `oclog session(s)` render these; only the files in replay/ read them from the case.
 */
import type { Severity } from "../detect/finding.js";

/** What a step of a session is. */
export type StepKind = "session_start" | "prompt" | "model" | "error" | "tool" | "compaction" | "model_change";

/** One step of a session, in order (`session_steps`). Text fields are as shipped (redacted), clipped. */
export interface SessionStep {
  sessionId: string;
  /** 1-based position in its session. */
  stepNo: number;
  /** ISO 8601 UTC. */
  time: string;
  kind: StepKind;
  /** The record the step comes from: `transcript`, `trajectory`, or `gateway-log` when no transcript has it. */
  source: string;
  runId: string | null;
  tool: string | null;
  callId: string | null;
  /** The call's arguments as JSON text (clipped), NULL when only the gateway log saw the call. */
  arguments: string | null;
  /** A tool call's outcome: success, failure, blocked, unknown; `no result` when none was recorded. */
  status: string | null;
  /** The head of the tool's result. */
  result: string | null;
  durationMs: number | null;
  /** What a guard decided, when one did (the sandbox or an approval refusing the call). */
  decision: string | null;
  /** A prompt's or model turn's text, a compaction's summary, a model change, an error. */
  text: string | null;
  blob: string;
  line: number;
}

/** One session of the case (`sessions`), with its worst finding once detections ran. */
export interface SessionSummary {
  sessionId: string;
  user: string | null;
  host: string | null;
  agentId: string | null;
  started: string;
  ended: string;
  steps: number;
  toolCalls: number;
  /** Distinct tools used, by first use. */
  tools: string[];
  firstPrompt: string | null;
  /** False when the session is known only from the gateway log (its transcript is missing). */
  hasTranscript: boolean;
  /** Distinct blobs and UTC days its steps came from. */
  blobs: number;
  days: number;
  worst: Severity | null;
  findings: number;
}

/**
 * A finding's evidence row pinned to the step it is about (`finding_steps`). `cause` is the
 * other end of a chain rule: the step that brought in the external content.
 */
export interface StepPin {
  /** Index into `ReportData.findings` (0-based). */
  finding: number;
  detectionId: string;
  title: string;
  severity: Severity;
  /** Index into the finding's `rows` (0-based). */
  row: number;
  role: "evidence" | "cause";
  sessionId: string;
  stepNo: number;
  blob: string;
  line: number;
}

/** Where a sentence of the story points: a step of a session, or an evidence row. */
export type StoryRef = { sessionId: string; stepNo: number } | { blob: string; line: number };

export interface StorySentence {
  text: string;
  ref: StoryRef | null;
}

/** The short narrative at the top of the reports: templates over findings and steps, no language model. */
export interface IncidentStory {
  headline: string;
  sentences: StorySentence[];
  /** What the records cannot settle (a step not linked to a connection, a session without transcript). */
  uncertain: StorySentence[];
}

/** An event from another source near a high finding. */
export interface StripEvent {
  time: string;
  source: string;
  action: string | null;
  outcome: string | null;
  message: string | null;
  blob: string;
  line: number;
}

/** A step linked to the egress record of the connection it made, or why it could not be. */
export interface StepConnection {
  sessionId: string;
  stepNo: number;
  host: string;
  /** The egress event, when exactly one fits. */
  event: StripEvent | null;
  /** allowed / refused when linked; otherwise why not (no egress records, several candidates, none in time). */
  verdict: "allowed" | "refused" | "unlinked";
  note: string;
}

/** Around one high (or critical) finding: what other sources recorded in the same minutes. */
export interface CrossSourceStrip {
  finding: number;
  from: string;
  to: string;
  events: StripEvent[];
  /** Events of the window beyond those shown. */
  more: number;
  connections: StepConnection[];
}

/** Everything the reports need to replay sessions. */
export interface ReplayData {
  /** Sorted by worst finding (highest first), then start time. */
  sessions: SessionSummary[];
  /** Steps per session id, for the sessions whose replay fits the report's budget. */
  steps: Record<string, SessionStep[]>;
  /** Sessions whose steps were left out of the report (replay them with `oclog session`). */
  omittedSessions: number;
  pins: StepPin[];
  story: IncidentStory;
  strips: CrossSourceStrip[];
}

/**
 * The steps of a session from `ReplayData.steps`. Session ids are agent-written text: an id such
 * as `constructor` or `__proto__` must not reach Object.prototype, so only own keys count.
 */
export function stepsOfSession(steps: Readonly<Record<string, readonly SessionStep[]>>, sessionId: string): readonly SessionStep[] {
  return Object.hasOwn(steps, sessionId) && Array.isArray(steps[sessionId]) ? steps[sessionId]! : [];
}
