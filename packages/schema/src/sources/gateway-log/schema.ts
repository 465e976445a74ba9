/**
 * The gateway file log: JSON lines written by tslog through OpenClaw's file transport
 * (`/tmp/openclaw/openclaw-YYYY-MM-DD.log` or `logging.file`). Arguments of a log call land in
 * numbered keys "0", "1", "2"; a child logger's bindings come first as a JSON *string*
 * (`"{\"subsystem\":\"gateway/ws\"}"`). Newer versions (2026.x) add top-level `hostname`,
 * `message`, `agent_id`, `session_id`, `channel` and W3C trace fields; older ones wrote only
 * `_meta` and `time`. Two lines are not tslog records at all: the legacy size-cap warning and
 * the queue-overflow marker.
 */
import { z } from "zod";
import { IsoTimestamp } from "../../timestamp.js";
import { describeKeys, isPlainObject, type VariantPick } from "../../source-definition.js";

/** tslog level names; ids 0-6 in the same order (0 silly ... 6 fatal). */
export const TSLOG_LEVEL_NAMES = ["SILLY", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"] as const;

export const TslogMeta = z.looseObject({
  runtime: z.string().optional(),
  runtimeVersion: z.string().optional(),
  hostname: z.string().optional(),
  date: IsoTimestamp,
  logLevelId: z.number().int().min(0).max(6).optional(),
  logLevelName: z.enum(TSLOG_LEVEL_NAMES),
  name: z.string().optional(),
  parentNames: z.array(z.string()).optional(),
  path: z.looseObject({ fullFilePath: z.string().optional(), method: z.string().optional() }).optional(),
});

/** Top-level context fields that OpenClaw 2026.x lifts out of the arguments. */
const ContextFields = {
  hostname: z.string().optional(),
  message: z.string().optional(),
  agent_id: z.string().optional(),
  session_id: z.string().optional(),
  channel: z.string().optional(),
  traceId: z.string().regex(/^[0-9a-f]{32}$/).optional(),
  spanId: z.string().regex(/^[0-9a-f]{16}$/).optional(),
  parentSpanId: z.string().regex(/^[0-9a-f]{16}$/).optional(),
  traceFlags: z.string().regex(/^[0-9a-f]{2}$/).optional(),
};

const Absent = z.never().optional();
const StructuredArg = z.record(z.string(), z.unknown());

/** Parses a child-logger binding string like `{"subsystem":"gateway/ws"}`; undefined if not one. */
export function parseBinding(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== "string" || !value.startsWith("{") || !value.endsWith("}")) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return isPlainObject(parsed) && Object.values(parsed).some((v) => typeof v === "string") ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const Binding = z.string().refine((value) => parseBinding(value) !== undefined, {
  message: "expected a logger binding: a JSON object string such as {\"subsystem\":\"gateway/ws\"}",
});

function tslogLine<T extends z.core.$ZodLooseShape>(args: T) {
  return z.looseObject({ _meta: TslogMeta, time: IsoTimestamp, ...ContextFields, ...args });
}

/** `logger.info("message")` and console output forwarded into the log. */
export const PlainLine = tslogLine({ "0": z.string(), "1": Absent });
/** `child({subsystem}).info("message")`: the most common layout. */
export const SubsystemLine = tslogLine({ "0": Binding, "1": z.string(), "2": Absent });
/** `child({subsystem}).info({structured}, "message")`. */
export const SubsystemObjectMessageLine = tslogLine({ "0": Binding, "1": StructuredArg, "2": z.string(), "3": Absent });
/** `child({subsystem}).info("message", {structured})`. */
export const SubsystemMessageObjectLine = tslogLine({ "0": Binding, "1": z.string(), "2": StructuredArg, "3": Absent });
/** `logVerbose(message)` writes `debug({message}, "verbose")`. */
export const VerboseLine = tslogLine({
  "0": z.looseObject({ message: z.string() }),
  "1": z.literal("verbose"),
  "2": Absent,
});
/** `logger.info({structured}, "message")` without a binding. */
export const ObjectMessageLine = tslogLine({ "0": StructuredArg, "1": z.string(), "2": Absent });
/** Any other argument list tslog can write (kept valid so no record is lost across upgrades). */
export const ArgsLine = tslogLine({ "0": z.unknown() }).refine((line) => "0" in line, {
  message: "a tslog record has at least argument \"0\"",
});

/** Written by 2026.x when the async file queue overflows: records before it were dropped. */
export const QueueOverflowLine = z.looseObject({
  "0": z.string().startsWith("[openclaw] file log queue overflow"),
  _meta: z.looseObject({
    date: IsoTimestamp,
    hostname: z.string().optional(),
    logLevelName: z.literal("WARN"),
    name: z.string().optional(),
  }),
  time: IsoTimestamp,
  hostname: z.string(),
  message: z.string(),
  dropped: z.number().int().positive(),
});

/** Written once by older versions when the log hit `maxFileBytes`; later lines were suppressed. */
export const SizeCapWarningLine = z.strictObject({
  time: IsoTimestamp,
  level: z.literal("warn"),
  subsystem: z.literal("logging"),
  message: z.string().startsWith("log file size cap reached"),
});

export const GATEWAY_LOG_VARIANTS = {
  plain: PlainLine,
  subsystem: SubsystemLine,
  "subsystem-object-message": SubsystemObjectMessageLine,
  "subsystem-message-object": SubsystemMessageObjectLine,
  verbose: VerboseLine,
  "object-message": ObjectMessageLine,
  args: ArgsLine,
  "queue-overflow": QueueOverflowLine,
  "size-cap-warning": SizeCapWarningLine,
} as const;
export type GatewayLogVariant = keyof typeof GATEWAY_LOG_VARIANTS;

/** Every layout at once, for JSON Schema export and documentation. */
export const GatewayLogRecord = z.union(Object.values(GATEWAY_LOG_VARIANTS));
export type GatewayLogRecord = z.infer<typeof GatewayLogRecord>;

/** The numbered arguments "0", "1", ... of a tslog record, in order. */
export function numberedArgs(record: Record<string, unknown>): unknown[] {
  const args: unknown[] = [];
  for (let i = 0; String(i) in record; i++) args.push(record[String(i)]);
  return args;
}

function pick(variant: GatewayLogVariant): VariantPick {
  return { variant, schema: GATEWAY_LOG_VARIANTS[variant] };
}

export function pickGatewayVariant(record: Record<string, unknown>): VariantPick {
  if (!("_meta" in record)) {
    if ("level" in record && "subsystem" in record) return pick("size-cap-warning");
    return {
      unknown: `not an OpenClaw gateway log record: no tslog "_meta" (keys: ${describeKeys(record)})`,
    };
  }
  if ("dropped" in record) return pick("queue-overflow");
  const args = numberedArgs(record);
  const [first, second, third] = args;
  if (parseBinding(first) !== undefined) {
    if (args.length === 2 && typeof second === "string") return pick("subsystem");
    if (args.length === 3 && isPlainObject(second) && typeof third === "string") {
      return pick("subsystem-object-message");
    }
    if (args.length === 3 && typeof second === "string" && isPlainObject(third)) {
      return pick("subsystem-message-object");
    }
    return pick("args");
  }
  if (args.length === 1 && typeof first === "string") return pick("plain");
  if (args.length === 2 && isPlainObject(first) && second === "verbose" && typeof first.message === "string") {
    return pick("verbose");
  }
  if (args.length === 2 && isPlainObject(first) && typeof second === "string") return pick("object-message");
  return pick("args");
}

