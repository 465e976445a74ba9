// Starts a real OpenClaw gateway in a throw-away directory and runs its CLI.
//
// Everything OpenClaw writes (config, state, SQLite, logs, workspace, temp
// files) lives under one root so a capture sees only what this run produced,
// and nothing touches the developer's own ~/.openclaw.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "@oclog/test-kit";
import { openclawPath, type OpenClawInstall } from "./install.js";

/** OpenClaw config as written to openclaw.json (JSON5 accepted; we write JSON). */
export type OpenClawConfig = Record<string, unknown>;

/** The directory layout of one isolated OpenClaw instance. */
export interface GatewayDirs {
  root: string;
  home: string;
  stateDir: string;
  configPath: string;
  workspace: string;
  logFile: string;
  tmp: string;
}

/** Result of one OpenClaw CLI invocation. */
export interface CliResult {
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** A running gateway. */
export interface GatewayHandle {
  port: number;
  httpUrl: string;
  wsUrl: string;
  pid: number;
  dirs: GatewayDirs;
  // Environment for any OpenClaw process of this instance (holds the token).
  env: NodeJS.ProcessEnv;
  /** Console output of the gateway so far (stdout + stderr). */
  output(): string;
  /** Runs `openclaw <args>` against this instance's state and gateway. */
  cli(args: string[], opts?: { timeoutMs?: number }): Promise<CliResult>;
  /** Terminates the gateway's whole process group and waits for it to exit. */
  stop(): Promise<void>;
}

/** Options for startGateway. */
export interface GatewayOptions {
  install: OpenClawInstall;
  dirs: GatewayDirs;
  config: OpenClawConfig;
  // The shared gateway token; reaches OpenClaw only through the environment.
  token: string;
  port?: number;
  readyTimeoutMs?: number;
  extraEnv?: Record<string, string>;
  /**
   * A hosts file the gateway sees as /etc/hosts: it runs in a mount namespace of its own with
   * this file bound there (root only; the machine's /etc/hosts is not touched). For a release
   * whose web_fetch resolves a name itself before going through the managed proxy (2026.6),
   * on a machine with no DNS.
   */
  hostsFile?: string;
}

/** Name of the env var that carries the gateway token (read by gateway and CLI). */
export const GATEWAY_TOKEN_ENV = "OPENCLAW_GATEWAY_TOKEN";

/** Creates the directory layout for an isolated instance under root. */
export function makeGatewayDirs(root: string): GatewayDirs {
  const dirs: GatewayDirs = {
    root,
    home: join(root, "home"),
    stateDir: join(root, "state"),
    configPath: join(root, "state", "openclaw.json"),
    workspace: join(root, "workspace"),
    logFile: join(root, "logs", "gateway.log"),
    tmp: join(root, "tmp"),
  };
  for (const d of [dirs.home, dirs.stateDir, dirs.workspace, join(root, "logs"), dirs.tmp]) mkdirSync(d, { recursive: true });
  return dirs;
}

/** Writes the config file where OpenClaw reads it (OPENCLAW_CONFIG_PATH). */
export function writeConfig(dirs: GatewayDirs, config: OpenClawConfig): void {
  writeFileSync(dirs.configPath, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
}

/** Builds the environment for an isolated OpenClaw process. */
export function isolatedEnv(install: OpenClawInstall, dirs: GatewayDirs, token: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // Inherit only what a process needs to run; never the caller's OPENCLAW_*,
  // so a developer's own gateway settings cannot leak into the capture.
  for (const key of ["LANG", "LC_ALL", "TZ", "USER", "LOGNAME", "SHELL", "TERM"]) {
    const v = process.env[key];
    if (v !== undefined) env[key] = v;
  }
  Object.assign(env, {
    PATH: openclawPath(install),
    HOME: dirs.home,
    TMPDIR: dirs.tmp,
    // OpenClaw keeps V8's compiled code under $TMPDIR, which is new for every run here; one cache
    // per install, shared by every run and CLI call, saves about 0.3 of 1.6-1.8 s per CLI start.
    NODE_COMPILE_CACHE: join(install.cacheDir, "node-compile-cache"),
    OPENCLAW_STATE_DIR: dirs.stateDir,
    OPENCLAW_CONFIG_PATH: dirs.configPath,
    [GATEWAY_TOKEN_ENV]: token,
    NO_COLOR: "1",
    FORCE_COLOR: "0",
    DO_NOT_TRACK: "1",
    // No internet here: skip auto-update pings, mDNS advertisement, and the
    // browser-control / canvas servers (they would claim ports derived from
    // the gateway port, which a random free port cannot reserve).
    OPENCLAW_NO_AUTO_UPDATE: "1",
    OPENCLAW_DISABLE_BONJOUR: "1",
    OPENCLAW_SKIP_BROWSER_CONTROL_SERVER: "1",
    OPENCLAW_SKIP_CANVAS_HOST: "1",
    ...extra,
  });
  return env;
}

// Processes started here, killed synchronously if this process exits first.
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  live.add(child);
  child.once("exit", () => live.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    const killAll = (): void => {
      for (const c of live) killGroup(c, "SIGKILL");
    };
    process.once("exit", killAll);
    for (const sig of ["SIGINT", "SIGTERM"] as const) {
      process.once(sig, () => {
        killAll();
        // Re-raise so the default action (terminate) still happens.
        process.kill(process.pid, sig);
      });
    }
  }
}

// Group leader for every OpenClaw process we start. If this (Node 20) process
// dies without cleaning up, even by SIGKILL, the watchdog's stdin pipe closes
// and it takes its whole process group (gateway, its helpers) down with it.
const WATCHDOG_SCRIPT = `
const { spawn } = require("node:child_process");
const argv = JSON.parse(process.env.OCLOG_WATCHDOG_ARGV);
const env = { ...process.env };
delete env.OCLOG_WATCHDOG_ARGV;
const child = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "inherit", "inherit"], env });
const killGroup = (sig) => { try { process.kill(-process.pid, sig); } catch {} };
// A group-wide SIGTERM reaches the child too; stay alive to report its exit.
process.on("SIGTERM", () => {});
process.on("SIGINT", () => {});
const orphaned = () => { killGroup("SIGTERM"); setTimeout(() => killGroup("SIGKILL"), 10000).unref(); };
process.stdin.on("end", orphaned);
process.stdin.on("error", orphaned);
process.stdin.resume();
child.on("error", (err) => { console.error(String(err)); process.exit(127); });
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
`;

/** Spawns node openclaw <args> under the watchdog, detached into its own process group (seeing `hostsFile` as /etc/hosts when given). */
function spawnOpenClaw(install: OpenClawInstall, args: string[], cwd: string, env: NodeJS.ProcessEnv, hostsFile?: string): ChildProcess {
  const openclaw = [install.nodeBin, install.openclawBin, ...args];
  const argv = hostsFile === undefined ? openclaw : ["unshare", "--mount", "--propagation", "private", "--", "sh", "-c", 'mount --bind "$0" /etc/hosts && exec "$@"', hostsFile, ...openclaw];
  const child = spawn(install.nodeBin, ["-e", WATCHDOG_SCRIPT], {
    cwd,
    env: { ...env, OCLOG_WATCHDOG_ARGV: JSON.stringify(argv) },
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
  });
  track(child);
  return child;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    // Negative pid: the whole group (the gateway forks helpers such as its
    // spawn broker and exec children).
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

function waitExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Terminates a detached child's process group: SIGTERM, then SIGKILL after graceMs. */
export async function stopProcessGroup(child: ChildProcess, graceMs = 10_000): Promise<void> {
  killGroup(child, "SIGTERM");
  if (!(await waitExit(child, graceMs))) {
    killGroup(child, "SIGKILL");
    await waitExit(child, 5_000);
  }
  // Stragglers that ignored SIGTERM after the leader exited.
  killGroup(child, "SIGKILL");
}

/** Runs one OpenClaw CLI command in its own process group with a deadline. */
export function runOpenClawCli(install: OpenClawInstall, env: NodeJS.ProcessEnv, cwd: string, args: string[], timeoutMs = 120_000): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawnOpenClaw(install, args, cwd, env);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (b: Buffer) => (stdout += b.toString("utf8")));
    child.stderr?.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
    const timer = setTimeout(() => {
      stderr += `\n[oclog] killed after ${timeoutMs} ms\n`;
      void stopProcessGroup(child, 2_000);
    }, timeoutMs);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      // The CLI may leave helpers in its group; they must not outlive it.
      killGroup(child, "SIGKILL");
      resolve({ args, code, signal, stdout, stderr, durationMs: Date.now() - started });
    });
  });
}

