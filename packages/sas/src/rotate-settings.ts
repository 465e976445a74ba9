/**
 * What `oclog sas rotate` is told, checked before anything runs: by the rotation itself and by
 * `oclog sas schedule`, so a line printed for cron is refused for the same reasons the run would
 * fail. Every problem is reported at once, each saying what to pass instead.
 */
import { isAbsolute } from "node:path";
import { UsageError, quoteUntrusted } from "@oclog/errors";
import { hasControlCharacter } from "./command-quote.js";
import { parseDuration } from "@oclog/schema";

export type TransportKind = "vagrant" | "ssh" | "local";

/** The flags of `oclog sas rotate`; the optional ones take rotate's defaults when absent. */
export interface RotateSettings {
  vm: string;
  transport: TransportKind;
  accountUrl?: string;
  /** Azure variables (a connection string, an account key, a service principal) for signing. */
  envFile?: string;
  vagrantDir?: string;
  /** NAME=VALUE pairs for vagrant's environment (the Vagrantfile may name its machine from them). */
  vagrantEnv?: string[];
  threshold?: string;
  lifetime?: string;
  stateFile?: string;
  installCommand?: string;
  eventsSocket?: string;
  lock?: string;
}

import { ROTATE_DEFAULTS } from "./defaults.js";

export { ROTATE_DEFAULTS };

// A vagrant machine name or an ssh host (user@host, an alias, an address): never an option
// (a leading `-` would reach ssh as one) and nothing a shell, cron or systemd would read.
const VM_NAME = /^[A-Za-z0-9][A-Za-z0-9._@:-]{0,252}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Values in --vagrant-env are printed into crontabs and units: secrets go in --env-file.
const SECRET_NAME = /KEY|SECRET|TOKEN|PASSW|CONNECTION|SAS|CREDENTIAL|^AZURE_/i;

/** --vagrant-env's NAME=VALUE pairs as an environment. */
export function vagrantEnvironment(pairs: string[] = []): Record<string, string> {
  return Object.fromEntries(pairs.map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]));
}

/** The name's form as used in file and unit names (lock, log, systemd unit). */
export function vmSlug(vm: string): string {
  return vm.replace(/[^A-Za-z0-9_.-]/g, "_");
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** Why an account URL cannot be used (undefined when it can): https, or http to a loopback emulator. */
export function accountUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `--account-url ${quoteUntrusted(text)} is not a URL: pass https://<account>.blob.core.windows.net`;
  }
  if (url.username || url.password) return "--account-url carries a user name or password: pass only https://<account>.blob.core.windows.net";
  // A SAS in the account URL would be a secret in argv, ps and the crontab.
  if (url.search || url.hash) return "--account-url carries a query string (a SAS there would be visible in ps and crontabs): pass only https://<account>.blob.core.windows.net";
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:" && isLoopback(url.hostname)) return undefined;
  return `--account-url ${quoteUntrusted(text)} is not https: Azure Storage needs https://<account>.blob.core.windows.net (plain http only to an emulator on a loopback address)`;
}

function vmProblem(vm: string): string | undefined {
  if (VM_NAME.test(vm)) return undefined;
  return `--vm ${quoteUntrusted(vm)} is not a machine name or ssh host: letters, digits and . _ @ : - only, starting with a letter or digit`;
}

function absolutePathProblem(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (hasControlCharacter(value)) return `${flag} ${quoteUntrusted(value)} has a newline or control character: rename it`;
  if (!isAbsolute(value)) return `${flag} ${quoteUntrusted(value)} is relative: pass an absolute path (cron starts in your home directory)`;
  return undefined;
}

function vagrantEnvProblems(pairs: string[]): string[] {
  return pairs.flatMap((pair) => {
    const name = pair.split("=", 1)[0]!;
    if (!pair.includes("=") || !ENV_NAME.test(name)) return [`--vagrant-env ${quoteUntrusted(pair)} is not NAME=VALUE`];
    if (SECRET_NAME.test(name) || name === "PATH" || name === "HOME") return [`--vagrant-env ${name} is not for secrets, PATH or HOME: it is printed into crontabs and units (secrets go in --env-file)`];
    if (hasControlCharacter(pair)) return [`--vagrant-env ${name} has a newline or control character in its value`];
    return [];
  });
}

function durationProblems(settings: RotateSettings): string[] {
  const problems: string[] = [];
  const read = (text: string, flag: string): number | undefined => {
    try {
      return parseDuration(text, flag);
    } catch (error) {
      problems.push(`${(error as Error).message} (e.g. 7d, 48h, 90m)`);
      return undefined;
    }
  };
  const threshold = read(settings.threshold ?? ROTATE_DEFAULTS.threshold, "--threshold");
  const lifetime = read(settings.lifetime ?? ROTATE_DEFAULTS.lifetime, "--lifetime");
  if (threshold !== undefined && lifetime !== undefined && threshold >= lifetime) {
    problems.push(`--threshold ${settings.threshold ?? ROTATE_DEFAULTS.threshold} is not shorter than --lifetime ${settings.lifetime ?? ROTATE_DEFAULTS.lifetime}: every run would rotate again`);
  }
  return problems;
}

/** Every problem with these settings (empty when rotate can run with them). */
export function rotateSettingsProblems(settings: RotateSettings): string[] {
  const problems = [vmProblem(settings.vm), settings.accountUrl === undefined ? undefined : accountUrlProblem(settings.accountUrl)];
  for (const [flag, value] of [["--env-file", settings.envFile], ["--vagrant-dir", settings.vagrantDir], ["--state-file", settings.stateFile], ["--events-socket", settings.eventsSocket], ["--lock", settings.lock]] as const) {
    problems.push(absolutePathProblem(flag, value));
  }
  if (settings.transport !== "vagrant" && (settings.vagrantDir !== undefined || (settings.vagrantEnv ?? []).length > 0)) {
    problems.push(`--vagrant-dir and --vagrant-env are for --transport vagrant, not ${settings.transport}`);
  }
  if (settings.installCommand !== undefined && (hasControlCharacter(settings.installCommand) || settings.installCommand.trim() === "")) {
    problems.push("--install-command is empty or has a newline or control character");
  }
  return [...problems.filter((p): p is string => p !== undefined), ...vagrantEnvProblems(settings.vagrantEnv ?? []), ...durationProblems(settings)];
}

/** Throws one UsageError naming every problem. */
export function checkRotateSettings(settings: RotateSettings, command = "oclog sas rotate"): void {
  const problems = rotateSettingsProblems(settings);
  if (problems.length) throw new UsageError(`${command}: ${problems.join("; ")}`, { hint: `${command} --help lists the flags and examples`, context: { problems } });
}
