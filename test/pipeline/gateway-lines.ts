/**
 * Real gateway file-log lines, from a real OpenClaw capture (test/fixtures/openclaw-2026.9.6/),
 * made unique for counting: line i is the capture's line i mod n with its time stamps (`time`
 * and `_meta.date`) moved to `t0 + i` ms. Nothing else in the line changes, so each line is still
 * what OpenClaw writes, and a line seen in a blob names exactly one write.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const CAPTURE = new URL("../fixtures/openclaw-2026.9.6/gateway.log", import.meta.url);

let captured: Record<string, unknown>[] | undefined;

function capturedLines(): Record<string, unknown>[] {
  captured ??= readFileSync(CAPTURE, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return captured;
}

/** tslog's time stamp: 2026-11-25T09:49:54.841+00:00. */
function tslogTime(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+00:00");
}

/** The `i`-th line (without its newline). */
export function gatewayLine(i: number, t0: number): string {
  const lines = capturedLines();
  const source = lines[i % lines.length]!;
  const meta = source._meta as Record<string, unknown> | undefined;
  // Spreading keeps each key where the capture had it: the line's shape does not change.
  return JSON.stringify({ ...source, ...(meta ? { _meta: { ...meta, date: new Date(t0 + i).toISOString() } } : {}), time: tslogTime(t0 + i) });
}

/** Lines `from` (inclusive) to `to` (exclusive). */
export function gatewayLines(from: number, to: number, t0: number): string[] {
  return Array.from({ length: to - from }, (_, k) => gatewayLine(from + k, t0));
}

/** The file OpenClaw writes line `i` to when `logging.file` is unset: named by the line's date. */
export function logFileFor(logDir: string, i: number, t0: number): string {
  return join(logDir, `openclaw-${new Date(t0 + i).toISOString().slice(0, 10)}.log`);
}
