/**
 * The size of a record as the forward protocol carries it (MessagePack), computed without
 * encoding it and without recursion. JSON size is not enough: `0.5,` is 4 bytes of JSON and 9
 * of MessagePack (a float64), so an array of numbers more than doubles on the wire, and Fluent
 * Bit never acknowledges a message past its forward input's buffer.
 */

function strBytes(s: string): number {
  const n = Buffer.byteLength(s);
  return n + (n < 32 ? 1 : n < 256 ? 2 : n < 65536 ? 3 : 5);
}

function numberBytes(n: number): number {
  if (!Number.isInteger(n) || !Number.isSafeInteger(n)) return 9;
  const a = n < 0 ? -n - 1 : n;
  if (n >= -32 && n < 128) return 1;
  return a < 128 ? 2 : a < 32768 ? 3 : a < 2 ** 31 ? 5 : 9;
}

function headerBytes(count: number): number {
  return count < 16 ? 1 : count < 65536 ? 3 : 5;
}

/** Bytes `value` takes as MessagePack (an upper bound where encoders may choose; exact for JSON values). */
export function wireSize(value: unknown): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "string") total += strBytes(v);
    else if (typeof v === "number") total += numberBytes(v);
    else if (v === null || typeof v === "boolean" || v === undefined) total += 1;
    else if (Array.isArray(v)) {
      total += headerBytes(v.length);
      for (const item of v) stack.push(item);
    } else if (typeof v === "object") {
      const entries = Object.entries(v);
      total += headerBytes(entries.length);
      for (const [k, item] of entries) {
        total += strBytes(k);
        stack.push(item);
      }
    } else total += 9;
  }
  return total;
}
