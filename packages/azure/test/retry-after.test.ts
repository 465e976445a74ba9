// Retry-After as Azure services send it: milliseconds headers first, then seconds or an HTTP date.
import test from "ava";
import { parseRetryAfterMs } from "@oclog/azure";

const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name] });

test("seconds, millisecond headers and HTTP dates", (t) => {
  t.is(parseRetryAfterMs(headers({ "retry-after": "3" })), 3000);
  t.is(parseRetryAfterMs(headers({ "retry-after": "1.5" })), 1500);
  t.is(parseRetryAfterMs(headers({ "retry-after-ms": "250", "retry-after": "9" })), 250, "the precise header wins");
  t.is(parseRetryAfterMs(headers({ "x-ms-retry-after-ms": "40" })), 40);
  const now = Date.parse("2025-03-01T00:00:00Z");
  t.is(parseRetryAfterMs(headers({ "retry-after": "Sat, 01 Mar 2025 00:00:05 GMT" }), now), 5000);
  t.is(parseRetryAfterMs(headers({ "retry-after": "Fri, 28 Feb 2025 23:59:00 GMT" }), now), 0, "a date in the past means now");
});

test("absent or unreadable values say nothing (null), so the caller backs off on its own", (t) => {
  t.is(parseRetryAfterMs(headers({})), null);
  t.is(parseRetryAfterMs(headers({ "retry-after": "soon" })), null);
  t.is(parseRetryAfterMs(headers({ "retry-after": "-3" })), null);
  t.is(parseRetryAfterMs(headers({ "retry-after-ms": "", "retry-after": "2" })), 2000, "an empty ms header is skipped, not read as 0");
  t.is(parseRetryAfterMs(headers({ "x-ms-retry-after-ms": "-5" })), null);
});
