/**
 * Real Fluent Bit 5.1.1 (upstream, built from its release tag: ../shared/fluent-bit/bin/, found
 * from the repository root) as a child process of a test: started on a pipeline file, ready
 * when its HTTP server answers, its log kept (and its `[warn]`/`[error]` lines picked out), and
 * stopped by SIGTERM or killed by SIGKILL like a crash; the VM's pipeline (test/pipeline/shipping-rig.ts) or a
 * small one of a test's own (startSmallFluentBit). Tests wait on it by polling (waitFor).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { assetPath } from "@oclog/schema";
import { freePort } from "../free-port.js";

/** The binary, relative to the repository root (`../shared/...`): never an absolute path in a test. */
export const FLUENT_BIT_BIN = assetPath("..", "shared", "fluent-bit", "bin", "fluent-bit-5.1.1");

/** Throws with what to do when the real binary is not there. */
export function requireFluentBit(): void {
  try {
    accessSync(FLUENT_BIT_BIN, constants.X_OK);
  } catch (error) {
    throw new Error(
      `real Fluent Bit is not at ${FLUENT_BIT_BIN} (${(error as Error).message}): the tests run upstream Fluent Bit 5.1.1 from ../shared/fluent-bit/bin/ beside the repository (its README says how it was built); scripts/setup.sh installs its libraries`,
    );
  }
}

/** A running (or exited) Fluent Bit. */
export interface FluentBitProcess {
  readonly pid: number;
  /** http://127.0.0.1:<http_port> */
  readonly httpUrl: string;
  /** Everything it printed so far. */
  log(): string;
  /** Resolves when it exits. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then waits for the exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL, as a crash or the OOM killer would, and waits for the exit. */
  kill(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

/** Starts `fluent-bit -c <pipelineFile>` and resolves once its HTTP API answers. */
export async function startFluentBit(options: { pipelineFile: string; httpPort: number; logFile: string; env?: Record<string, string>; readyTimeoutMs?: number }): Promise<FluentBitProcess> {
  requireFluentBit();
  const child = spawn(FLUENT_BIT_BIN, ["-c", options.pipelineFile], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...options.env } });
  live.add(child);
  let text = "";
  const file = createWriteStream(options.logFile, { flags: "a" });
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding("utf8").on("data", (chunk: string) => {
      text += chunk;
      file.write(chunk);
    });
  }
  // The log file is ended on "close", once stdout and stderr are drained: "exit" can come first,
  // and a last chunk written after end() threw ERR_STREAM_WRITE_AFTER_END in the test's process
  // (a fresh-clone run lost two test files to it). A write error is kept in the text, never thrown.
  file.on("error", (error) => (text += `\n[log file: ${error.message}]`));
  child.once("close", () => file.end());
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    }),
  );
  const httpUrl = `http://127.0.0.1:${options.httpPort}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  let gone: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void exited.then((how) => (gone = how));
  for (;;) {
    if (gone) throw new Error(`Fluent Bit exited at start-up (code ${gone.code}, signal ${gone.signal}):\n${text.slice(-3000)}`);
    try {
      const response = await fetch(`${httpUrl}/api/v2/reload`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`Fluent Bit's HTTP API did not answer on ${httpUrl} within the deadline:\n${text.slice(-3000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const waitExit = async (graceMs: number) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return {
    pid: child.pid!,
    httpUrl,
    log: () => text,
    exited,
    async stop(graceMs = 15_000) {
      if (gone) return;
      child.kill("SIGTERM");
      await waitExit(graceMs);
    },
    async kill() {
      if (gone) return;
      child.kill("SIGKILL");
      await waitExit(5_000);
    },
  };
}

/**
 * The `[warn]` and `[error]` lines of a Fluent Bit log, without their time stamp and with chunk
 * names, task ids, ports and retry delays made generic, each once with how often it appeared.
 */
export function problemLines(log: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of log.split("\n")) {
    if (!/\[ ?(warn|error)\]/.test(line)) continue;
    const generic = line
      .replace(/^\[[^\]]*\] /, "")
      .replace(/'[0-9]+-[0-9.]+\.flb'/g, "'<chunk>'")
      .replace(/task_id=\d+/g, "task_id=N")
      .replace(/retry in \d+ seconds/g, "retry in N seconds")
      .replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:<port>")
      .replace(/\/tmp\/[^\s'"]+/g, "<tmp path>");
    counts.set(generic, (counts.get(generic) ?? 0) + 1);
  }
  return counts;
}

/**
 * Real Fluent Bit on a small pipeline of a test's own, in `dir`, its HTTP server (health, hot
 * reload, metrics) on a free loopback port: for what talks to Fluent Bit without needing the VM
 * pipeline's Azurite, TLS and SAS (the collector's forward acks, `oclog sas install`'s reload,
 * the guard's metrics). `pipeline` is the YAML after the `service` section; `service` adds to it.
 */
export async function startSmallFluentBit(dir: string, options: { service?: Record<string, string | number>; pipeline: string; env?: Record<string, string> }): Promise<FluentBitProcess> {
  mkdirSync(dir, { recursive: true });
  const httpPort = await freePort();
  const service = { flush: 1, grace: 2, log_level: "info", http_server: "on", http_listen: "127.0.0.1", http_port: httpPort, ...options.service };
  const pipelineFile = join(dir, "fluent-bit.yaml");
  writeFileSync(pipelineFile, `service:\n${Object.entries(service).map(([k, v]) => `  ${k}: ${v}`).join("\n")}\n${options.pipeline}`);
  return startFluentBit({ pipelineFile, httpPort, logFile: join(dir, "fluent-bit.log"), ...(options.env ? { env: options.env } : {}) });
}

/** `hot_reload_count` of a running Fluent Bit (GET /api/v2/reload). */
export async function hotReloadCount(fluentBit: Pick<FluentBitProcess, "httpUrl">): Promise<number> {
  const response = await fetch(`${fluentBit.httpUrl}/api/v2/reload`, { signal: AbortSignal.timeout(5_000) });
  return ((await response.json()) as { hot_reload_count: number }).hot_reload_count;
}

/** Polls `check` until it returns a value (not undefined), or fails with `what` at the deadline. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined> | T | undefined, intervalMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    // A polling interval bounded by the deadline, not a synchronisation sleep.
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
