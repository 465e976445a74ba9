/**
 * The shipping guard's I/O: read Fluent Bit's metrics and the guard's history, judge (pure core in
 * shipping-guard.ts), rewrite `shipping*` in the public state file atomically, and optionally stop
 * the gateway. Runs once per call (a systemd timer calls it every minute).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  closeSync,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { ExitCode, OclogError, writeFileAtomic } from "@oclog/errors";
import { SAS_STATE_MAX_BYTES, SasState } from "./sas-state.js";
import {
  emptyGuardHistory,
  GUARD_GATEWAY_UNIT,
  GuardHistory,
  judgeShipping,
  parseFluentBitMetrics,
  type Judgement,
  type MetricsReading,
  type OutputJudgement,
  type ShippingStatus,
} from "./shipping-guard.js";

export type GuardEnforce = "none" | "stop-gateway";

export interface GuardOptions {
  statePath: string;
  metricsUrl: string;
  historyPath: string;
  /** Errors without deliveries, or unreadable metrics, for this long mark shipping failing. */
  failingAfterMs: number;
  enforce: GuardEnforce;
  /** Output instances to watch (default: alias `ship`, else every `azure_blob.<n>`). */
  outputs?: readonly string[];
  /** The unit stop-gateway stops (default openclaw.service). */
  gatewayUnit?: string;
  /** How long the metrics request may take (default 5 s). */
  metricsTimeoutMs?: number;
}

/** Runs a command without a shell; resolves with its exit code (never rejects for a non-zero exit). */
export type CommandRunner = (command: string, args: readonly string[]) => Promise<{ code: number | null; stderr: string }>;

export interface GuardDeps {
  /** The clock (tests pass fixed instants). */
  now?: () => Date;
  /** What runs `systemctl stop` (tests pass a recording stand-in; never the real systemctl). */
  runner?: CommandRunner;
}

/** The real runner: execFile, no shell, 60 s limit (a stop waits for the gateway's own TimeoutStopSec). */
export const execRunner: CommandRunner = (command, args) =>
  new Promise((resolve) => {
    execFile(command, [...args], { timeout: 60_000, encoding: "utf8" }, (error, _stdout, stderr) => {
      // execFile's error.code is the exit status (a number), or a string such as ENOENT when it did not run.
      const failure = error as (Error & { code?: number | string }) | null;
      const code = !failure ? 0 : typeof failure.code === "number" ? failure.code : null;
      resolve({ code, stderr: stderr || (failure && code === null ? failure.message : "") });
    });
  });

export interface GuardReport {
  checkedAt: string;
  /** What the state file says after this run (or would say, when it could not be written). */
  shipping: ShippingStatus;
  previous: ShippingStatus;
  reason: string;
  metrics: "ok" | "unreadable";
  /** written: shipping* rewritten; kept: left as it was (metrics unreadable for less than N minutes); missing/invalid: not touched. */
  state: "written" | "kept" | "missing" | "invalid";
  /** Why the state file could not be used or written. */
  stateProblem?: string;
  outputs: Record<string, OutputJudgement>;
  enforcement?: { action: "stop-gateway"; unit: string; ok: boolean; detail?: string };
  warnings: string[];
  /** 0 ok (or nothing measured yet), 1 shipping failing, 3 metrics or state unreadable (and not failing). */
  exitCode: 0 | 1 | 3;
}

/** Reads `/api/v1/metrics`; every failure (refused, timeout, status, body) becomes an `ok: false` reading. */
export async function readFluentBitMetrics(url: string, options: { timeoutMs?: number; outputs?: readonly string[] } = {}): Promise<MetricsReading> {
  let body: unknown;
  try {
    const response = await fetch(url, { redirect: "error", signal: AbortSignal.timeout(options.timeoutMs ?? 5000), headers: { accept: "application/json" } });
    const text = await response.text();
    if (!response.ok) return { ok: false, error: `${url} answered HTTP ${response.status}` };
    if (text.length > 4 * 1024 * 1024) return { ok: false, error: `${url} answered more than 4 MiB` };
    body = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `${url}: ${describe(error)}` };
  }
  return parseFluentBitMetrics(body, options.outputs);
}

export type StateRead = { ok: true; state: SasState; raw: string } | { ok: false; problem: "missing" | "invalid"; message: string };

