/**
 * "An unexpected device pairing", done for real against a running harness gateway.
 *
 * What happens:
 *   1. A second OpenClaw process, the headless node host (`openclaw node run --host 127.0.0.1
 *      --port <gateway port>`), starts with its own HOME / state directory, so it generates a
 *      fresh ed25519 device identity, and connects to the gateway over loopback with the shared
 *      gateway token (OPENCLAW_GATEWAY_TOKEN) and that identity (signed connect challenge; all
 *      done by OpenClaw's own client, nothing here speaks the protocol). It asks for role `node`.
 *   2. The gateway's connect handler (dist/message-handler-*.mjs, `authorizeGatewayConnectDevice`
 *      -> `requirePairing` -> `resolvePairingApprovalPlan` / `resolveLocalPairingApproval`) finds
 *      the device unpaired and creates a pairing request. What comes next depends on
 *      `gateway.nodes.pairing.autoApproveLocal` (hot-reloadable):
 *      - `false` (OPERATOR_APPROVAL_CONFIG): the request stays pending, the gateway refuses the
 *        connect (close 1008 "pairing required", `cause: "pairing-required"` in its log) and the
 *        node host prints `device pairing required (requestId: <id>)` and waits. We then act as
 *        the operator: `openclaw devices approve <requestId> --json`. The gateway's
 *        `device.pair.approve` handler (dist/devices-*.mjs) logs
 *          `device pairing approved device=<64-hex id> role=node`
 *        (preceded by a WARN `device pairing approval denied request=<id>
 *        reason=role-management-requires-admin`: the CLI's first, least-privileged attempt).
 *      - default (unset/true, the plain harness config): a loopback client is paired silently
 *        (`shouldAllowSilentLocalPairing`), and the connect handler itself logs
 *          `device pairing auto-approved device=<64-hex id> role=node`
 *        (the node's capability surface is then left pending `openclaw nodes approve`).
 *   3. We wait for that line in the gateway file log (logging.file) by polling it with a
 *      deadline, confirm the device id, and stop the node host.
 *
 * Both lines are matched by queries/detections/pairing_device_approved.yml.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, openSync, readSync, closeSync, statSync } from "node:fs";
import { join } from "node:path";
import { isolatedEnv, makeGatewayDirs, stopProcessGroup, type CliResult, type GatewayHandle, type OpenClawConfig } from "../openclaw/gateway.js";
import type { OpenClawInstall } from "../openclaw/install.js";

/** Config patch that makes a loopback device wait for an operator instead of being paired silently. */
export const OPERATOR_APPROVAL_CONFIG: OpenClawConfig = { gateway: { nodes: { pairing: { autoApproveLocal: false } } } };

/** Display name the unexpected node host announces (shows in `openclaw devices list`). */
export const UNEXPECTED_DEVICE_NAME = "oclog-unexpected-node";

/** What pairUnexpectedDevice did. */
export interface DevicePairing {
  /** The new device's id (hex sha-256 of its public key, as the gateway logs it). */
  deviceId: string;
  /** "operator": pending request approved with `openclaw devices approve`; "auto": silent local pairing. */
  approval: "operator" | "auto";
  /** The pairing request id (operator path only). */
  requestId: string | null;
  /** The gateway log message, e.g. `device pairing approved device=<id> role=node`. */
  logLine: string;
  /** The whole gateway-log JSON line that carries it. */
  logRecord: string;
  /** `openclaw devices approve` result (operator path only). */
  approve: CliResult | null;
  /** Console output of the node host. */
  nodeOutput: string;
  durationMs: number;
}

// Keeps the node host's process group from outliving this process, even if it is SIGKILLed:
// the watchdog takes its group down when its stdin pipe closes (same idea as gateway.ts).
const WATCHDOG = `
const { spawn } = require("node:child_process");
const argv = JSON.parse(process.env.OCLOG_WATCHDOG_ARGV);
const env = { ...process.env }; delete env.OCLOG_WATCHDOG_ARGV;
const child = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "inherit", "inherit"], env });
const killGroup = (sig) => { try { process.kill(-process.pid, sig); } catch {} };
process.on("SIGTERM", () => {}); process.on("SIGINT", () => {});
const orphaned = () => { killGroup("SIGTERM"); setTimeout(() => killGroup("SIGKILL"), 5000).unref(); };
process.stdin.on("end", orphaned); process.stdin.on("error", orphaned); process.stdin.resume();
child.on("error", (err) => { console.error(String(err)); process.exit(127); });
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
`;

