/**
 * Turns a variant's or a benign day's steps into normalized events, the shape a case loads from
 * OpenClaw's transcripts (compared with the captured fixtures in test/scenarios/fixtures): one
 * `tool.call` and one `tool.result` event per step, target fields read from the call's arguments
 * the way the normalizer reads them (@oclog/schema's targetFromArguments). Each event sits at its own
 * `blob`/`line`, so a finding's evidence row names the step it came from.
 */
import { createHash } from "node:crypto";
import type { Event } from "@oclog/schema";
import type { ToolStep } from "./corpus-types.js";
import { hostOf, targetFromArguments } from "@oclog/schema";

/** The user and VM every corpus event shares (the rule tests' defaults). */
export const CORPUS_USER = "alice";
export const CORPUS_HOST = "vm-alice";

/** An events-table row: a full normalized Event plus where it sits. */
export type CorpusEventRow = Event & { blob: string; line: number };

export interface StepEvents {
  rows: CorpusEventRow[];
  /** For each step, the lines of its call and result events. */
  stepLines: { call: number; result: number }[];
}

export interface SessionIds {
  main: string;
  subagent: string;
}

/** The blob a corpus item's events sit in. */
export function corpusBlobName(id: string): string {
  return `evasion/${id}.jsonl`;
}

export function eventsOfSteps(id: string, steps: readonly ToolStep[], start: Date, sessions: SessionIds): StepEvents {
  const blob = corpusBlobName(id);
  const rows: CorpusEventRow[] = [];
  const stepLines: { call: number; result: number }[] = [];
  const callPrefix = `call_${id.replace(/[^a-z0-9]+/gi, "_")}`;
  steps.forEach((step, index) => {
    const sessionId = sessions[step.session];
    const callId = `${callPrefix}_${index}`;
    const argsText = JSON.stringify(step.args);
    const target = targetFromArguments(step.tool, step.args);
    const callTime = new Date(start.getTime() + step.atSeconds * 1000);
    // A tool answers within a few seconds; the result never reaches the next step's time.
    const resultTime = new Date(callTime.getTime() + 1500);
    const common = {
      user: CORPUS_USER,
      host: CORPUS_HOST,
      source: "transcript" as const,
      subsystem: null,
      level: "info" as const,
      category: "tool" as const,
      session_id: sessionId,
      run_id: null,
      agent_id: null,
      blob,
    };
    const genAi = (args: string | null) => ({
      conversation: { id: sessionId },
      provider: { name: "oclog" },
      request: { model: "oclog-scripted" },
      tool: { name: step.tool, call: { id: callId, arguments: args } },
    });
    const callLine = rows.length + 1;
    rows.push({
      ...common,
      time: callTime.toISOString(),
      action: "tool.call",
      outcome: "unknown",
      gen_ai: genAi(argsText),
      target: { path: target.path ?? null, url: target.url ?? null, host: hostOf(target.url ?? null), command: target.command ?? null },
      message: `${step.tool} ${argsText}`,
      raw: { source: "transcript", variant: "message:assistant", ref: `${blob}:${callLine}` },
      line: callLine,
    } as CorpusEventRow);
    const resultLine = rows.length + 1;
    rows.push({
      ...common,
      time: resultTime.toISOString(),
      action: "tool.result",
      outcome: step.resultOutcome,
      gen_ai: genAi(null),
      target: { path: null, url: null, host: null, command: null },
      message: step.result,
      raw: { source: "transcript", variant: "message:toolResult", ref: `${blob}:${resultLine}` },
      line: resultLine,
    } as CorpusEventRow);
    stepLines.push({ call: callLine, result: resultLine });
  });
  return { rows, stepLines };
}

/** Every item starts at the same time; the rules look at times relative to each other. */
export const CORPUS_START = new Date("2026-11-25T09:00:00.000Z");

/** A UUID-shaped session id derived from a name, so an item's events are the same on every run. */
function sessionIdOf(name: string): string {
  const h = createHash("sha256").update(name).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The events of a variant or benign day, with its own session ids. */
export function corpusItemEvents(item: { id: string; steps: readonly ToolStep[] }): StepEvents {
  return eventsOfSteps(item.id, item.steps, CORPUS_START, { main: sessionIdOf(`${item.id}/main`), subagent: sessionIdOf(`${item.id}/subagent`) });
}
