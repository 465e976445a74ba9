import type { Event } from "../../event.js";
import { buildEvent, type NormalizeContext } from "../../event-builder.js";
import type { OclogEventRecord } from "./schema.js";

/** One oclog event as one event of category `pipeline`, at the time Fluent Bit received it. */
export function normalizeOclog(record: Record<string, unknown>, variant: string, ctx: NormalizeContext): Event[] {
  const r = record as OclogEventRecord;
  return [
    buildEvent("oclog", variant, {
      time: ctx.time ?? undefined,
      action: r.event,
      category: "pipeline",
      subsystem: `oclog/${r.component}`,
      level: r.level ?? (r.outcome === "failure" ? "warn" : "info"),
      outcome: r.outcome ?? "unknown",
      message: r.message ?? r.event,
    }, ctx),
  ];
}
