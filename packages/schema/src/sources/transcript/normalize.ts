import type { Event } from "../../event.js";
import { isPlainObject } from "../../source-definition.js";
import { buildEvent, toolOutcome, type EventDraft, type NormalizeContext } from "../../event-builder.js";

type Rec = Record<string, unknown>;
const str = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);

/** Concatenates the text blocks of a message's content (or the content itself if a string). */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter((block): block is Rec => isPlainObject(block) && block.type === "text" && typeof block.text === "string")
    .map((block) => block.text as string)
    .join("\n");
}

/** One transcript entry as events: assistant messages yield one event per tool call too. */
export function normalizeTranscript(record: Rec, variant: string, ctx: NormalizeContext): Event[] {
  const time = record.timestamp as string;
  const emit = (draft: Omit<EventDraft, "time">) => buildEvent("transcript", variant, { time, ...draft }, ctx);
  const sessionCtx = record.type === "session" ? { ...ctx, sessionId: str(record.id) ?? ctx.sessionId ?? null } : ctx;

  switch (record.type) {
    case "session":
      return [buildEvent("transcript", variant, { time, action: "session.start", category: "other", message: `session ${String(record.id)} started in ${String(record.cwd ?? "?")}` }, sessionCtx)];
    case "model_change":
      return [emit({ action: "model.change", category: "model", provider: str(record.provider), model: str(record.modelId), message: `model ${String(record.provider)}/${String(record.modelId)}` })];
    case "thinking_level_change":
      return [emit({ action: "model.thinking_level", category: "model", message: `thinking level ${String(record.thinkingLevel)}` })];
    case "message":
      return normalizeMessage(record.message as Rec, emit);
    case "compaction":
      return [emit({ action: "session.compaction", category: "model", message: String(record.summary ?? "") })];
    default:
      return [emit({ action: `session.${String(record.type)}${record.customType ? `.${String(record.customType)}` : ""}`, category: "other", message: "" })];
  }
}

function normalizeMessage(message: Rec, emit: (draft: Omit<EventDraft, "time">) => Event): Event[] {
  const runId = isPlainObject(message.__openclaw) ? str(message.__openclaw.runId) : null;
  switch (message.role) {
    case "user":
      return [emit({ action: "message.user", category: "model", runId, message: contentText(message.content) })];
    case "assistant": {
      const provider = str(message.provider);
      const model = str(message.model);
      const blocks = Array.isArray(message.content) ? (message.content as unknown[]).filter(isPlainObject) : [];
      const failed = message.stopReason === "error" || message.stopReason === "aborted";
      const events = [
        emit({
          action: "model.completion",
          category: "model",
          runId,
          provider,
          model,
          outcome: failed ? "failure" : "success",
          level: failed ? "error" : "info",
          message: str(message.errorMessage) ?? contentText(message.content),
        }),
      ];
      for (const block of blocks.filter((b) => b.type === "toolCall")) {
        events.push(emit({
          action: "tool.call",
          category: "tool",
          runId,
          provider,
          model,
          toolName: str(block.name),
          toolCallId: str(block.id),
          toolArguments: block.arguments,
          message: `${String(block.name)} ${JSON.stringify(block.arguments ?? {}).slice(0, 500)}`,
        }));
      }
      return events;
    }
    case "toolResult": {
      const text = contentText(message.content);
      const outcome = toolOutcome({ isError: message.isError, details: message.details, text });
      return [emit({
        action: "tool.result",
        category: "tool",
        runId,
        toolName: str(message.toolName),
        toolCallId: str(message.toolCallId),
        outcome,
        level: outcome === "success" ? "info" : "warn",
        message: text,
      })];
    }
    case "custom":
      return normalizeCustomMessage(message, emit);
    case "bashExecution":
      return [emit({
        action: "tool.result",
        category: "tool",
        toolName: "bash",
        outcome: typeof message.exitCode === "number" && message.exitCode !== 0 ? "failure" : "success",
        target: { command: str(message.command) },
        message: String(message.output ?? ""),
      })];
    default:
      return [emit({ action: `message.${String(message.role)}`, category: "other", message: contentText(message.content) })];
  }
}

// `tool_call` runs a deferred tool (web_fetch, ...) inside one outer call; OpenClaw records the
// inner call as a custom message. Without this the inner tool name and URL would be invisible.
function normalizeCustomMessage(message: Rec, emit: (draft: Omit<EventDraft, "time">) => Event): Event[] {
  const details = isPlainObject(message.details) ? message.details : undefined;
  if (message.customType !== "openclaw.nested-tool.v1" || !details) {
    return [emit({ action: `message.custom.${String(message.customType)}`, category: "other", message: contentText(message.content) })];
  }
  const result = isPlainObject(details.result) ? details.result : {};
  const text = contentText(result.content);
  const outcome = toolOutcome({ isError: result.isError, details: result.details, text });
  const common = {
    category: "tool" as const,
    runId: str(details.runId),
    toolName: str(details.toolName),
    toolCallId: str(details.toolCallId),
    toolArguments: details.input,
  };
  return [
    emit({ ...common, action: "tool.call", message: `${String(details.toolName)} (via ${String(details.parentToolCallId)})` }),
    emit({ ...common, action: "tool.result", outcome, level: outcome === "success" ? "info" : "warn", message: text }),
  ];
}
