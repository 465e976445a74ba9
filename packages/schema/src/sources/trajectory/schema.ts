/**
 * Trajectory events: `openclaw sessions export-trajectory` writes `events.jsonl`, merging
 * runtime events (session.started, model.completed, ...) with events projected from the
 * transcript (user.message, assistant.message, tool.call, tool.result, session.*). Every event
 * carries `traceSchema: "openclaw-trajectory"` and `schemaVersion: 1`.
 */
import { z } from "zod";
import { IsoTimestamp } from "../../timestamp.js";
import type { VariantPick } from "../../source-definition.js";

export const TrajectoryEvent = z.looseObject({
  traceSchema: z.literal("openclaw-trajectory"),
  schemaVersion: z.literal(1),
  traceId: z.string().optional(),
  source: z.enum(["runtime", "transcript"]),
  type: z.string().min(1),
  ts: IsoTimestamp,
  seq: z.number(),
  sourceSeq: z.number().optional(),
  sessionId: z.string().min(1),
  sessionKey: z.string().optional(),
  runId: z.string().optional(),
  entryId: z.string().optional(),
  parentEntryId: z.string().nullable().optional(),
  provider: z.string().optional(),
  modelId: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type TrajectoryEvent = z.infer<typeof TrajectoryEvent>;

/**
 * A tool call names the tool and carries its arguments: `arguments` when projected from the
 * transcript, `args` when recorded by the runtime.
 */
export const TrajectoryToolCall = TrajectoryEvent.extend({
  type: z.literal("tool.call"),
  data: z
    .looseObject({ toolCallId: z.string().optional(), name: z.string().optional(), arguments: z.unknown().optional(), args: z.unknown().optional() })
    .refine((data) => "arguments" in data || "args" in data, "a tool.call needs data.arguments or data.args"),
});

export function pickTrajectoryVariant(record: Record<string, unknown>): VariantPick {
  if (record.traceSchema !== "openclaw-trajectory") {
    return { unknown: 'not a trajectory event: traceSchema is not "openclaw-trajectory"' };
  }
  if (typeof record.type !== "string") return { unknown: 'trajectory event without a string "type"' };
  const source = record.source === "runtime" || record.source === "transcript" ? record.source : "unknown";
  // Counting by source/type keeps the variant list short and readable (runtime:model.completed).
  const schema = record.type === "tool.call" ? TrajectoryToolCall : TrajectoryEvent;
  return { variant: `${source}:${record.type.slice(0, 60)}`, schema };
}

