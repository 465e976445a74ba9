import type { Event, EventOutcome } from "../../event.js";
import { isPlainObject } from "../../source-definition.js";
import { numberedArgs, parseBinding } from "./schema.js";
import { BLOCKED_PATTERN, buildEvent, levelFrom, type NormalizeContext } from "../../event-builder.js";

const str = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);

/** One gateway log record (already validated) as one event. */
export function normalizeGatewayLog(record: Record<string, unknown>, variant: string, ctx: NormalizeContext): Event[] {
  if (variant === "size-cap-warning") {
    return [
      buildEvent("gateway-log", variant, {
        time: record.time as string,
        action: "log.suppressed",
        subsystem: "logging",
        level: "warn",
        outcome: "failure",
        message: String(record.message),
      }, ctx),
    ];
  }
  const meta = isPlainObject(record._meta) ? record._meta : {};
  const args = numberedArgs(record);
  const binding = parseBinding(args[0]);
  const rest = binding ? args.slice(1) : args;
  const structured = rest.find(isPlainObject);
  const texts = rest.filter((a): a is string => typeof a === "string");
  const message =
    str(record.message) ??
    (variant === "verbose" && structured ? String(structured.message) : texts.join(" "));
  const level = levelFrom(meta.logLevelName);
  const s = structured ?? {};
  const failedTool = FAILED_TOOL.exec(message);
  const authFailed = AUTH_FAILURE.test(message) || s.cause === "unauthorized" || s.handshake === "failed";
  const action =
    variant === "queue-overflow"
      ? "log.dropped"
      : str(s.event) ?? str(s.action) ?? (authFailed ? "auth.failure" : failedTool ? "tool.failure" : variant === "verbose" ? "log.verbose" : "log");
  return [
    buildEvent("gateway-log", variant, {
      time: (record.time as string | undefined) ?? (meta.date as string | undefined),
      action,
      message,
      subsystem: str(binding?.subsystem) ?? str(binding?.module) ?? (variant === "queue-overflow" ? "logging" : null),
      level,
      outcome: authFailed ? "failure" : outcomeOf(level, s, variant, message),
      sessionId: str(record.session_id) ?? str(s.sessionId),
      runId: str(s.runId) ?? runIdIn(message),
      agentId: str(record.agent_id) ?? str(s.agentId),
      provider: str(s.provider),
      model: str(s.modelId) ?? str(s.model),
      toolName: str(s.toolName) ?? failedTool?.[1] ?? null,
      toolCallId: str(s.toolCallId),
      ...(s.args !== undefined ? { toolArguments: s.args } : failedTool?.[2] ? { toolArguments: parseJson(failedTool[2]) } : {}),
      target: {
        url: str(s.url) ?? keyValue(message, "targetOrigin") ?? keyValue(message, "url"),
        host: str(s.remoteAddr) ?? keyValue(message, "remote") ?? str(s.hostname),
        path: str(s.path),
      },
    }, ctx),
  ];
}

// `[tools] read failed: <reason> raw_params={...}`: the gateway's record of a failed tool.
export const FAILED_TOOL = /^\[tools\] ([\w.-]+) failed: .*?(?: raw_params=(\{.*\}))?$/s;
export const AUTH_FAILURE = /\bunauthori[sz]ed\b|token_mismatch|auth(entication)? failed|handshake failed/i;

function keyValue(message: string, key: string): string | null {
  return new RegExp(`(?:^|\\s)${key}=(\\S+)`).exec(message)?.[1] ?? null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function outcomeOf(level: string, s: Record<string, unknown>, variant: string, message: string): EventOutcome {
  if (variant === "queue-overflow") return "failure";
  if (s.blocked === true || s.denied === true) return "blocked";
  if ((level === "warn" || level === "error") && BLOCKED_PATTERN.test(message.slice(0, 2000))) return "blocked";
  if (level === "error" || level === "fatal" || s.isError === true || s.ok === false) return "failure";
  if (s.ok === true || s.isError === false) return "success";
  return "unknown";
}

function runIdIn(message: string): string | null {
  const match = /\brunId=([0-9a-f-]{8,64})/.exec(message);
  return match?.[1] ?? null;
}
