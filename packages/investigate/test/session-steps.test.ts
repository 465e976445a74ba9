// session_steps and sessions (load/session-steps.ts), finding pins (replay/finding-steps.ts) and
// the source check, on normalized events written here in the shapes the transcript and the
// gateway log normalize to (their real counterparts are the scenario fixtures, checked in
// test/scenarios/scenarios.test.ts): ordering when timestamps tie, a session split across blobs
// and days, a session known only from the gateway log, hostile and oversized fields, and a
// transcript that disagrees with the gateway about a run.
import test from "ava";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CaseDatabase, loadEventsJsonl, type Finding } from "../src/index.js";
import { stepSourceDisagreements } from "../src/load/session-steps.js";
import { pinFindings } from "../src/replay/finding-steps.js";
import { readSessions, readSessionSteps, readStepsOf } from "../src/replay/replay-data.js";
import { stepsOfSession } from "../src/replay/replay-types.js";
import { buildIncidentStory } from "../src/replay/incident-story.js";

type Row = Record<string, unknown>;
const T0 = Date.parse("2026-11-25T23:59:58Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

function event(blob: string, line: number, time: string, fields: Row): Row {
  const { tool = null, callId = null, args = null, session = null, run = null, ...rest } = fields;
  return {
    time, user: "alice", host: "vm-alice", source: "transcript", subsystem: null, level: "info", category: "other",
    action: "log", outcome: "unknown", session_id: session, run_id: run, agent_id: null,
    gen_ai: { conversation: { id: session }, provider: null, request: null, tool: { name: tool, call: { id: callId, arguments: args } } },
    target: { path: null, url: null, host: null, command: null },
    message: "", raw: { source: "transcript", variant: "message", ref: null }, blob, line,
    ...rest,
  };
}

async function load(rows: Row[]): Promise<CaseDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "oclog-session-steps-"));
  writeFileSync(join(dir, "events.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const db = await CaseDatabase.open(":memory:");
  await loadEventsJsonl(db.connection, join(dir, "events.jsonl"));
  return db;
}

const S = "11111111-2222-4333-8444-555555555555";
const B1 = "oclog/alice/openclaw.transcript/2026/11/25/23/a.1796000000000.gz";
const B2 = "oclog/alice/openclaw.transcript/2026/11/26/00/b.1796000100000.gz";

test("steps in order: ties broken by the evidence, calls of one line in their order, a session across two blobs and two days", async (t) => {
  const rows = [
    event(B1, 1, at(0), { session: S, action: "session.start", message: "session started" }),
    event(B1, 2, at(1), { session: S, action: "message.user", category: "model", message: "Tidy up my notes" }),
    // One assistant line: its text and two tool calls, all at the same instant.
    event(B1, 3, at(2), { session: S, run: "r1", action: "model.completion", category: "model", outcome: "success", message: "I will look first." }),
    event(B1, 3, at(2), { session: S, run: "r1", action: "tool.call", category: "tool", tool: "read", callId: "c-a", args: '{"path":"notes.md"}' }),
    event(B1, 3, at(2), { session: S, run: "r1", action: "tool.call", category: "tool", tool: "exec", callId: "c-b", args: '{"command":"ls"}' }),
    event(B1, 4, at(3), { session: S, run: "r1", action: "tool.result", category: "tool", outcome: "success", tool: "read", callId: "c-a", message: "# notes" }),
    event(B1, 5, at(5), { session: S, run: "r1", action: "tool.result", category: "tool", outcome: "blocked", tool: "exec", callId: "c-b", message: "denied by the sandbox" }),
    // After midnight, in the next blob; the first line of B2 ties with the last of B1.
    event(B1, 6, at(4), { session: S, action: "session.compaction", category: "model", message: "summary of earlier turns" }),
    event(B2, 1, at(4), { session: S, action: "model.change", category: "model", message: "model x/y" }),
    event(B2, 2, at(9), { session: S, run: "r2", action: "model.completion", category: "model", outcome: "failure", message: "aborted" }),
  ];
  const db = await load(rows);
  try {
    const steps = await readSessionSteps(db.connection, S);
    t.deepEqual(
      steps.map((s) => `${s.stepNo} ${s.kind}${s.tool ? ` ${s.tool}` : ""}`),
      ["1 session_start", "2 prompt", "3 model", "4 tool read", "5 tool exec", "6 compaction", "7 model_change", "8 error"],
    );
    t.is(steps[3]!.status, "success");
    t.is(steps[3]!.durationMs, 1000, "from the call to its result");
    t.is(steps[4]!.status, "blocked");
    t.is(steps[4]!.decision, "refused: denied by the sandbox");
    t.is(steps[4]!.result, "denied by the sandbox");
    t.deepEqual([steps[5]!.blob, steps[6]!.blob], [B1, B2], "the tie at 00:00:02 goes to the earlier blob");
    const [session] = await readSessions(db.connection);
    t.like(session, { sessionId: S, steps: 8, toolCalls: 2, tools: ["read", "exec"], firstPrompt: "Tidy up my notes", hasTranscript: true, blobs: 2, days: 2 });
  } finally {
    db.close();
  }
});

test("a session whose transcript is missing replays from the gateway log, without arguments, and says so", async (t) => {
  const G = "oclog/alice/openclaw.gateway/2026/11/25/23/g.1796000000000.gz";
  const gw = (line: number, time: string, fields: Row) => event(G, line, time, { source: "gateway-log", raw: { source: "gateway-log", variant: "json", ref: null }, ...fields });
  const rows = [
    gw(1, at(0), { session: S, run: "r9", action: "embedded_tool_execution_start", category: "tool", tool: "web_fetch", callId: "g-1", message: "embedded run tool start" }),
    gw(2, at(2), { run: "r9", message: "embedded run tool end: runId=r9 tool=web_fetch toolCallId=g-1" }),
    gw(3, at(3), { session: S, run: "r9", action: "embedded_tool_execution_start", category: "tool", tool: "exec", callId: "g-2", message: "embedded run tool start" }),
  ];
  const db = await load(rows);
  try {
    const steps = await readSessionSteps(db.connection, S);
    t.deepEqual(steps.map((s) => [s.stepNo, s.tool, s.source, s.arguments, s.status, s.durationMs]), [
      [1, "web_fetch", "gateway-log", null, "unknown", 2000],
      [2, "exec", "gateway-log", null, "no result", null],
    ]);
    const sessions = await readSessions(db.connection);
    t.false(sessions[0]!.hasTranscript);
    const finding: Finding = {
      detection: { id: "d1", title: "Something on a gateway-only step", severity: "high" } as Finding["detection"],
      count: 1, rows: [{ time: at(3), message: "x", blob: G, line: 3, session_id: S }], firstSeen: at(3), lastSeen: at(3),
    };
    const pins = await pinFindings(db.connection, [finding]);
    t.deepEqual(pins.map((p) => [p.sessionId, p.stepNo, p.role]), [[S, 2, "evidence"]]);
    const sessionsWithWorst = await readSessions(db.connection);
    t.is(sessionsWithWorst[0]!.worst, "high");
    const story = buildIncidentStory({ findings: [finding], sessions: sessionsWithWorst, pins, steps: { [S]: steps }, strips: [] });
    t.regex(story.headline, /^HIGH: Something on a gateway-only step, in session 11111111… on vm-alice/);
    t.true(story.uncertain.some((u) => /known only from the gateway log/.test(u.text)));
  } finally {
    db.close();
  }
});

test("pins: the call on a shared line by its call id, a tool result by its call, the chain's cause; rows outside sessions stay unpinned", async (t) => {
  const rows = [
    event(B1, 1, at(0), { session: S, run: "r1", action: "tool.call", category: "tool", tool: "web_fetch", callId: "c-1", args: '{"url":"https://x.example/"}' }),
    event(B1, 2, at(1), { session: S, run: "r1", action: "tool.call", category: "tool", tool: "read", callId: "c-2", args: '{"path":".env"}' }),
    event(B1, 2, at(1), { session: S, run: "r1", action: "tool.call", category: "tool", tool: "exec", callId: "c-3", args: '{"command":"env"}' }),
    event(B1, 3, at(2), { session: S, run: "r1", action: "tool.result", category: "tool", tool: "exec", callId: "c-3", outcome: "success", message: "HOME=/home/alice" }),
    event(B1, 4, at(3), { action: "auth.failure", category: "auth", message: "bad token" }),
  ];
  const db = await load(rows);
  try {
    const finding = (rowsOf: Row[]): Finding => ({ detection: { id: "d", title: "t", severity: "high" } as Finding["detection"], count: rowsOf.length, rows: rowsOf, firstSeen: at(0), lastSeen: at(3) });
    const pins = await pinFindings(db.connection, [
      finding([{ blob: B1, line: 2, call_id: "c-3", taint_blob: B1, taint_line: 1 }]),
      finding([{ blob: B1, line: 3 }, { blob: B1, line: 4 }, { blob: "elsewhere", line: "1; DROP TABLE events" }]),
    ]);
    t.deepEqual(pins.map((p) => `${p.finding}/${p.row} ${p.role} step ${p.stepNo}`), ["0/0 evidence step 3", "0/0 cause step 1", "1/0 evidence step 3"]);
    const table = (await db.connection.runAndReadAll("SELECT count(*) FROM finding_steps")).getRows()[0]![0];
    t.is(Number(table), 3, "the pins are in the case database too");
  } finally {
    db.close();
  }
});

test("hostile and oversized fields are kept as text, clipped, and do not disturb the order", async (t) => {
  const hostile = "\u001b]8;;http://evil.example\u0007click\u001b]8;;\u0007 \u202eexe.txt </script><img src=x onerror=alert(1)>";
  const rows = [
    event(B1, 1, at(0), { session: S, action: "message.user", category: "model", message: hostile }),
    event(B1, 2, at(1), { session: S, action: "tool.call", category: "tool", tool: "x'); DROP TABLE session_steps; --", callId: "c'1", args: JSON.stringify({ command: "a".repeat(1 << 20) }) }),
    event(B1, 3, at(2), { session: `${S}'; --`, action: "message.user", category: "model", message: "second session with a quote in its id" }),
    event(B1, 4, at(3), { session: "__proto__", action: "message.user", category: "model", message: "a session id that is a prototype key" }),
    event(B1, 5, at(4), { session: "constructor", action: "message.user", category: "model", message: "another" }),
  ];
  const db = await load(rows);
  try {
    const steps = await readSessionSteps(db.connection, S);
    t.is(steps[0]!.text, hostile, "stored as shipped: the renderers clean it");
    t.is(steps[1]!.tool, "x'); DROP TABLE session_steps; --");
    t.is(steps[1]!.arguments!.length, 4000, "a megabyte argument is clipped in the step (whole in events)");
    t.is((await readSessionSteps(db.connection, `${S}'; --`)).length, 1);
    t.is((await readSessions(db.connection)).length, 4);
    // Session ids that name Object.prototype's members stay ordinary keys.
    const { steps: bySession } = await readStepsOf(db.connection, ["__proto__", "constructor", S], 100);
    t.is(Object.getPrototypeOf(bySession), null);
    t.deepEqual([stepsOfSession(bySession, "__proto__").length, stepsOfSession(bySession, "constructor").length, stepsOfSession(bySession, "toString").length], [1, 1, 0]);
    t.is(({} as Record<string, unknown>).length, undefined, "nothing leaked onto Object.prototype");
  } finally {
    db.close();
  }
});

test("the transcript and the gateway log must agree on a run's calls; a difference is reported both ways", async (t) => {
  const G = "oclog/alice/openclaw.gateway/2026/11/25/23/g.1796000000000.gz";
  const start = (line: number, callId: string, run: string) =>
    event(G, line, at(line), { source: "gateway-log", session: S, run, action: "embedded_tool_execution_start", category: "tool", tool: "exec", callId });
  const call = (line: number, callId: string, run: string) => event(B1, line, at(line), { session: S, run, action: "tool.call", category: "tool", tool: "exec", callId, args: "{}" });
  const rows = [call(1, "a", "r1"), call(2, "b", "r1"), start(1, "a", "r1"), start(2, "b", "r1"), call(3, "c", "r2"), start(3, "c", "r2"), start(4, "d", "r2"), call(5, "e", "r3")];
  const db = await load(rows);
  try {
    t.deepEqual(await stepSourceDisagreements(db.connection), [{ user: "alice", host: "vm-alice", runId: "r2", onlyTranscript: [], onlyGateway: ["d"] }]);
  } finally {
    db.close();
  }
});
