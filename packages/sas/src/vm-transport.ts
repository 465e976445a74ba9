/**
 * How the host reaches a VM: read its public state file, and pipe a new SAS URL into
 * `oclog sas install` inside it. The token travels on stdin only, never in argv.
 */
import { spawn } from "node:child_process";
import { OclogError, type Sensitive } from "@oclog/errors";

export interface VmTransport {
  readonly label: string;
  readState(): Promise<string>;
  install(sasUrl: Sensitive<string>): Promise<void>;
}

/** A command failed on the way to the VM. */
export class TransportError extends OclogError {}

/** Where and with what environment the transport's commands run. */
export interface CommandPlace {
  /** Working directory (vagrant finds its Vagrantfile from here). */
  cwd?: string;
  /** Added to the environment (vagrant's settings). */
  env?: Record<string, string>;
}

// The VM side never needs Azure credentials: whatever signed the SAS (an --env-file's key, a
// service principal) stays in this process and never reaches vagrant, ssh or the installer.
function childEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("AZURE_")));
  return { ...env, ...extra };
}

function run(argv: string[], place: CommandPlace, stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ["pipe", "pipe", "pipe"], env: childEnvironment(place.env), ...(place.cwd ? { cwd: place.cwd } : {}) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += String(d)));
    child.stderr.on("data", (d) => (stderr += String(d)));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    // A command that does not read stdin (cat FILE) may exit first: its closed pipe is no error.
    child.stdin.on("error", () => {});
    child.stdin.end(stdin ?? "");
  });
}

/**
 * Runs commands through a prefix: `vagrant ssh <vm> --`, `ssh <host>`, or nothing (a VM that is
 * this machine, and the tests). `installCommand` is the in-VM command line.
 */
export class CommandTransport implements VmTransport {
  readonly label: string;
  readonly #prefix: string[];
  readonly #statePath: string;
  readonly #installCommand: string[];
  readonly #place: CommandPlace;

  constructor(label: string, prefix: string[], statePath: string, installCommand: string[], place: CommandPlace = {}) {
    this.label = label;
    this.#prefix = prefix;
    this.#statePath = statePath;
    this.#installCommand = installCommand;
    this.#place = place;
  }

  async readState(): Promise<string> {
    const result = await run([...this.#prefix, "cat", this.#statePath], this.#place);
    if (result.code !== 0) throw new TransportError("E_TRANSPORT", `cannot read ${this.#statePath} on ${this.label}: ${result.stderr.trim().slice(0, 300)}`, { hint: "is the VM running, and was a SAS ever installed in it?" });
    return result.stdout;
  }

  async install(sasUrl: Sensitive<string>): Promise<void> {
    const result = await run([...this.#prefix, ...this.#installCommand], this.#place, `${sasUrl.reveal()}\n`);
    if (result.code !== 0) throw new TransportError("E_TRANSPORT", `oclog sas install failed on ${this.label} (exit ${result.code}): ${result.stderr.trim().slice(0, 500)}`);
  }
}

/** `vagrant` / `ssh` / `local` transports by name. */
export function transportFor(kind: "vagrant" | "ssh" | "local", vm: string, options: { statePath: string; installCommand: string[]; place?: CommandPlace }): VmTransport {
  const prefix = kind === "vagrant" ? ["vagrant", "ssh", vm, "--"] : kind === "ssh" ? ["ssh", "-o", "BatchMode=yes", vm] : [];
  return new CommandTransport(`${kind}:${vm}`, prefix, options.statePath, kind === "local" ? options.installCommand : ["sudo", ...options.installCommand], options.place);
}
