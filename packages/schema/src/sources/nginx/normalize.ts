import type { Event, EventCategory, EventLevel, EventOutcome } from "../../event.js";
import { buildEvent, type NormalizeContext } from "../../event-builder.js";

/** 401 and 403: the gateway refused the caller's credentials (a guessed or stale token). */
export function isDenied(status: number): boolean {
  return status === 401 || status === 403;
}

/** `$msec` (`1732528194.841`) as epoch milliseconds, exactly. */
export function msecToMillis(msec: string): number {
  return Number(msec.replace(".", ""));
}

/**
 * One request as one event. `target.host` is the client's address (as for the gateway's own
 * auth failures: the other end of the connection), `target.url` the path it asked for.
 */
export function normalizeNginx(record: Record<string, unknown>, variant: string, ctx: NormalizeContext): Event[] {
  const status = record.http_status as number;
  const gate = record.gate as string;
  const refused = variant === "gate-refused";
  const denied = !refused && isDenied(status);
  const action = refused ? "gate.refused" : denied ? "http.denied" : "http.request";
  const category: EventCategory = denied ? "auth" : "access";
  const outcome: EventOutcome = refused ? "blocked" : status >= 400 ? "failure" : status > 0 ? "success" : "unknown";
  const level: EventLevel = status >= 500 && !refused ? "error" : status >= 400 ? "warn" : "info";
  const method = (record.request_method as string) || "-";
  return [
    buildEvent("nginx", variant, {
      time: msecToMillis(record.msec as string),
      action,
      category,
      subsystem: refused ? "nginx/gate" : "nginx",
      level,
      outcome,
      target: { url: record.uri as string, host: record.remote_addr as string },
      message: `${method} ${record.uri as string} ${status}${refused ? ` gate=${gate}` : ""} from ${record.remote_addr as string}`,
    }, ctx),
  ];
}