async function fetchJson(url: string, timeoutMs: number): Promise<{ status: number; body: unknown } | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      // Not JSON: keep the text.
    }
    return { status: res.status, body };
  } catch {
    return null;
  }
}

/**
 * How long a gateway may take to become ready. Measured on a 2-core machine running two scenario
 * gateways beside other tests: 16-85 s, and once past 90 s (readyz: "startup-sidecars" still
 * failing, event loop degraded), which failed the whole scenario test. A bound, not a wait: a ready
 * gateway returns at once, a dead one fails at once.
 */
const GATEWAY_READY_TIMEOUT_MS = 240_000;

/** Polls /health (liveness) then /readyz (readiness) until both pass or the deadline hits. */
async function waitReady(httpUrl: string, child: ChildProcess, deadline: number, output: () => string): Promise<void> {
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`gateway exited before becoming ready (code ${child.exitCode ?? child.signalCode}).\n${output().slice(-4000)}`);
    }
    const health = await fetchJson(`${httpUrl}/health`, 1_000);
    if (health?.status === 200) {
      const ready = await fetchJson(`${httpUrl}/readyz`, 1_000);
      const body = ready?.body as { ready?: boolean } | undefined;
      // Older builds without /readyz: liveness is all there is.
      if (ready?.status === 404 || body?.ready === true) return;
      last = `readyz ${ready?.status ?? "unreachable"}: ${JSON.stringify(ready?.body ?? null).slice(0, 300)}`;
    } else {
      last = health ? `health ${health.status}` : "connection refused";
    }
    // Polling interval, not synchronisation: the deadline bounds the wait.
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`gateway not ready at ${httpUrl} before deadline (${last}).\n${output().slice(-4000)}`);
}

