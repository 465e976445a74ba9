/**
 * The egress record: the kernel's log line for each new outbound connection of the OpenClaw
 * users (vm/nftables), from the journal's kernel transport (tag `openclaw.egress`), split by the
 * pipeline's `oclog_egress_nft` parser into fields next to the journal's own. `verdict` is the
 * ruleset's prefix: `log` (recorded, let through) or `reject` (not on the allowlist, refused).
 */
import { z } from "zod";
import type { VariantPick } from "../../source-definition.js";

/** The start of every egress line (EGRESS_LOG_PREFIX of the Fluent Bit preset). */
export const EGRESS_PREFIX = "oclog-egress-";

const Port = z.number().int().min(0).max(65535);

export const EgressRecord = z.looseObject({
  message: z.string().startsWith(EGRESS_PREFIX),
  verdict: z.string().regex(/^[a-z]+$/),
  out: z.string(),
  src: z.string().min(1),
  dst: z.string().min(1),
  proto: z.string().min(1),
  spt: Port.optional(),
  dpt: Port.optional(),
  uid: z.number().int().min(0).optional(),
  gid: z.number().int().min(0).optional(),
  _transport: z.literal("kernel").optional(),
  _source_realtime_timestamp: z.string().regex(/^\d+$/).optional(),
});
export type EgressRecord = z.infer<typeof EgressRecord>;

/** `connection` (recorded and let through), `refused` (rejected by the allowlist), or `other:<verdict>`. */
export function pickEgressVariant(record: Record<string, unknown>): VariantPick {
  if (typeof record.message !== "string" || !record.message.startsWith(EGRESS_PREFIX)) {
    return { unknown: `not an egress record: message does not start with ${EGRESS_PREFIX}` };
  }
  const verdict = typeof record.verdict === "string" ? record.verdict.slice(0, 20) : "";
  const variant = verdict === "log" ? "connection" : verdict === "reject" ? "refused" : `other:${verdict}`;
  return { variant, schema: EgressRecord };
}
