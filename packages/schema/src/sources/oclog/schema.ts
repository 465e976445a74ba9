/**
 * oclog's own events: what its parts did to the record's machinery (a SAS checked or rotated, a
 * SAS installed and Fluent Bit reloaded, shipping marked failing or ok), sent through the SDK's
 * emitter to Fluent Bit's forward input (tag `openclaw.oclog`). The emitter refuses a record this
 * schema does not accept.
 */
import { z } from "zod";
import type { VariantPick } from "../../source-definition.js";
import { EVENT_LEVELS, EVENT_OUTCOMES } from "../../event-vocabulary.js";

/** The parts of oclog that send events. */
export const OCLOG_COMPONENTS = ["sas-rotate", "sas-install", "guard", "collect"] as const;

export const OclogEventRecord = z.looseObject({
  /** What happened, dotted (`sas.rotated`, `guard.failing`). */
  event: z.string().regex(/^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$/, "expected a dotted event name such as sas.rotated").max(80),
  component: z.enum(OCLOG_COMPONENTS),
  /** One line for people; the fields beside it say the rest. Never a secret. */
  message: z.string().max(2000).optional(),
  outcome: z.enum(EVENT_OUTCOMES).optional(),
  level: z.enum(EVENT_LEVELS).optional(),
  /** The VM the event is about (rotations run on the host, about a VM). */
  vm: z.string().max(253).optional(),
});
export type OclogEventRecord = z.infer<typeof OclogEventRecord>;

/** The component is the variant. */
export function pickOclogVariant(record: Record<string, unknown>): VariantPick {
  if (typeof record.event !== "string" || typeof record.component !== "string") {
    return { unknown: "not an oclog event: needs event and component" };
  }
  return { variant: record.component.slice(0, 40), schema: OclogEventRecord };
}
