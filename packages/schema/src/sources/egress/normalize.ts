import type { Event } from "../../event.js";
import { buildEvent, type NormalizeContext } from "../../event-builder.js";
import { journalTime } from "../journal/normalize.js";

/** `tcp://203.0.113.7:443` (an IPv6 address in brackets), or the bare address without a port. */
export function egressUrl(proto: string, dst: string, dpt: number | undefined): string | null {
  if (dpt === undefined) return null;
  return `${proto.toLowerCase()}://${dst.includes(":") ? `[${dst}]` : dst}:${dpt}`;
}

/** One outbound connection (or refused attempt) as one event; the destination is the target. */
export function normalizeEgress(record: Record<string, unknown>, variant: string, ctx: NormalizeContext): Event[] {
  const proto = record.proto as string;
  const dst = record.dst as string;
  const dpt = record.dpt as number | undefined;
  const refused = variant === "refused";
  const from = `${record.src as string}${record.spt === undefined ? "" : `:${record.spt as number}`}`;
  const to = `${dst}${dpt === undefined ? "" : `:${dpt}`}`;
  return [
    buildEvent("egress", variant, {
      time: journalTime(record, ctx),
      action: refused ? "network.refused" : "network.connect",
      category: "network",
      subsystem: "egress",
      level: refused ? "warn" : "info",
      outcome: refused ? "blocked" : variant === "connection" ? "success" : "unknown",
      target: { host: dst, url: egressUrl(proto, dst, dpt) },
      message: `${record.verdict as string} ${proto} ${from} -> ${to}${record.uid === undefined ? "" : ` uid=${record.uid as number}`}`,
    }, ctx),
  ];
}
