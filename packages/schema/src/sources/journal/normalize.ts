import type { Event, EventLevel, EventOutcome } from "../../event.js";
import { buildEvent, type NormalizeContext } from "../../event-builder.js";
import { UNIT_MESSAGES } from "./schema.js";

/** syslog priorities 0-7 as event levels. */
export function priorityLevel(priority: unknown): EventLevel {
  switch (priority) {
    case "0":
    case "1":
    case "2":
      return "fatal";
    case "3":
      return "error";
    case "4":
      return "warn";
    case "7":
      return "debug";
    default:
      return "info";
  }
}

/** When the entry was logged: the process's own time, else the journal's (the record time). */
export function journalTime(record: Record<string, unknown>, ctx: NormalizeContext): number | string | undefined {
  const micros = record._source_realtime_timestamp;
  if (typeof micros === "string") return Math.floor(Number(micros) / 1000);
  return ctx.time ?? undefined;
}

/** How a unit message ended: exit status 0 and `done` jobs succeeded; failures, kills and restarts did not. */
function unitOutcome(action: string, record: Record<string, unknown>): EventOutcome {
  switch (action) {
    case "service.started":
    case "service.stopped":
    case "service.reloaded":
      return record.job_result === undefined || record.job_result === "done" ? "success" : "failure";
    case "service.exited":
      return record.exit_code === "exited" && record.exit_status === "0" ? "success" : "failure";
    case "service.succeeded":
      return "success";
    case "service.start_failed":
    case "service.failed":
    case "service.restart_scheduled":
    case "service.oom_killed":
    case "service.log_suppressed":
      return "failure";
    default:
      return "unknown";
  }
}

/** One journal entry as one event; the unit is the subsystem. */
export function normalizeJournal(record: Record<string, unknown>, variant: string, ctx: NormalizeContext): Event[] {
  // A line is attributed to the unit journald saw it come from, whatever unit it names.
  const unit = (variant === "unit" ? record.unit : record._systemd_unit ?? record.unit) as string;
  const action = variant === "unit" ? UNIT_MESSAGES[record.message_id as string]! : "service.log";
  const outcome = variant === "unit" ? unitOutcome(action, record) : "unknown";
  const level = variant === "unit" && outcome === "failure" ? "error" : priorityLevel(record.priority);
  return [
    buildEvent("journal", variant, {
      time: journalTime(record, ctx),
      action,
      category: "system",
      subsystem: unit,
      level,
      outcome,
      message: typeof record.message === "string" ? record.message : action,
    }, ctx),
  ];
}
