// Seeded hostile inputs for the fuzz-style tests of issue 20: every surface takes real records (from
// test/fixtures) and mutates them with these, so a failure names its seed and replays on any machine.
import { createHash } from "node:crypto";

/** Deterministic numbers in [0, 1) from a seed: the same inputs on every run and machine. */
export function seeded(seed: string): () => number {
  let n = 0;
  return () => createHash("sha256").update(`${seed}:${n++}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** Seeded choices: whole numbers, coin flips, picks. */
export class Dice {
  protected readonly next: () => number;
  constructor(seed: string) {
    this.next = seeded(seed);
  }
  /** A whole number in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  /** A number in [min, max). */
  real(min: number, max: number): number {
    return min + this.next() * (max - min);
  }
  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}

/**
 * Strings an attacker-controlled agent can put in any field: terminal escapes (colour, title, OSC 52
 * clipboard write, cursor moves), bidi overrides, CR/LF/NUL, prototype keys, path traversal,
 * template syntax Fluent Bit and shells expand, and odd Unicode.
 */
export const HOSTILE_STRINGS: readonly string[] = [
  "\x1b[31mred\x1b[0m",
  "\x1b]0;pwned\x07",
  "\x1b]52;c;cm0gLXJmIH4=\x07",
  "\x1b[2J\x1b[H",
  "\x9b31m",
  "\u202egnp.exe",
  "line\r\nforged: true",
  "cr\ronly",
  "nul\x00byte",
  "__proto__",
  "constructor",
  "prototype",
  "../../other/container",
  "..%2f..%2fother",
  "${AZURE_STORAGE_SAS}",
  "$(id)",
  "`id`",
  "'; DROP TABLE events; --",
  "\ud800",
  "\uffff\ufeff",
  "a".repeat(70_000),
];

/** One hostile string, sometimes spliced into `base` at a random place. */
export function hostileString(dice: Dice, base = ""): string {
  const bad = dice.pick(HOSTILE_STRINGS);
  if (!base || dice.chance(0.3)) return bad;
  const at = dice.int(0, base.length);
  return base.slice(0, at) + bad + base.slice(at);
}

/** A copy of a JSON value with one string leaf, key or structure replaced by something hostile. */
export function mutateRecord(dice: Dice, value: unknown): unknown {
  const copy = structuredClone(value);
  const leaves: { holder: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const stack: unknown[] = [copy];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== "object") continue;
    for (const [key, child] of Object.entries(node)) {
      leaves.push({ holder: node as Record<string, unknown>, key: Array.isArray(node) ? Number(key) : key });
      stack.push(child);
    }
  }
  if (leaves.length === 0) return hostileString(dice);
  const { holder, key } = dice.pick(leaves);
  const target = holder as Record<string | number, unknown>;
  switch (dice.int(0, 3)) {
    case 0:
      target[key] = hostileString(dice, typeof target[key] === "string" ? (target[key] as string) : "");
      break;
    case 1:
      target[key] = deepNest(dice.int(50, 5_000));
      break;
    case 2:
      if (!Array.isArray(holder)) Object.defineProperty(holder, dice.pick(["__proto__", "constructor", "toString"]), { value: hostileString(dice), enumerable: true, configurable: true, writable: true });
      break;
    default:
      target[key] = dice.pick([null, -0, 2 ** 64, Number.MAX_VALUE, [], {}, true, ""]);
  }
  return copy;
}

/** `{"a":{"a":...}}` nested `depth` levels, built without recursion. */
export function deepNest(depth: number): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}
