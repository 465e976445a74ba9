/**
 * Runs packages/fluent-bit/lua/redact.lua under the real LuaJIT (the engine Fluent Bit embeds),
 * through test/lua/driver.lua, which calls `redact(tag, ts, record)` once per record like the
 * lua filter does. luajit and lua-cjson come from `bash scripts/setup.sh`; when they are
 * missing this throws instead of skipping, so a machine without them cannot pass silently.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REDACT_LUA = fileURLToPath(new URL("../lua/redact.lua", import.meta.url));
export const LUA_DIR = fileURLToPath(new URL("./lua/", import.meta.url));
const DRIVER = join(LUA_DIR, "driver.lua");
const SETUP_HINT = "run `bash scripts/setup.sh` (installs luajit and lua-cjson)";

/** Throws a message naming the setup script unless `luajit` with cjson can run. */
export function requireLuajit(): void {
  const probe = spawnSync("luajit", ["-e", 'require("cjson")'], { encoding: "utf8" });
  if (probe.error) throw new Error(`luajit not found on PATH (${probe.error.message}): ${SETUP_HINT}`);
  if (probe.status !== 0) throw new Error(`luajit cannot load cjson: ${probe.stderr.trim()}: ${SETUP_HINT}`);
}

/** Runs `luajit <args>` with `input` on stdin; throws with stderr when it fails. */
export function luajit(args: string[], input: string, env: NodeJS.ProcessEnv = {}): { stdout: string; stderr: string } {
  requireLuajit();
  const run = spawnSync("luajit", args, { input, encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 1 << 30 });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`luajit ${args.join(" ")} exited ${run.status}:\n${run.stderr}`);
  return { stdout: run.stdout, stderr: run.stderr };
}

/** Writes a literals file (one line each, verbatim) in a fresh temp dir; returns its path. */
export function literalsFile(lines: readonly string[]): string {
  const path = join(mkdtempSync(join(tmpdir(), "oclog-redact-")), "redact-literals");
  writeFileSync(path, `${lines.join("\n")}\n`, { mode: 0o600 });
  return path;
}

export interface RedactInput {
  tag?: string;
  ts?: number;
  record: unknown;
}

export interface RedactOutcome {
  code: number;
  ts: number;
  /** The callback returned the table it was given. */
  same: boolean;
  /** The record after a cjson round trip without the filter. */
  before: unknown;
  /** The record the callback returned, after the same round trip. */
  after: unknown;
}

export interface RedactRun {
  /** Names redact.lua added to _G when loaded. */
  globals: string[];
  outcomes: RedactOutcome[];
  stderr: string;
}

export interface RedactOptions {
  /** Gateway token literals to write to a temp file named by OCLOG_REDACT_LITERALS. */
  literals?: readonly string[];
  /** Use this path for OCLOG_REDACT_LITERALS instead (e.g. one that does not exist). */
  literalsPath?: string;
}

/**
 * Filters `inputs` in one luajit process. OCLOG_REDACT_LITERALS is always set, so a real
 * /etc/oclog/redact-literals on the machine cannot change the outcome.
 */
export function runRedact(inputs: readonly RedactInput[], opts: RedactOptions = {}): RedactRun {
  const written = opts.literalsPath === undefined ? literalsFile(opts.literals ?? []) : undefined;
  const path = opts.literalsPath ?? written!;
  const stdin = inputs.map((i) => JSON.stringify({ tag: i.tag ?? "openclaw", ts: i.ts ?? 1795600221.845, record: i.record })).join("\n");
  let stdout: string, stderr: string;
  try {
    ({ stdout, stderr } = luajit([DRIVER, REDACT_LUA], `${stdin}\n`, { OCLOG_REDACT_LITERALS: path }));
  } finally {
    // The literals file holds the (fake) gateway token: do not leave it behind.
    if (written) rmSync(dirname(written), { recursive: true, force: true });
  }
  const [head, ...lines] = stdout.split("\n").filter((l) => l !== "");
  const globals = (JSON.parse(head!) as { globals: unknown }).globals;
  const outcomes = lines.map((l) => JSON.parse(l) as RedactOutcome);
  if (outcomes.length !== inputs.length) throw new Error(`driver answered ${outcomes.length} of ${inputs.length} records:\n${stderr}`);
  // cjson encodes an empty Lua table as {}.
  return { globals: Array.isArray(globals) ? (globals as string[]) : [], outcomes, stderr };
}
