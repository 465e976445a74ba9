// Reads captured transcripts back into tool calls and their observed outcome.
//
// OpenClaw 2026.9.6 transcript shapes (transcript_events.event_json / zstd):
//   assistant: {type:"message", message:{role:"assistant", content:[{type:"toolCall", id, name, arguments}]}}
//   result:    {type:"message", message:{role:"toolResult", toolCallId, toolName, content:[{type:"text",text}],
//               details, isError}}
// A refused read or an SSRF-blocked web_fetch has isError=true and
// details.status="error"; a shell command that exits non-zero is NOT an error
// for OpenClaw (isError=false, details.status="completed", details.exitCode≠0).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ExpectedOutcome } from "./scenario.js";

/** One line of sqlite-event-rows.jsonl. */
export interface TranscriptLine {
  db: string;
  table: string;
  row: Record<string, unknown>;
  compressedColumns: string[];
  event: unknown;
}

/** A tool call joined with its result. */
export interface ObservedToolCall {
  id: string;
  name: string;
  arguments: unknown;
  result?: {
    toolName: string;
    isError: boolean;
    text: string;
    details: Record<string, unknown> | undefined;
  };
  outcome: ExpectedOutcome | "missing";
}

/** Reads a JSON-lines file into parsed values. */
export function readJsonLines<T = unknown>(path: string): T[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as T);
}

interface MessageEvent {
  type?: string;
  message?: {
    role?: string;
    content?: unknown;
    toolCallId?: string;
    toolName?: string;
    isError?: boolean;
    details?: Record<string, unknown>;
  };
}

const REFUSAL = /escapes (the )?(sandbox|workspace) root|outside (the )?workspace|Blocked hostname|private\/internal|special-use IP|SsrFBlocked|not allowed|denied/i;

/** Classifies a tool result the way our schemas should: blocked (policy refusal), error, or ok. */
export function classifyResult(r: NonNullable<ObservedToolCall["result"]>): ExpectedOutcome {
  const errorText = typeof r.details?.error === "string" ? r.details.error : r.text;
  if (r.isError && REFUSAL.test(errorText)) return "blocked";
  if (r.isError || r.details?.status === "error") return "error";
  const exitCode = r.details?.exitCode;
  if (typeof exitCode === "number" && exitCode !== 0) return "error";
  return "ok";
}

/** Joins tool calls with their results from transcripts.jsonl lines (transcript_events only). */
export function observedToolCalls(lines: TranscriptLine[]): ObservedToolCall[] {
  const calls = new Map<string, ObservedToolCall>();
  for (const line of lines) {
    if (line.table !== "transcript_events") continue;
    const ev = line.event as MessageEvent | null;
    const msg = ev?.type === "message" ? ev.message : undefined;
    if (!msg) continue;
    if (msg.role === "assistant" && Array.isArray(msg.content)) {
      for (const part of msg.content as Array<Record<string, unknown>>) {
        if (part.type === "toolCall" && typeof part.id === "string") {
          calls.set(part.id, { id: part.id, name: String(part.name), arguments: part.arguments, outcome: "missing" });
        }
      }
    } else if (msg.role === "toolResult" && typeof msg.toolCallId === "string") {
      const text = Array.isArray(msg.content)
        ? (msg.content as Array<{ type?: string; text?: string }>).map((p) => p.text ?? "").join("")
        : "";
      const result = { toolName: String(msg.toolName), isError: msg.isError === true, text, details: msg.details };
      const call = calls.get(msg.toolCallId) ?? { id: msg.toolCallId, name: String(msg.toolName), arguments: undefined, outcome: "missing" as const };
      call.result = result;
      call.outcome = classifyResult(result);
      calls.set(msg.toolCallId, call);
    }
  }
  return [...calls.values()];
}

/** Loads and joins the tool calls of a capture directory. */
export function loadObservedToolCalls(outDir: string): ObservedToolCall[] {
  return observedToolCalls(readJsonLines<TranscriptLine>(join(outDir, "sqlite-event-rows.jsonl")));
}
