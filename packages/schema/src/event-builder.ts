import { stripAnsi } from "./ansi.js";
import { categorize } from "./categories.js";
import type { Event, EventCategory, EventLevel, EventOutcome, EventTarget } from "./event.js";
import type { SourceName } from "./sources.js";
import { toUtcIso } from "./timestamp.js";

/** What the caller knows about a record beyond its content: who shipped it and where it is. */
export interface NormalizeContext {
  user?: string | null;
  host?: string | null;
  /** Location of the raw record, e.g. `gateway.log:42`. */
  ref?: string | null;
  /** Session id when the record itself lacks one (transcript rows, session files). */
  sessionId?: string | null;
  /** The pipeline's time of the record (`@timestamp`), for sources whose records may carry none (the journal's kernel lines). */
  time?: string | null;
}

/** Fields a source normalizer provides; everything else gets a neutral default. */
export interface EventDraft {
  time: string | number | undefined;
  action: string;
  message?: string;
  subsystem?: string | null;
  level?: EventLevel;
  category?: EventCategory;
  outcome?: EventOutcome;
  sessionId?: string | null;
  runId?: string | null;
  agentId?: string | null;
  provider?: string | null;
  model?: string | null;
  toolName?: string | null;
  toolCallId?: string | null;
  toolArguments?: unknown;
  target?: Partial<EventTarget>;
}

// Messages can be megabytes (tool output); events carry a readable excerpt, the raw record
// keeps the rest.
const MAX_MESSAGE_CHARS = 4000;

/** Builds a complete `Event` from a draft, a source and the caller's context. */
export function buildEvent(source: SourceName, variant: string, draft: EventDraft, ctx: NormalizeContext): Event {
  const subsystem = draft.subsystem ?? null;
  const cleaned = stripAnsi(draft.message ?? "");
  const message = cleaned.length > MAX_MESSAGE_CHARS ? `${cleaned.slice(0, MAX_MESSAGE_CHARS)}…` : cleaned;
  const time = draft.time === undefined ? undefined : toUtcIso(draft.time);
  const sessionId = draft.sessionId ?? ctx.sessionId ?? null;
  const target = { ...targetFromArguments(draft.toolName ?? null, draft.toolArguments), ...definedOnly(draft.target) };
  return {
    time: time ?? new Date(0).toISOString(),
    user: ctx.user ?? null,
    host: ctx.host ?? null,
    source,
    subsystem,
    level: draft.level ?? "info",
    category: draft.category ?? categorize({ subsystem, action: draft.action, message }),
    action: draft.action,
    outcome: draft.outcome ?? "unknown",
    session_id: sessionId,
    run_id: draft.runId ?? null,
    agent_id: draft.agentId ?? null,
    gen_ai: {
      conversation: { id: sessionId },
      provider: { name: draft.provider ?? null },
      request: { model: draft.model ?? null },
      tool: {
        name: draft.toolName ?? null,
        call: {
          id: draft.toolCallId ?? null,
          arguments: draft.toolArguments === undefined ? null : JSON.stringify(draft.toolArguments),
        },
      },
    },
    target: {
      path: target.path ?? null,
      url: target.url ?? null,
      host: target.host ?? hostOf(target.url ?? null),
      command: target.command ?? null,
    },
    message,
    raw: { source, variant, ref: ctx.ref ?? null },
  };
}

function definedOnly(target: Partial<EventTarget> | undefined): Partial<EventTarget> {
  if (!target) return {};
  return Object.fromEntries(Object.entries(target).filter(([, v]) => v !== undefined && v !== null));
}

/** The path, URL or command a tool call acts on, read from its arguments. */
export function targetFromArguments(toolName: string | null, args: unknown): Partial<EventTarget> {
  if (typeof args !== "object" || args === null) return {};
  const a = args as Record<string, unknown>;
  // `tool_call` is OpenClaw's meta-tool for deferred tools: the real arguments are nested.
  if (toolName === "tool_call" && typeof a.args === "object" && a.args !== null) {
    return targetFromArguments(typeof a.id === "string" ? a.id : null, a.args);
  }
  const pick = (...keys: string[]) => {
    for (const key of keys) if (typeof a[key] === "string") return a[key] as string;
    return undefined;
  };
  const out: Partial<EventTarget> = {};
  const command = pick("command", "cmd", "script");
  const path = pick("path", "file_path", "filePath", "file");
  const url = pick("url", "href", "uri");
  if (command !== undefined) out.command = command;
  if (path !== undefined) out.path = path;
  if (url !== undefined) out.url = url;
  return out;
}

/** The host of a URL, or null when it does not parse. */
export function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname || null;
  } catch {
    return null;
  }
}

/** Lowercases tslog level names; `silly` folds into `trace`. */
export function levelFrom(name: unknown): EventLevel {
  const lower = typeof name === "string" ? name.toLowerCase() : "info";
  if (lower === "silly") return "trace";
  if (lower === "warning") return "warn";
  return (["trace", "debug", "info", "warn", "error", "fatal"] as const).find((l) => l === lower) ?? "info";
}

// What OpenClaw's guards say when they refuse: workspace escape, SSRF, policy and approvals.
export const BLOCKED_PATTERN =
  /escapes sandbox root|outside (the )?workspace|SSRF|private (network|ip|address)|blocked|not allowed|denied|forbidden|requires approval|disallowed/i;

/** Outcome of a tool from its result: blocked by a guard, failed, or succeeded. */
export function toolOutcome(result: { isError?: unknown; details?: unknown; text?: string }): EventOutcome {
  const details = typeof result.details === "object" && result.details !== null ? (result.details as Record<string, unknown>) : {};
  const errorText = [details.error, details.reason, result.text].filter((v) => typeof v === "string").join(" ");
  const failed =
    result.isError === true ||
    details.status === "error" ||
    details.status === "failed" ||
    (typeof details.exitCode === "number" && details.exitCode !== 0);
  if (failed && BLOCKED_PATTERN.test(errorText)) return "blocked";
  if (failed) return "failure";
  return "success";
}