function startNodeHost(gateway: GatewayHandle, install: OpenClawInstall, token: string): { child: ChildProcess; output: () => string } {
  // Its own HOME and state directory: a new device identity, not the operator's.
  const dirs = makeGatewayDirs(join(gateway.dirs.root, "unexpected-node"));
  const env = isolatedEnv(install, dirs, token);
  const argv = [install.nodeBin, install.openclawBin, "node", "run", "--host", "127.0.0.1", "--port", String(gateway.port), "--display-name", UNEXPECTED_DEVICE_NAME];
  const child = spawn(install.nodeBin, ["-e", WATCHDOG], {
    cwd: dirs.root,
    env: { ...env, OCLOG_WATCHDOG_ARGV: JSON.stringify(argv) },
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (b: Buffer) => (out += b.toString("utf8")));
  child.stderr?.on("data", (b: Buffer) => (out += b.toString("utf8")));
  const kill = (): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    } catch {
      // Gone already.
    }
  };
  process.once("exit", kill);
  child.once("exit", () => process.removeListener("exit", kill));
  return { child, output: () => out };
}

/** Bytes of the file so far (0 when it does not exist yet). */
function fileSize(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

/** The log's complete lines written after byte offset `from`. */
function linesSince(path: string, from: number): string[] {
  if (!existsSync(path)) return [];
  const fd = openSync(path, "r");
  try {
    const size = statSync(path).size;
    if (size <= from) return [];
    const buf = Buffer.alloc(size - from);
    readSync(fd, buf, 0, buf.length, from);
    const text = buf.toString("utf8");
    // Drop a trailing line still being written.
    return text.slice(0, text.lastIndexOf("\n") + 1).split("\n").filter(Boolean);
  } finally {
    closeSync(fd);
  }
}

function messageOf(line: string): string | null {
  try {
    const m = (JSON.parse(line) as { message?: unknown }).message;
    return typeof m === "string" ? m : null;
  } catch {
    return null;
  }
}

const AUTO_RE = /^device pairing auto-approved device=([0-9a-f]+) role=node\b/;
const APPROVED_RE = /^device pairing approved device=([0-9a-f]+) role=node\b/;
const PENDING_RE = /device pairing required \(requestId: ([0-9A-Za-z-]+)\)/;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Makes the running gateway pair a device nobody set up (a node host with a fresh identity) and
 * returns the gateway's own log line for it. Operator approval when the gateway keeps loopback
 * devices pending (OPERATOR_APPROVAL_CONFIG), otherwise OpenClaw's silent local auto-approval.
 */
export async function pairUnexpectedDevice(
  gateway: GatewayHandle,
  install: OpenClawInstall,
  opts: { timeoutMs?: number } = {},
): Promise<DevicePairing> {
  const started = Date.now();
  const deadline = started + (opts.timeoutMs ?? 120_000);
  const token = gateway.env.OPENCLAW_GATEWAY_TOKEN;
  if (!token) throw new Error("the gateway handle's environment carries no OPENCLAW_GATEWAY_TOKEN");
  const logFile = gateway.dirs.logFile;
  const offset = fileSize(logFile);
  const node = startNodeHost(gateway, install, token);
  const fail = (what: string): never => {
    throw new Error(`${what}\n--- node host output ---\n${node.output().slice(-3000)}`);
  };
  try {
    // Phase 1: the gateway either pairs the device silently or leaves a request pending.
    let requestId: string | null = null;
    while (Date.now() < deadline) {
      for (const line of linesSince(logFile, offset)) {
        const msg = messageOf(line);
        const auto = msg ? AUTO_RE.exec(msg) : null;
        if (auto && msg) {
          return { deviceId: auto[1]!, approval: "auto", requestId: null, logLine: msg, logRecord: line, approve: null, nodeOutput: node.output(), durationMs: Date.now() - started };
        }
      }
      requestId = PENDING_RE.exec(node.output())?.[1] ?? null;
      if (requestId) break;
      if (node.child.exitCode !== null) fail(`the node host exited (${node.child.exitCode}) before pairing`);
      // Polling interval; the deadline bounds the wait.
      await sleep(250);
    }
    if (!requestId) return fail("no pairing request and no auto-approval before the deadline");

    // Phase 2: the operator approves the pending request.
    const approve = await gateway.cli(["devices", "approve", requestId, "--json"], { timeoutMs: Math.max(10_000, deadline - Date.now()) });
    if (approve.code !== 0) fail(`openclaw devices approve ${requestId} exited ${approve.code}\n${approve.stderr.slice(-2000)}\n${approve.stdout.slice(-2000)}`);
    const json = JSON.parse(approve.stdout.slice(approve.stdout.indexOf("{"))) as { device?: { deviceId?: string } };
    const deviceId = json.device?.deviceId;
    if (!deviceId) return fail(`openclaw devices approve printed no device id: ${approve.stdout.slice(0, 2000)}`);
    while (Date.now() < deadline) {
      for (const line of linesSince(logFile, offset)) {
        const msg = messageOf(line);
        const m = msg ? APPROVED_RE.exec(msg) : null;
        if (m && msg && m[1] === deviceId) {
          return { deviceId, approval: "operator", requestId, logLine: msg, logRecord: line, approve, nodeOutput: node.output(), durationMs: Date.now() - started };
        }
      }
      await sleep(250);
    }
    return fail(`the gateway did not log "device pairing approved device=${deviceId}" before the deadline`);
  } finally {
    await stopProcessGroup(node.child, 5_000);
  }
}
