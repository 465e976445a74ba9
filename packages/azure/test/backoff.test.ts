// The shared backoff: doubling, capped, and jittered within [half, full] of the nominal wait.
import test from "ava";
import { backoffMs } from "@oclog/azure";

const policy = { baseDelayMs: 100, maxDelayMs: 1000 };

test("the wait doubles per retry and stops at the cap (jitter at its top)", (t) => {
  t.deepEqual([1, 2, 3, 4, 5, 6].map((retry) => backoffMs(retry, policy, () => 1)), [100, 200, 400, 800, 1000, 1000]);
});

test("jitter never goes below half the nominal wait", (t) => {
  t.deepEqual([1, 2, 3, 5].map((retry) => backoffMs(retry, policy, () => 0)), [50, 100, 200, 500]);
  t.is(backoffMs(3, policy, () => 0.5), 300, "the middle of [200, 400]");
});

test("with the real random source every wait stays within its bounds, and they differ", (t) => {
  const waits = Array.from({ length: 200 }, () => backoffMs(4, policy));
  t.true(waits.every((ms) => ms >= 400 && ms <= 800), `out of [400, 800]: ${waits.filter((ms) => ms < 400 || ms > 800).join(", ")}`);
  t.true(new Set(waits).size > 10, "parallel retries spread out instead of waiting in lockstep");
});

test("a retry number below 1 is treated as the first retry, not as a shorter wait", (t) => {
  t.is(backoffMs(0, policy, () => 1), 100);
});
