/** "7d", "48h", "90m", "30s" as milliseconds (the flags of `oclog sas`). */
import { UsageError } from "@oclog/errors";

const UNIT: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text.trim());
  if (!match) throw new UsageError(`${flag} ${JSON.stringify(text)} is not a duration`, { hint: "e.g. 7d, 48h, 90m" });
  return Number(match[1]) * UNIT[match[2]!]!;
}