/** Reads and validates the public state file; never throws for a missing or invalid file. */
export function readStateFile(path: string): StateRead {
  let raw: string;
  try {
    if (statSync(path).size > SAS_STATE_MAX_BYTES) return { ok: false, problem: "invalid", message: `${path} is larger than ${SAS_STATE_MAX_BYTES} bytes` };
    raw = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { ok: false, problem: "missing", message: `${path} does not exist` };
    return { ok: false, problem: "invalid", message: `${path} cannot be read: ${describe(error)}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    return { ok: false, problem: "invalid", message: `${path} is not JSON: ${describe(error)}` };
  }
  const parsed = SasState.safeParse(json);
  if (!parsed.success) {
    return { ok: false, problem: "invalid", message: `${path} is not a valid SAS state: ${parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ")}` };
  }
  return { ok: true, state: parsed.data, raw };
}

export class StateWriteError extends OclogError {
  constructor(path: string, message: string, cause?: unknown) {
    super("E_GUARD_STATE_WRITE", `cannot rewrite ${path}: ${message}`, {
      hint: `the guard replaces the file by rename: its user needs write access to ${dirname(path)} (group oclog-state, mode 2775)`,
      context: { path },
      cause,
      exitCode: ExitCode.environment,
    });
  }
}

/**
 * Replaces the state file so that a reader sees the old or the new version, never half of one:
 * temp file in the same directory, mode forced to 0644 (whatever the umask), group kept when
 * allowed, fsync, rename, fsync of the directory. `expectedRaw` is what the caller read: when the
 * file changed meanwhile (`oclog sas install` wrote a new token), nothing is replaced and the
 * function returns false so the caller can read again. Residual window: the few microseconds
 * between that check and the rename.
 */
export function replaceStateFile(path: string, expectedRaw: string, next: SasState): boolean {
  const checked = SasState.safeParse(next);
  if (!checked.success) throw new StateWriteError(path, `the new state does not validate (${checked.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")})`);
  const content = `${JSON.stringify(checked.data, null, 2)}\n`;
  if (Buffer.byteLength(content) > SAS_STATE_MAX_BYTES) throw new StateWriteError(path, `the new state exceeds ${SAS_STATE_MAX_BYTES} bytes`);
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.guard.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  let fd: number;
  try {
    fd = openSync(temp, "wx", 0o644);
  } catch (error) {
    throw new StateWriteError(path, describe(error), error);
  }
  try {
    try {
      fchmodSync(fd, 0o644); // the unit runs with UMask=0077; the gate (another user) must read it
      keepGroup(fd, path);
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    let current: string;
    try {
      current = readFileSync(path, "utf8");
    } catch {
      current = "";
    }
    if (current !== expectedRaw) {
      rmSync(temp, { force: true });
      return false;
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error instanceof StateWriteError ? error : new StateWriteError(path, describe(error), error);
  }
  const dirFd = openSync(dir, "r");
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
  return true;
}

/** Gives the new file the old one's owner and group when this process may (root), else just the group. */
function keepGroup(fd: number, path: string): void {
  let old;
  try {
    old = statSync(path);
  } catch {
    return;
  }
  const mine = fstatSync(fd);
  if (mine.uid === old.uid && mine.gid === old.gid) return;
  try {
    fchownSync(fd, old.uid, old.gid);
  } catch {
    try {
      if (mine.gid !== old.gid) fchownSync(fd, -1, old.gid);
    } catch {
      // Not a member of that group: the directory's setgid bit decides the group instead.
    }
  }
}

/** Reads the history; a damaged one is replaced by an empty one (with a warning: a stall's start is forgotten). */
export function readGuardHistory(path: string, warnings: string[]): GuardHistory {
  let raw: string;
  try {
    raw = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") warnings.push(`history ${path} unreadable (${describe(error)}): starting a new one`);
    return emptyGuardHistory();
  }
  try {
    return GuardHistory.parse(JSON.parse(raw));
  } catch {
    warnings.push(`history ${path} is damaged: starting a new one (a running stall is measured again from now)`);
    return emptyGuardHistory();
  }
}

/** Writes the history (private to the guard: 0600) whole or not at all. */
export function writeGuardHistory(path: string, history: GuardHistory): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileAtomic(path, `${JSON.stringify(history)}\n`, 0o600);
}

/** One guard run: read, judge, publish, enforce. Never throws for an unreadable endpoint or state file: the report says. */
export async function runShippingGuard(options: GuardOptions, deps: GuardDeps = {}): Promise<GuardReport> {
  const now = (deps.now ?? (() => new Date()))();
  const warnings: string[] = [];
  const history = readGuardHistory(options.historyPath, warnings);
  const stateBefore = readStateFile(options.statePath);
  const previous: ShippingStatus = stateBefore.ok ? stateBefore.state.shipping : (history.last_shipping ?? "unknown");
  const reading = await readFluentBitMetrics(options.metricsUrl, {
    ...(options.metricsTimeoutMs !== undefined ? { timeoutMs: options.metricsTimeoutMs } : {}),
    ...(options.outputs ? { outputs: options.outputs } : {}),
  });
  const judgement = judgeShipping({ history, reading, previous, now, failingAfterMs: options.failingAfterMs });

  let historyWritten = true;
  try {
    writeGuardHistory(options.historyPath, judgement.history);
  } catch (error) {
    historyWritten = false;
    warnings.push(`history ${options.historyPath} not written (${describe(error)}): the next run starts a new baseline`);
  }

  const report: GuardReport = {
    checkedAt: now.toISOString(),
    shipping: judgement.shipping,
    previous,
    reason: judgement.reason,
    metrics: judgement.metrics,
    state: "kept",
    outputs: judgement.outputs,
    warnings,
    exitCode: 0,
  };
  if (!stateBefore.ok) {
    report.state = stateBefore.problem;
    report.stateProblem = stateBefore.message;
  } else if (judgement.publish) {
    const written = publish(options.statePath, stateBefore, judgement, now);
    if (written === true) report.state = "written";
    else {
      report.stateProblem = written;
      report.shipping = previous; // the file still says what it said
    }
  }

  if (judgement.turnedFailing && options.enforce === "stop-gateway") report.enforcement = await stopGateway(options.gatewayUnit ?? GUARD_GATEWAY_UNIT, deps.runner ?? execRunner);

  // An unusable state file wins (the gate already fails closed on it), then a published failing.
  if (!stateBefore.ok || report.stateProblem !== undefined) report.exitCode = 3;
  else if (report.state === "written" && report.shipping === "failing") report.exitCode = 1;
  else if (judgement.metrics === "unreadable" || !historyWritten) report.exitCode = 3;
  else report.exitCode = 0;
  return report;
}

/** Rewrites shipping* keeping every other field; reads again when `oclog sas install` replaced the file meanwhile. */
function publish(path: string, first: Extract<StateRead, { ok: true }>, judgement: Judgement, now: Date): true | string {
  let current: StateRead = first;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (!current.ok) return `${current.message} (it changed while the guard was writing)`;
    const next: SasState = { ...current.state, shipping: judgement.shipping, shipping_checked_at: now.toISOString(), shipping_reason: judgement.reason };
    try {
      if (replaceStateFile(path, current.raw, next)) return true;
    } catch (error) {
      return describe(error);
    }
    current = readStateFile(path);
  }
  return `${path} kept changing while the guard was writing; not rewritten`;
}

async function stopGateway(unit: string, runner: CommandRunner): Promise<NonNullable<GuardReport["enforcement"]>> {
  try {
    const result = await runner("systemctl", ["stop", unit]);
    if (result.code === 0) return { action: "stop-gateway", unit, ok: true };
    return { action: "stop-gateway", unit, ok: false, detail: `systemctl stop ${unit} exited ${result.code ?? "by signal or timeout"}: ${result.stderr.trim().slice(0, 300)}` };
  } catch (error) {
    return { action: "stop-gateway", unit, ok: false, detail: describe(error) };
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const code = (error as NodeJS.ErrnoException).code ?? (cause instanceof Error ? (cause as NodeJS.ErrnoException).code : undefined);
    const causeText = cause instanceof Error && cause.message !== error.message ? ` (${cause.message})` : "";
    return `${error.message}${causeText}${code && !error.message.includes(String(code)) ? ` [${code}]` : ""}`;
  }
  return String(error);
}
