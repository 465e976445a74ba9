/**
 * `oclog sas rotate`, on the host that owns the Azure login: read the VM's state file, and when
 * less than the threshold is left, issue a new SAS and pipe it into the VM's installer. Rotating
 * well before expiry matters: Fluent Bit reloads cleanly only while the old token still works.
 * One run at a time per VM (a lock file), and the token is never logged.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { OclogError, processAlive, type Sensitive } from "@oclog/errors";
import { SasState } from "./sas-state.js";
import { parseSas } from "./sas-token.js";
import type { VmTransport } from "./vm-transport.js";

export interface RotateOptions {
  vm: string;
  transport: VmTransport;
  /** Rotate when less than this is left (ms). */
  thresholdMs: number;
  /** Mints the new container SAS URL for the container the VM reports. */
  issue: (container: string) => Promise<Sensitive<string>>;
  lockPath: string;
  now?: () => Date;
  /** Events: counts, times and fingerprints only. */
  log?: (event: string, fields: Record<string, unknown>) => void;
}

export interface RotateResult {
  action: "rotated" | "not-due";
  expiresAt: string;
  remainingMs: number;
  newExpiresAt?: string;
  fingerprint?: string;
}

/** Another rotation of the same VM is running. */
export class RotationLockedError extends OclogError {
  constructor(lockPath: string, holder: string) {
    super("E_SAS_LOCKED", `another rotation holds ${lockPath} (${holder})`, { hint: "wait for it; remove the lock only if that process is gone", exitCode: 3 });
  }
}

/** Takes the lock (O_EXCL); a lock left by a dead process is taken over. Returns the release function. */
export function acquireLock(lockPath: string): () => void {
  mkdirSync(dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, "wx", 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(readFileSync(lockPath, "utf8").trim());
      if (Number.isInteger(holder) && holder > 0 && processAlive(holder)) throw new RotationLockedError(lockPath, `pid ${holder}`);
      rmSync(lockPath, { force: true });
    }
  }
  throw new RotationLockedError(lockPath, "unknown holder");
}

/** One rotation check for one VM. */
export async function rotateSas(options: RotateOptions): Promise<RotateResult> {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  const release = acquireLock(options.lockPath);
  try {
    const parsed = SasState.safeParse(JSON.parse(await options.transport.readState()));
    if (!parsed.success) throw new OclogError("E_SAS_STATE", `the SAS state file of ${options.vm} is not valid`, { hint: "install a SAS by hand once: oclog sas issue ... | <transport> sudo oclog sas install" });
    const state = parsed.data;
    const remainingMs = Date.parse(state.expires_at) - now().getTime();
    log("sas.checked", { vm: options.vm, expires_at: state.expires_at, remaining_s: Math.round(remainingMs / 1000), fingerprint: state.fingerprint });
    if (remainingMs > options.thresholdMs) return { action: "not-due", expiresAt: state.expires_at, remainingMs };
    const url = await options.issue(state.container);
    const fresh = parseSas(url);
    await options.transport.install(url);
    const after = SasState.parse(JSON.parse(await options.transport.readState()));
    if (after.fingerprint !== fresh.fingerprint) throw new OclogError("E_SAS_ROTATE", `${options.vm} still reports token ${after.fingerprint} after installing ${fresh.fingerprint}`, { hint: "look at oclog sas install's output in the VM's journal" });
    log("sas.rotated", { vm: options.vm, old_fingerprint: state.fingerprint, fingerprint: after.fingerprint, expires_at: after.expires_at });
    return { action: "rotated", expiresAt: state.expires_at, remainingMs, newExpiresAt: after.expires_at, fingerprint: after.fingerprint };
  } finally {
    release();
  }
}