/** Writes the config and starts `openclaw gateway run` on a free loopback port; resolves when ready. */
export async function startGateway(opts: GatewayOptions): Promise<GatewayHandle> {
  const { install, dirs } = opts;
  const port = opts.port ?? (await freePort());
  // The CLI finds the gateway through gateway.port in the same config file.
  const gatewaySection = (opts.config.gateway ?? {}) as Record<string, unknown>;
  writeConfig(dirs, { ...opts.config, gateway: { ...gatewaySection, port } });
  const env = isolatedEnv(install, dirs, opts.token, opts.extraEnv);

  const child = spawnOpenClaw(install, ["gateway", "run", "--port", String(port), "--bind", "loopback"], dirs.root, env, opts.hostsFile);
  let out = "";
  child.stdout?.on("data", (b: Buffer) => (out += b.toString("utf8")));
  child.stderr?.on("data", (b: Buffer) => (out += b.toString("utf8")));
  const output = (): string => out;
  const spawned = new Promise<void>((resolve, reject) => {
    child.once("spawn", () => resolve());
    child.once("error", reject);
  });

  const httpUrl = `http://127.0.0.1:${port}`;
  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> => (stopped ??= stopProcessGroup(child, 15_000));
  try {
    await spawned;
    await waitReady(httpUrl, child, Date.now() + (opts.readyTimeoutMs ?? GATEWAY_READY_TIMEOUT_MS), output);
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    port,
    httpUrl,
    wsUrl: `ws://127.0.0.1:${port}`,
    pid: child.pid ?? -1,
    dirs,
    env,
    output,
    cli: (args, o) => runOpenClawCli(install, env, dirs.root, args, o?.timeoutMs),
    stop,
  };
}

/** The error with the tail of the gateway's console appended, so a failed run says what the gateway said. */
export function withConsoleTail(error: unknown, gateway: GatewayHandle | undefined): Error {
  const tail = gateway?.output().slice(-3000) ?? "";
  return new Error(`${error instanceof Error ? error.message : String(error)}${tail ? `\n--- gateway console (tail) ---\n${tail}` : ""}`);
}
