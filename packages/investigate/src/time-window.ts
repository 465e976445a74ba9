/**
 * The investigation window from `--since` / `--until`: ISO 8601 times (a value without a zone,
 * or a bare date, is read in `--tz`, else UTC) or relative ages (`7d` = now minus 7 days), and
 * time display in a named zone. Pure: `now` is passed in.
 */
import { UsageError } from "@oclog/errors";
import { DURATION_EXAMPLES, readDuration } from "@oclog/schema";
import { quoteUntrusted } from "./sensitive.js";

/**
 * Both ends are inclusive; a missing end is unbounded. A case applies it to each event's own time
 * and to its blob's upload time: an event stamped outside the window stays, marked, when its blob
 * was uploaded inside it, so a backdated record cannot hide from a window (envelope-checks.ts).
 */
export interface TimeWindow {
  since?: Date;
  until?: Date;
}

export interface TimeWindowInput {
  since?: string | undefined;
  until?: string | undefined;
  /** IANA zone for zone-less values; default UTC. */
  tz?: string | undefined;
  /** The moment relative ages count back from; default the current time. */
  now?: Date | undefined;
}

const TIME_HINT =
  "use ISO 8601 such as 2026-11-25T08:00:00Z, 2026-11-25T09:00+01:00, 2026-11-25 (midnight in --tz, else UTC), " +
  `or an age such as ${DURATION_EXAMPLES} (meaning that long before now)`;
const ZONE_EXAMPLE = "use an IANA zone name such as Europe/Berlin, America/New_York or UTC";

// Beyond this an age is a typo, and Date arithmetic would leave the representable range.
const MAX_AGE_MS = 200 * 365 * 86_400_000;

const ISO =
  /^(?<y>\d{4})-(?<mo>\d{2})-(?<d>\d{2})(?:[T ](?<h>\d{2}):(?<mi>\d{2})(?::(?<s>\d{2})(?:[.,](?<f>\d{1,9}))?)?(?<zone>Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** Parses `--since` and `--until` into a window; UsageError for unreadable values or since > until. */
export function parseTimeWindow(input: TimeWindowInput): TimeWindow {
  const now = input.now ?? new Date();
  const tz = input.tz === undefined ? "UTC" : assertTimeZone(input.tz, "--tz");
  const window: TimeWindow = {};
  if (input.since !== undefined) window.since = parseTimeArg(input.since, "--since", { tz, now });
  if (input.until !== undefined) window.until = parseTimeArg(input.until, "--until", { tz, now });
  if (window.since && window.until && window.since.getTime() > window.until.getTime()) {
    throw new UsageError(
      `--since (${window.since.toISOString()}) is after --until (${window.until.toISOString()}): the window is empty`,
      {
        hint: "swap the two values, or remember that an age like 7d means 7 days before now (so --since 1d --until 7d is backwards)",
        context: { since: window.since.toISOString(), until: window.until.toISOString() },
      },
    );
  }
  return window;
}

/** Parses one time value; `flag` names the option in the error. */
export function parseTimeArg(value: string, flag: string, options: { tz?: string; now?: Date } = {}): Date {
  const text = value.trim();
  const now = options.now ?? new Date();
  // An age uses the one duration grammar of every flag (@oclog/schema's duration.ts).
  const ms = readDuration(text);
  if (ms !== undefined) {
    if (ms > MAX_AGE_MS) throw bad(flag, value, "the age is longer than 200 years");
    return new Date(now.getTime() - ms);
  }
  if (text.toLowerCase() === "now") return new Date(now.getTime());
  const iso = ISO.exec(text);
  if (!iso) throw bad(flag, value);
  const g = iso.groups!;
  const fields = {
    year: Number(g.y),
    month: Number(g.mo),
    day: Number(g.d),
    hour: g.h === undefined ? 0 : Number(g.h),
    minute: g.mi === undefined ? 0 : Number(g.mi),
    second: g.s === undefined ? 0 : Number(g.s),
    // Sub-millisecond digits are dropped: Date holds milliseconds.
    ms: g.f === undefined ? 0 : Number(g.f.padEnd(3, "0").slice(0, 3)),
  };
  const problem = calendarProblem(fields);
  if (problem) throw bad(flag, value, problem);
  const wall = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second, fields.ms);
  if (g.zone !== undefined) {
    const offset = parseOffset(g.zone);
    if (offset === undefined) throw bad(flag, value, "the UTC offset is out of range");
    return new Date(wall - offset);
  }
  return new Date(wallTimeToUtc(wall, options.tz === undefined ? "UTC" : assertTimeZone(options.tz, "--tz")));
}

/** Returns the zone name if Intl knows it; UsageError naming the flag otherwise. */
export function assertTimeZone(tz: string, flag = "--tz"): string {
  if (tz.length > 0 && tz.length <= 64 && /^[A-Za-z0-9_+\-/]+$/.test(tz)) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz });
      return tz;
    } catch {
      // Unknown to ICU: reported below with the same message as a malformed name.
    }
  }
  throw new UsageError(`${flag}: unknown time zone ${quoteUntrusted(tz)}`, { hint: ZONE_EXAMPLE, context: { flag } });
}

