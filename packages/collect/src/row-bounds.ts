/**
 * The bounds every row is held to before it is spooled and sent. A row past one of them is sent
 * as a marked invalid record with a truncated raw prefix (collected-record.ts), so one hostile
 * row never blocks its neighbours: the forward encoder (@msgpack/msgpack) refuses records nested
 * past 100 levels, JSON.stringify (the spool) overflows the stack far deeper, and a row of
 * hundreds of megabytes would be held several times over (SQLite, JS string, parsed value, spool).
 */

/** Deepest nesting a record may have (the record object itself is level 1). The encoder's limit is 100, and the envelope and the forward entry add levels. */
export const MAX_RECORD_DEPTH = 64;

/**
 * Largest row text (event_json, payload_json, or what event_zstd decompresses to), in bytes. Fluent
 * Bit's tail inputs cut lines at 4M (openclaw-vm preset); a forward message must stay under its
 * forward input's buffer_max_size (6M by default) with its neighbours.
 */
export const MAX_ROW_BYTES = 4 * 1024 * 1024;

/** How much of an invalid row's raw text travels with the mark (characters). */
export const RAW_PREFIX = 2_000;

/** Whether `value` nests deeper than `limit` levels; iterative, so any depth is safe to ask about. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (typeof node !== "object" || node === null) continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === "object" && child !== null) stack.push({ node: child, depth: depth + 1 });
    }
  }
  return false;
}
