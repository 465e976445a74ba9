/**
 * The normalized event: one shape for every source, what investigations, detections and
 * reports read. Fixed columns are always present (null when a source has no value) so the
 * DuckDB table and the KQL table have one stable layout. Names follow the OpenTelemetry GenAI
 * conventions where they fit: `gen_ai.tool.name` is `event.gen_ai.tool.name`.
 */
import { z } from "zod";
import { SOURCE_NAMES } from "./sources.js";
import { EVENT_CATEGORIES, EVENT_LEVELS, EVENT_OUTCOMES } from "./event-vocabulary.js";

export { EVENT_CATEGORIES, EVENT_LEVELS, EVENT_OUTCOMES } from "./event-vocabulary.js";
export type { EventCategory, EventLevel, EventOutcome } from "./event-vocabulary.js";

const text = z.string().nullable();

export const EventTarget = z.object({
  path: text,
  url: text,
  host: text,
  command: text,
});
export type EventTarget = z.infer<typeof EventTarget>;

export const GenAiFields = z.object({
  conversation: z.object({ id: text }),
  provider: z.object({ name: text }),
  request: z.object({ model: text }),
  tool: z.object({
    name: text,
    call: z.object({
      id: text,
      /** The tool's arguments as JSON text (stable column type across tools). */
      arguments: text,
    }),
  }),
});
export type GenAiFields = z.infer<typeof GenAiFields>;

/** Where the event came from, precisely enough to find the raw record again. */
export const RawPointer = z.object({
  source: z.enum(SOURCE_NAMES),
  variant: z.string(),
  /** e.g. `gateway.log:42` or `<blob name>:17`; null when the caller gave no location. */
  ref: text,
});
export type RawPointer = z.infer<typeof RawPointer>;

export const Event = z.object({
  time: z.iso.datetime({ offset: false }),
  user: text,
  host: text,
  source: z.enum(SOURCE_NAMES),
  subsystem: text,
  level: z.enum(EVENT_LEVELS),
  category: z.enum(EVENT_CATEGORIES),
  action: z.string().min(1),
  outcome: z.enum(EVENT_OUTCOMES),
  session_id: text,
  run_id: text,
  agent_id: text,
  gen_ai: GenAiFields,
  target: EventTarget,
  /** Human-readable text with ANSI escapes and control characters removed. */
  message: z.string(),
  raw: RawPointer,
});
export type Event = z.infer<typeof Event>;