/** `2026-11-25 09:55:16 +01:00` for `date` in zone `tz` (validated; UsageError if unknown). */
export function formatInZone(date: Date, tz: string): string {
  assertTimeZone(tz);
  const utc = date.getTime();
  const p = wallClock(utc, tz);
  const offset = Math.round(zoneOffsetMs(utc, tz) / 60_000);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)} ${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function bad(flag: string, value: string, why?: string): UsageError {
  return new UsageError(`${flag}: cannot read ${quoteUntrusted(value)} as a time${why ? ` (${why})` : ""}`, {
    hint: TIME_HINT,
    context: { flag },
  });
}

function calendarProblem(f: { year: number; month: number; day: number; hour: number; minute: number; second: number }): string | undefined {
  if (f.month < 1 || f.month > 12) return "no such month";
  const daysInMonth = new Date(Date.UTC(f.year, f.month, 0)).getUTCDate();
  if (f.day < 1 || f.day > daysInMonth) return "no such day in that month";
  if (f.hour > 23 || f.minute > 59 || f.second > 59) return "no such time of day";
  return undefined;
}

/** `Z`, `+01`, `+0100`, `+01:00` → milliseconds east of UTC; undefined beyond ±18:00. */
function parseOffset(zone: string): number | undefined {
  if (zone.toUpperCase() === "Z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 18 || minutes > 59 || (hours === 18 && minutes > 0)) return undefined;
  return sign * (hours * 60 + minutes) * 60_000;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClock(utcMs: number, tz: string): WallClock {
  let formatter = formatters.get(tz);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(tz, formatter);
  }
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(utcMs))) {
    if (part.type !== "literal" && part.type !== "era") parts[part.type] = Number(part.value);
  }
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** Offset of `tz` at instant `utcMs`, in ms east of UTC (whole seconds). */
function zoneOffsetMs(utcMs: number, tz: string): number {
  const p = wallClock(utcMs, tz);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(utcMs / 1000) * 1000;
}

/**
 * The instant a wall-clock time in `tz` names. Like Temporal's "compatible" choice: in a
 * fall-back overlap the earlier instant, in a spring-forward gap the time moved forward by the gap.
 */
function wallTimeToUtc(wallMs: number, tz: string): number {
  // Real zones never change offset twice within two days, so the offsets a day either side
  // are the only candidates.
  const before = zoneOffsetMs(wallMs - 86_400_000, tz);
  const after = zoneOffsetMs(wallMs + 86_400_000, tz);
  const candidates = [...new Set([before, zoneOffsetMs(wallMs, tz), after])]
    .map((offset) => wallMs - offset)
    .filter((utc) => zoneOffsetMs(utc, tz) === wallMs - utc)
    .sort((a, b) => a - b);
  if (candidates.length > 0) return candidates[0]!;
  return wallMs - before;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
