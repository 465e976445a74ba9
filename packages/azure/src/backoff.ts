/**
 * The wait before a retry. Capped exponential growth with "equal jitter": half the capped wait
 * is fixed, the other half random, so parallel workers hit by the same failure spread out
 * instead of retrying in lockstep, and no wait is shorter than half the nominal one.
 */

/** Waits doubling from `baseDelayMs`, never above `maxDelayMs`. */
export interface BackoffPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Wait before retry number `retry` (1 for the first retry): in [capped/2, capped], capped = min(max, base * 2^(retry-1)). */
export function backoffMs(retry: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const capped = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (Math.max(1, retry) - 1));
  return Math.round(capped / 2 + (capped / 2) * random());
}
