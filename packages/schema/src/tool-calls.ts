import type { Event, EventOutcome } from "./event.js";

/** A tool call with its result joined on the call id. */
export interface ToolCall {
  id: string;
  name: string | null;
  /** Parsed arguments (null when the call event carried none). */
  arguments: unknown;
  outcome: EventOutcome;
  calledAt: string;
  finishedAt: string | null;
  sessionId: string | null;
}

/** Joins `tool.call` and `tool.result` events by call id, in call order. */
export function collectToolCalls(events: Iterable<Event>): ToolCall[] {
  const calls = new Map<string, ToolCall>();
  const results = new Map<string, Event>();
  for (const event of events) {
    const id = event.gen_ai.tool.call.id;
    if (id === null) continue;
    if (event.action === "tool.call" && !calls.has(id)) {
      const args = event.gen_ai.tool.call.arguments;
      calls.set(id, {
        id,
        name: event.gen_ai.tool.name,
        arguments: args === null ? null : (JSON.parse(args) as unknown),
        outcome: "unknown",
        calledAt: event.time,
        finishedAt: null,
        sessionId: event.session_id,
      });
    } else if (event.action === "tool.result") {
      results.set(id, event);
    }
  }
  for (const [id, result] of results) {
    const call = calls.get(id);
    if (!call) continue;
    call.outcome = result.outcome;
    call.finishedAt = result.time;
  }
  return [...calls.values()];
}
