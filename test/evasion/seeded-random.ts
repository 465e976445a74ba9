/**
 * A small seeded pseudo-random source (over test/hostile/hostile-random.ts's `seeded`), so the corpus is the same on every machine
 * for the same seed: a miss measured today can be re-run tomorrow. Not for anything secret.
 */
import { seeded } from "../hostile/hostile-random.js";

export interface SeededRandom {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** A lowercase hex string of `length` characters. */
  hex(length: number): string;
  /** A random-looking v4 UUID (for session ids). */
  uuid(): string;
}

export function seededRandom(seed: number): SeededRandom {
  // The same generator the hostile-input fuzzers use (sha256 of seed and counter).
  const next = seeded(`evasion:${seed}`);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const hex = (length: number) => Array.from({ length }, () => "0123456789abcdef"[int(0, 15)]).join("");
  return {
    next,
    int,
    pick: <T>(items: readonly T[]) => {
      if (items.length === 0) throw new Error("pick from an empty list");
      return items[int(0, items.length - 1)]!;
    },
    hex,
    uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${"89ab"[int(0, 3)]}${hex(3)}-${hex(12)}`,
  };
}
