/**
 * Session transcript entries: the pi-agent session format OpenClaw keeps per session (rows of
 * `transcript_events` in `agents/<agent>/agent/openclaw-agent.sqlite` since 2026.9, JSONL
 * session files before). Each entry has `type`, `id`, `parentId` (a tree: branches share
 * parents) and `timestamp`; `message` entries carry user, assistant (with tool calls) and
 * tool-result messages.
 */
import { z } from "zod";
import { EpochMillis, IsoTimestamp } from "../../timestamp.js";
import type { VariantPick } from "../../source-definition.js";

export const TextBlock = z.looseObject({ type: z.literal("text"), text: z.string() });
export const ThinkingBlock = z.looseObject({ type: z.literal("thinking"), thinking: z.string() });
export const ImageBlock = z.looseObject({ type: z.literal("image"), mimeType: z.string().optional() });
export const ToolCallBlock = z.looseObject({
  type: z.literal("toolCall"),
  id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.unknown(),
});
export const ContentBlock = z.discriminatedUnion("type", [TextBlock, ThinkingBlock, ImageBlock, ToolCallBlock]);

export const Usage = z.looseObject({
  input: z.number(),
  output: z.number(),
  cacheRead: z.number().optional(),
  cacheWrite: z.number().optional(),
  totalTokens: z.number().optional(),
});

export const UserMessage = z.looseObject({
  role: z.literal("user"),
  content: z.union([z.string(), z.array(ContentBlock)]),
  timestamp: EpochMillis,
});
export const AssistantMessage = z.looseObject({
  role: z.literal("assistant"),
  content: z.array(ContentBlock),
  api: z.string().optional(),
  provider: z.string().optional(),
  model: z.string().optional(),
  usage: Usage.optional(),
  stopReason: z.string().optional(),
  errorMessage: z.string().optional(),
  timestamp: EpochMillis,
});
export const ToolResultMessage = z.looseObject({
  role: z.literal("toolResult"),
  toolCallId: z.string().min(1),
  toolName: z.string().min(1),
  content: z.array(ContentBlock),
  details: z.unknown().optional(),
  isError: z.boolean(),
  timestamp: EpochMillis,
});
/** Extension messages; `openclaw.nested-tool.v1` records tools run through `tool_call`. */
export const CustomMessage = z.looseObject({
  role: z.literal("custom"),
  customType: z.string(),
  content: z.unknown(),
  display: z.boolean().optional(),
  details: z.unknown().optional(),
});
export const BashExecutionMessage = z.looseObject({
  role: z.literal("bashExecution"),
  command: z.string(),
  output: z.string().optional(),
  exitCode: z.number().nullable().optional(),
});
export const TranscriptMessage = z.discriminatedUnion("role", [
  UserMessage,
  AssistantMessage,
  ToolResultMessage,
  CustomMessage,
  BashExecutionMessage,
]);

const entry = {
  id: z.string().min(1),
  parentId: z.string().nullable(),
  timestamp: IsoTimestamp,
};

export const SessionHeader = z.looseObject({
  type: z.literal("session"),
  version: z.number().int().optional(),
  id: z.string().min(1),
  timestamp: IsoTimestamp,
  cwd: z.string().optional(),
});
export const MessageEntry = z.looseObject({ type: z.literal("message"), ...entry, message: TranscriptMessage });
export const ModelChangeEntry = z.looseObject({
  type: z.literal("model_change"),
  ...entry,
  provider: z.string(),
  modelId: z.string(),
});
export const ThinkingLevelChangeEntry = z.looseObject({
  type: z.literal("thinking_level_change"),
  ...entry,
  thinkingLevel: z.string(),
});
export const CustomEntry = z.looseObject({ type: z.literal("custom"), ...entry, customType: z.string(), data: z.unknown() });
export const CustomMessageEntry = z.looseObject({
  type: z.literal("custom_message"),
  ...entry,
  customType: z.string(),
  content: z.unknown(),
});
export const CompactionEntry = z.looseObject({
  type: z.literal("compaction"),
  ...entry,
  summary: z.string(),
  firstKeptEntryId: z.string().optional(),
  tokensBefore: z.number().optional(),
});
export const BranchSummaryEntry = z.looseObject({
  type: z.literal("branch_summary"),
  ...entry,
  fromId: z.string(),
  summary: z.string(),
});
export const ResetEntry = z.looseObject({ type: z.literal("reset"), ...entry, reason: z.string().optional() });
export const LabelEntry = z.looseObject({
  type: z.literal("label"),
  ...entry,
  targetId: z.string(),
  label: z.string().optional(),
});
export const SessionInfoEntry = z.looseObject({ type: z.literal("session_info"), ...entry, name: z.string().optional() });

const ENTRY_SCHEMAS = {
  session: SessionHeader,
  message: MessageEntry,
  model_change: ModelChangeEntry,
  thinking_level_change: ThinkingLevelChangeEntry,
  custom: CustomEntry,
  custom_message: CustomMessageEntry,
  compaction: CompactionEntry,
  branch_summary: BranchSummaryEntry,
  reset: ResetEntry,
  label: LabelEntry,
  session_info: SessionInfoEntry,
} as const;
const MESSAGE_ROLES = ["user", "assistant", "toolResult", "custom", "bashExecution"] as const;

export const TranscriptEntry = z.union(Object.values(ENTRY_SCHEMAS));
export type TranscriptEntry = z.infer<typeof TranscriptEntry>;
export type TranscriptMessage = z.infer<typeof TranscriptMessage>;

export function pickTranscriptVariant(record: Record<string, unknown>): VariantPick {
  const type = record.type;
  if (typeof type !== "string") return { unknown: 'not a transcript entry: no string "type"' };
  if (!(type in ENTRY_SCHEMAS)) {
    return { unknown: `unknown transcript entry type ${JSON.stringify(type.slice(0, 60))} (known: ${Object.keys(ENTRY_SCHEMAS).join(", ")})` };
  }
  if (type !== "message") return { variant: type, schema: ENTRY_SCHEMAS[type as keyof typeof ENTRY_SCHEMAS] };
  const message = record.message;
  const role = typeof message === "object" && message !== null ? (message as Record<string, unknown>).role : undefined;
  if (typeof role !== "string" || !(MESSAGE_ROLES as readonly string[]).includes(role)) {
    return { unknown: `message entry with unknown role ${JSON.stringify(role)} (known: ${MESSAGE_ROLES.join(", ")})` };
  }
  // Variants split message entries by role (message:assistant) so counts show the mix.
  return { variant: `message:${role}`, schema: MessageEntry };
}

