/**
 * How deep a record nests, asked without recursion: records come from agents, and an agent can
 * write JSON nested a hundred thousand levels deep, which would overflow any recursive walk.
 */

/** Whether `value` has an object or array deeper than `limit` levels (`value` itself is level 1). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  // Two parallel stacks, not one of {node, depth} objects: this runs once per emitted record.
  const nodes: unknown[] = [value];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop();
    const depth = depths.pop()!;
    if (typeof node !== "object" || node === null) continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === "object" && child !== null) {
        nodes.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}
