/**
 * The one duration grammar of every oclog flag: a whole number and a unit, s m h d or w ("30s",
 * "90m", "36h", "7d", "2w"; "1.5h" is written "90m"). `--since 7d` reads it as an age,
 * `--threshold 48h` as a length. It lives here, the lowest package that both `investigate` (time windows) and `sas` (rotation)
 * depend on, beside the other time parsing (timestamp.ts). Pure.
 */
import { UsageError, quoteUntrusted } from "@oclog/errors";

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
// At most nine integer digits: longer is a typo, and keeps the result far inside a safe integer.
const DURATION = /^(?<n>\d{1,9})(?<unit>[smhdw])$/;

/** Example durations for hints. */
export const DURATION_EXAMPLES = "30s, 90m, 36h, 7d, 2w";

/** `text` as milliseconds, or undefined when it is not a duration (so callers can try other forms). */
export function readDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  return Number(match.groups!.n) * UNIT_MS[match.groups!.unit as keyof typeof UNIT_MS];
}

/** `text` as milliseconds; a UsageError naming `flag` when it is not a duration. */
export function parseDuration(text: string, flag: string): number {
  const ms = readDuration(text);
  if (ms === undefined) {
    throw new UsageError(`${flag} ${quoteUntrusted(text)} is not a duration`, { hint: `e.g. ${DURATION_EXAMPLES}`, context: { flag } });
  }
  return ms;
}
