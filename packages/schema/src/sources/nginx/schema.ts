/**
 * The gate's access log: one JSON object per request through nginx in front of the gateway,
 * written by the `oclog_json` log_format of vm/nginx/oclog-gateway.conf and tailed by Fluent
 * Bit (tag `openclaw.nginx`, parser `oclog_nginx`). The query string is not logged (it can carry
 * tokens); `gate` is the gate's refusal code, empty when the request went through.
 */
import { z } from "zod";
import { IsoTimestamp } from "../../timestamp.js";
import type { VariantPick } from "../../source-definition.js";

export const NginxAccessRecord = z.looseObject({
  /** `$time_iso8601`: seconds, with the server's offset. */
  time: IsoTimestamp,
  /** `$msec`: seconds since the epoch with milliseconds, as text (exact, unlike a JSON float). */
  msec: z.string().regex(/^\d{9,11}\.\d{3}$/, "expected $msec: seconds.milliseconds"),
  request_id: z.string().regex(/^[0-9a-f]{32}$/),
  remote_addr: z.string().min(1),
  // Empty for a request nginx could not parse (it answers 400 itself).
  request_method: z.string(),
  uri: z.string(),
  server_protocol: z.string(),
  http_status: z.number().int().min(0).max(999),
  body_bytes_sent: z.number().int().min(0),
  request_time: z.number().min(0),
  /** Empty when nginx answered itself; several comma-separated codes after upstream retries. */
  upstream_status: z.string(),
  http_upgrade: z.string(),
  http_user_agent: z.string(),
  gate: z.string().max(64),
});
export type NginxAccessRecord = z.infer<typeof NginxAccessRecord>;

/** `gate-refused` (the gate answered 503), `proxied` (the gateway answered), or `local` (nginx itself). */
export function pickNginxVariant(record: Record<string, unknown>): VariantPick {
  if (typeof record.request_id !== "string" || !("http_status" in record)) {
    return { unknown: "not a gate access log record: needs request_id and http_status" };
  }
  if (typeof record.gate === "string" && record.gate !== "") return { variant: "gate-refused", schema: NginxAccessRecord };
  if (typeof record.upstream_status === "string" && record.upstream_status !== "") return { variant: "proxied", schema: NginxAccessRecord };
  return { variant: "local", schema: NginxAccessRecord };
}
