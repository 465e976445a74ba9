/**
 * `oclog sas install`, inside the VM as root: the new container SAS URL arrives on stdin. It is
 * checked (not expired, write-only, for this VM's container), written into the Fluent Bit include
 * that holds it (root:<fluent-bit group> 0640), the public state file is written (0644, no
 * signature), and Fluent Bit is asked to hot-reload, with a restart as the fallback.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { ExitCode, OclogError, Sensitive } from "@oclog/errors";
import { writeFileAtomic } from "@oclog/errors";
import { checkShippingSas } from "./sas-policy.js";
import { SasState, SAS_STATE_VERSION } from "./sas-state.js";
import { parseSas } from "./sas-token.js";

export interface InstallOptions {
  /** The container SAS URL, from stdin. */
  sasUrl: Sensitive<string>;
  /** The VM's container; a token for any other is refused. */
  container: string;
  /** Fluent Bit include that defines OCLOG_SAS_TOKEN (the openclaw-vm preset's sas_include). */
  includePath: string;
  statePath: string;
  /** Owner of the include: root and the Fluent Bit service's group (when running as root). */
  includeOwner?: { uid: number; gid: number };
  renewCommand: string;
  reloader: FluentBitReloader;
  now?: Date;
}

/** Asks Fluent Bit to pick up the new include. */
export interface FluentBitReloader {
  reload(): Promise<{ method: "hot-reload" | "restart"; detail: string }>;
}

/** The token cannot be installed: the message says why, never the token. */
export class InstallRefusedError extends OclogError {
  constructor(reasons: string[]) {
    super("E_SAS_REFUSED", `refusing this SAS: it ${reasons.join("; it ")}`, {
      hint: "issue a new one on the host: oclog sas issue --account-url <url> --container <container> --lifetime 7d --permissions cw",
      exitCode: 2,
    });
  }
}

export interface InstallResult {
  state: SasState;
  reload: { method: "hot-reload" | "restart"; detail: string };
  /** What `inspect` would warn about this token (installed anyway), e.g. "names no protocol (spr)". */
  warnings: string[];
}

function includeFile(token: string): string {
  // The token is URL-safe (no quotes, no newlines): a YAML double-quoted scalar holds it as is.
  if (/["\\\n\r]/.test(token)) throw new InstallRefusedError(["contains characters a SAS never has"]);
  return `# Written by oclog sas install; read by Fluent Bit (hot reload). Do not edit.\nenv:\n  OCLOG_SAS_TOKEN: "${token}"\n`;
}

/**
 * The last line of defence for the 0644 file: its fields are whitelisted and grammar-checked
 * already, so a signature in it is a bug in oclog, stopped before anything is written.
 */
function assertNoSignature(stateText: string, token: string): void {
  const signature = new URLSearchParams(token).get("sig") ?? "";
  // Installed tokens passed the sig grammar (base64), so encoding cannot throw here.
  const pieces = [signature, encodeURIComponent(signature)].filter((p) => p.length >= 8);
  if (/sig=/i.test(stateText) || pieces.some((p) => stateText.includes(p))) {
    throw new OclogError("E_SAS_STATE_LEAK", "the public SAS state would hold the signature; nothing was written", { exitCode: ExitCode.internal });
  }
}

/** Checks, writes both files atomically, reloads Fluent Bit. */
export async function installSas(options: InstallOptions): Promise<InstallResult> {
  const now = options.now ?? new Date();
  const sas = parseSas(options.sasUrl);
  const findings = checkShippingSas(sas, now, options.container);
  const refusals = findings.filter((f) => f.level === "refuse");
  if (refusals.length) throw new InstallRefusedError(refusals.map((f) => f.message));

  const state: SasState = SasState.parse({
    version: SAS_STATE_VERSION,
    account: sas.account ?? "unknown",
    container: options.container,
    expires_at: sas.expiry.toISOString().replace(/\.000Z$/, "Z"),
    issued_at: (sas.start ?? now).toISOString().replace(/\.000Z$/, "Z"),
    installed_at: now.toISOString(),
    permissions: sas.permissions,
    fingerprint: sas.fingerprint,
    shipping: "unknown",
    renew_command: options.renewCommand,
  });
  const stateText = `${JSON.stringify(state, null, 2)}\n`;
  assertNoSignature(stateText, sas.token.reveal());
  mkdirSync(dirname(options.includePath), { recursive: true });
  mkdirSync(dirname(options.statePath), { recursive: true, mode: 0o755 });
  writeFileAtomic(options.includePath, includeFile(sas.token.reveal()), 0o640, options.includeOwner);
  writeFileAtomic(options.statePath, stateText, 0o644);
  const reload = await options.reloader.reload();
  return { state, reload, warnings: findings.filter((f) => f.level === "warn").map((f) => f.message) };
}

/** The installed state, or undefined when there is none or it does not parse. */
export function readSasState(path: string): SasState | undefined {
  try {
    const parsed = SasState.safeParse(JSON.parse(readFileSync(path, "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
