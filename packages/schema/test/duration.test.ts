// The one duration grammar every flag uses (--since/--until ages, --threshold, --lifetime, --failing-after).
import test from "ava";
import { UsageError } from "@oclog/errors";
import { parseDuration, readDuration } from "@oclog/schema";

test("every unit reads, s through w", (t) => {
  t.is(readDuration("30s"), 30_000);
  t.is(readDuration("90m"), 5_400_000);
  t.is(readDuration("36h"), 129_600_000);
  t.is(readDuration("7d"), 604_800_000);
  t.is(readDuration("2w"), 1_209_600_000);
  t.is(readDuration(" 48h "), 172_800_000);
});

test("anything else is not a duration: undefined from readDuration, a UsageError naming the flag from parseDuration", (t) => {
  for (const text of ["", "30", "h", "7 d", "-1d", "1y", "7D", "1.5h", "1234567890s", "2026-11-25"]) t.is(readDuration(text), undefined, text);
  const error = t.throws(() => parseDuration("7y", "--lifetime"), { instanceOf: UsageError });
  t.regex(error.message, /^--lifetime "7y" is not a duration$/);
  t.regex(error.hint ?? "", /30s.*7d/);
});
