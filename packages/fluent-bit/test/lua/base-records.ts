// The real records the redaction tests plant secrets into, and the path helpers they use (shared
// by the LuaJIT test and the Lua/TypeScript parity test, so both plant into the same records).
import { captureRecords, shippedRecords, type JsonObject, type RealRecord } from "@oclog/test-kit/records";

export type Path = ReadonlyArray<string | number>;

export function get(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown> | undefined)?.[k], value);
}

/** Sets `path` in `root`, creating objects (string keys) and arrays (numeric keys) on the way. */
export function setPath(root: unknown, path: Path, value: unknown): void {
  let node = root as Record<string | number, unknown>;
  path.forEach((key, i) => {
    if (i === path.length - 1) node[key] = value;
    else node = (node[key] ??= typeof path[i + 1] === "number" ? [] : {}) as Record<string | number, unknown>;
  });
}

function find(records: RealRecord[], what: string, pred: (r: JsonObject) => boolean): RealRecord {
  const hit = records.find((r) => pred(r.record));
  if (!hit) throw new Error(`no real record: ${what}`);
  return hit;
}

/** One real record of each shape a secret can hide in. */
export function baseRecords() {
  const capture = captureRecords();
  const shipped = shippedRecords();
  return {
    gateway: find(capture, "gateway log line", (r) => typeof r.message === "string" && "1" in r),
    toolCall: find(capture, "transcript tool call", (r) => get(r, ["message", "content", 0, "type"]) === "toolCall"),
    fetchCall: find(capture, "transcript web_fetch call", (r) => get(r, ["message", "content", 0, "name"]) === "web_fetch"),
    toolResult: find(capture, "transcript tool result", (r) => get(r, ["message", "role"]) === "toolResult"),
    trajectory: find(capture, "trajectory event with data", (r) => r.traceSchema === "openclaw-trajectory" && typeof r.data === "object"),
    usage: find(capture, "assistant message with usage", (r) => typeof get(r, ["message", "usage", "totalTokens"]) === "number"),
    configAudit: find(capture, "config audit with argv", (r) => Array.isArray(r.argv)),
    ledger: find(capture, "audit ledger row", (r) => typeof r.event_id === "string"),
    sqliteRow: find(capture, "sqlite event row", (r) => typeof get(r, ["row", "event_json"]) === "string"),
    shippedGateway: find(shipped, "shipped gateway record", (r) => typeof r.message === "string" && typeof r.log === "string"),
    shippedTranscript: find(shipped, "shipped transcript message", (r) => typeof get(r, ["message", "content"]) === "string" && typeof r.log === "string"),
  };
}
