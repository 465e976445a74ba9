import type { Event } from "../../event.js";
import { isPlainObject } from "../../source-definition.js";
import { buildEvent, toolOutcome, type NormalizeContext } from "../../event-builder.js";
import { contentText } from "../transcript/normalize.js";

const str = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);

/** One trajectory event as one event; tool calls and results keep their ids and arguments. */
export function normalizeTrajectory(record: Record<string, unknown>, variant: string, ctx: NormalizeContext): Event[] {
  const data = isPlainObject(record.data) ? record.data : {};
  const type = String(record.type);
  const base = {
    time: record.ts as string,
    sessionId: str(record.sessionId),
    runId: str(record.runId),
    provider: str(record.provider),
    model: str(record.modelId),
  };
  if (type === "tool.call") {
    return [buildEvent("trajectory", variant, {
      ...base,
      action: "tool.call",
      category: "tool",
      toolName: str(data.name),
      toolCallId: str(data.toolCallId),
      toolArguments: data.arguments ?? data.args,
      message: `${String(data.name)} ${JSON.stringify(data.arguments ?? data.args ?? {}).slice(0, 500)}`,
    }, ctx)];
  }
  if (type === "tool.result" && record.source === "runtime") {
    // Runtime results: {toolCallId, name, success, result: {content, details}}.
    const result = isPlainObject(data.result) ? data.result : {};
    const text = contentText(result.content);
    const outcome = toolOutcome({ isError: data.success === false, details: result.details, text });
    return [buildEvent("trajectory", variant, {
      ...base,
      action: "tool.result",
      category: "tool",
      toolName: str(data.name),
      toolCallId: str(data.toolCallId),
      outcome,
      level: outcome === "success" ? "info" : "warn",
      message: text,
    }, ctx)];
  }
  if (type === "tool.result") {
    const message = isPlainObject(data.message) ? data.message : {};
    const text = contentText(message.content);
    const outcome = toolOutcome({ isError: message.isError, details: message.details, text });
    return [buildEvent("trajectory", variant, {
      ...base,
      action: "tool.result",
      category: "tool",
      toolName: str(message.toolName),
      toolCallId: str(message.toolCallId),
      outcome,
      level: outcome === "success" ? "info" : "warn",
      message: text,
    }, ctx)];
  }
  const message = isPlainObject(data.message) ? contentText(data.message.content) : "";
  return [buildEvent("trajectory", variant, { ...base, action: type, message }, ctx)];
}
