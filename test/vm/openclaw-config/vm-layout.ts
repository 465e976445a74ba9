// Runs the real OpenClaw CLI against a config laid out as the VM lays it out: the file at
// $OPENCLAW_STATE_DIR/openclaw.json (0600) in a 0750 state dir, HOME beside it, the gateway
// token in the environment only, and the unit's PATH (/usr/bin:/bin, Node 24 first).
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openclawPath, type OpenClawInstall } from "../../openclaw/install.js";
import { runOpenClawCli, type CliResult } from "../../openclaw/gateway.js";

/** Where the hardened config sends OpenClaw's file log on the VM. */
export const VM_LOG_FILE = "/var/log/openclaw/openclaw.log";

/** One finding of `openclaw security audit --json`. */
export interface AuditFinding {
  checkId: string;
  severity: "critical" | "warn" | "info";
  title: string;
  detail: string;
  remediation?: string;
}

/** The report `openclaw security audit --json` prints. */
export interface AuditReport {
  summary: { critical: number; warn: number; info: number };
  findings: AuditFinding[];
}

/** A CLI run plus the instance it ran against. */
export interface VmRun extends CliResult {
  root: string;
  stateDir: string;
  configPath: string;
  logFile: string;
}

/** The config text with logging.file pointed at `to` and nothing else changed. */
export function relocateLogFile(configText: string, to: string): string {
  // Every CLI command appends to logging.file: the VM's path would create /var/log/openclaw
  // on the machine running the test.
  const literal = /(\bfile"?\s*:\s*)"\/var\/log\/openclaw\/openclaw\.log"/g;
  const hits = configText.match(literal)?.length ?? 0;
  if (hits !== 1) throw new Error(`expected one logging.file of ${VM_LOG_FILE} in the config, found ${hits}`);
  return configText.replace(literal, (_m, key: string) => `${key}${JSON.stringify(to)}`);
}

/** Installs configText into a fresh instance under parent and runs `openclaw <args>` there. */
export async function runInVmLayout(opts: {
  install: OpenClawInstall;
  parent: string;
  name: string;
  configText: string;
  token: string;
  args: string[];
}): Promise<VmRun> {
  const root = mkdtempSync(join(opts.parent, `${opts.name}-`));
  const home = join(root, "home");
  const stateDir = join(home, ".openclaw");
  const logDir = join(root, "log");
  const tmp = join(root, "tmp");
  const cache = join(root, "cache");
  for (const dir of [home, logDir, tmp, cache]) mkdirSync(dir, { recursive: true });
  // The modes provisioning gives them (vm/provision/40-openclaw.sh), whatever this umask is.
  mkdirSync(stateDir, { mode: 0o750 });
  chmodSync(stateDir, 0o750);
  const configPath = join(stateDir, "openclaw.json");
  const logFile = join(logDir, "openclaw.log");
  writeFileSync(configPath, relocateLogFile(opts.configText, logFile), { mode: 0o600 });
  chmodSync(configPath, 0o600);

  // The unit's environment and nothing of the caller's: no OPENCLAW_* overrides, no
  // OPENCLAW_CONFIG_PATH (the file must be found where provisioning puts it), and none of the
  // harness's skip switches (mDNS, updates), which would hide what the config must do itself.
  const env: NodeJS.ProcessEnv = {
    PATH: openclawPath(opts.install, "/usr/bin:/bin"),
    HOME: home,
    OPENCLAW_STATE_DIR: stateDir,
    TMPDIR: tmp,
    XDG_CACHE_HOME: cache,
    NODE_ENV: "production",
    LANG: "C.UTF-8",
    NO_COLOR: "1",
    // Where the sandbox engine would be; nothing listens there, so nothing can start.
    CONTAINER_HOST: `unix://${join(root, "podman.sock")}`,
    OPENCLAW_GATEWAY_TOKEN: opts.token,
  };
  const result = await runOpenClawCli(opts.install, env, root, opts.args, 120_000);
  return { ...result, root, stateDir, configPath, logFile };
}

/** The JSON document a `--json` command printed (skipping any banner lines before it). */
export function parseCliJson<T>(run: CliResult): T {
  const text = run.stdout.trim();
  const start = text.search(/^[{[]/m);
  if (start < 0) throw new Error(`openclaw ${run.args.join(" ")} printed no JSON (exit ${run.code}).\nstderr: ${run.stderr.slice(-2000)}`);
  return JSON.parse(text.slice(start)) as T;
}
