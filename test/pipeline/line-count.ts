/**
 * Lines written against records in blobs: how many arrived, how many never did, and how many
 * arrived more than once. A tailed record keeps its source line in `log`, so a line and its
 * record are matched by that text (gateway-lines.ts makes every written line unique).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { gatewayLines } from "./gateway-lines.js";
import type { ShippedRecord } from "./shipping-rig.js";

export interface LineCount {
  written: number;
  inBlobs: number;
  lost: number;
  duplicated: number;
}

/** Counts `expected` lines among the shipped records of `source`. */
export function countLines(expected: readonly string[], shipped: readonly ShippedRecord[], source = "gateway"): LineCount {
  const seen = new Map<string, number>();
  for (const { record } of shipped) {
    if (record.oclog_source !== source) continue;
    const line = String(record.log);
    seen.set(line, (seen.get(line) ?? 0) + 1);
  }
  let lost = 0;
  let duplicated = 0;
  let inBlobs = 0;
  for (const line of expected) {
    const n = seen.get(line) ?? 0;
    if (n === 0) lost++;
    if (n > 1) duplicated += n - 1;
    inBlobs += n;
  }
  return { written: expected.length, inBlobs, lost, duplicated };
}

/** A gateway-log-writer.ts process. */
export interface LogWriter {
  /** Lines written so far. */
  written(): number;
  /** Resolves when all lines are written. */
  readonly done: Promise<void>;
  /** Every line it writes, in order. */
  readonly lines: string[];
  /** Resolves once at least `n` lines are written. */
  reached(n: number): Promise<void>;
  /** Ends it early (a test that failed). */
  stop(): void;
}

const WRITER = fileURLToPath(new URL("./gateway-log-writer.ts", import.meta.url));
const writers = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of writers) child.kill("SIGKILL");
});

/** Starts a writer of `count` real gateway lines at `rate` per second into `dir`, times from `t0`. */
export function startLogWriter(dir: string, options: { t0: number; rate: number; count: number }): LogWriter {
  const child = spawn(process.execPath, ["--import", "tsx", WRITER, dir, String(options.t0), String(options.rate), String(options.count)], { stdio: ["ignore", "pipe", "inherit"] });
  let written = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  let buffer = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split("\n");
    buffer = lines.pop()!;
    for (const line of lines) {
      const n = Number(/^(?:written|done) (\d+)$/.exec(line)?.[1] ?? Number.NaN);
      if (Number.isFinite(n)) written = Math.max(written, n);
    }
    for (const waiter of waiters.splice(0)) {
      if (written >= waiter.n) waiter.resolve();
      else waiters.push(waiter);
    }
  });
  writers.add(child);
  const done = new Promise<void>((resolve, reject) =>
    child.once("exit", (code) => (writers.delete(child), code === 0 && written === options.count ? resolve() : reject(new Error(`the log writer exited ${code} after ${written} of ${options.count} lines`)))),
  );
  // A writer stopped early (its test failed) rejects `done` with nobody waiting: not a second failure.
  done.catch(() => undefined);
  return {
    written: () => written,
    done,
    lines: gatewayLines(0, options.count, options.t0),
    reached: (n) => (written >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    stop: () => void child.kill("SIGKILL"),
  };
}
