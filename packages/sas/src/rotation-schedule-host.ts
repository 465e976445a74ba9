/**
 * `oclog sas schedule` on this host: checks the settings the way rotate will (plus what only a
 * run without you needs: absolute paths, an account, files that exist), finds the programs the
 * job needs on this host's PATH, asks vagrant whether the machine exists in the environment cron
 * will give it, then prints the lines (rotationSchedule).
 */
import { execFile } from "node:child_process";
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { delimiter, dirname, isAbsolute, join } from "node:path";
import { OclogError, UsageError, quoteUntrusted } from "@oclog/errors";
import { readAzureEnvFile } from "./azure-env-file.js";
import { SYSTEMD_EXECUTABLE_REFUSES } from "./command-quote.js";
import { rotateSettingsProblems, vagrantEnvironment, type RotateSettings } from "./rotate-settings.js";
import { rotationSchedule, type RotationSchedule } from "./rotation-schedule.js";

export interface ScheduleRequest extends RotateSettings {
  /** The oclog the job runs: absolute. */
  oclog: string;
}

/** What this host looks like to the check: injectable for tests. */
export interface ScheduleHost {
  env: NodeJS.ProcessEnv;
  /** The node that runs oclog (its directory goes first on the job's PATH). */
  nodePath: string;
  /** Where a Vagrantfile is looked for when --vagrant-dir is not given. */
  cwd: string;
}

export interface SchedulePlan {
  schedule: RotationSchedule;
  /** Things that may still go wrong at run time, for a person to look at. */
  warnings: string[];
}

// cron's own PATH: the job's PATH ends with it, so everything cron would find is still found.
const CRON_PATH = ["/usr/local/bin", "/usr/bin", "/bin"];
const TRANSPORT_PROGRAM = { vagrant: "vagrant", ssh: "ssh", local: undefined } as const;

/** The first executable `name` on `path`, or undefined. */
export function findOnPath(name: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? "").split(delimiter)) {
    if (!isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    try {
      if (statSync(candidate).isFile()) {
        accessSync(candidate, constants.X_OK);
        return candidate;
      }
    } catch {
      // not here: the next directory
    }
  }
  return undefined;
}

function executableProblem(flag: string, path: string): string | undefined {
  if (!isAbsolute(path)) return `${flag} ${quoteUntrusted(path, 200)} is relative: cron runs in your home directory with PATH=/usr/bin:/bin, so pass an absolute path, e.g. --oclog "$(command -v oclog)"`;
  if (SYSTEMD_EXECUTABLE_REFUSES.test(path)) return `${flag} ${quoteUntrusted(path, 200)} has a quote or backslash, which systemd refuses in an executable's path: point ${flag} at a symlink without them`;
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile() ? undefined : `${flag} ${quoteUntrusted(path, 200)} is not a file`;
  } catch {
    return `${flag} ${quoteUntrusted(path, 200)} does not exist or is not executable`;
  }
}

/** How rotate will sign, from the account URL and the env file's variable names; a problem when it cannot. */
function signingProblems(request: ScheduleRequest): string[] {
  let names: string[] = [];
  if (request.envFile !== undefined && isAbsolute(request.envFile)) {
    try {
      names = [...readAzureEnvFile(request.envFile).keys()];
    } catch (error) {
      const e = error as OclogError;
      return [`${e.message}${e.hint ? ` (${e.hint})` : ""}`];
    }
  }
  const connectionString = names.includes("AZURE_STORAGE_CONNECTION_STRING");
  if (request.accountUrl === undefined && !connectionString) {
    return [
      "--account-url is required: the scheduled run has no shell environment to find the account in " +
        "(pass --account-url https://<account>.blob.core.windows.net; or, for Azurite or a key-signed account, " +
        "--env-file FILE holding AZURE_STORAGE_CONNECTION_STRING: the connection string holds the key, so it can only come from a file)",
    ];
  }
  if (request.accountUrl !== undefined && connectionString) {
    return ["--env-file holds AZURE_STORAGE_CONNECTION_STRING and --account-url is given: rotate would sign with the account URL and ignore the connection string; keep one (AZURE_STORAGE_KEY goes with --account-url)"];
  }
  return [];
}

function vagrantDirProblem(dir: string | undefined): string | undefined {
  if (dir === undefined || !isAbsolute(dir)) return undefined; // absence and relativity are reported by the settings check
  return existsSync(join(dir, "Vagrantfile")) ? undefined : `--vagrant-dir ${quoteUntrusted(dir, 200)} holds no Vagrantfile`;
}

/** Runs `vagrant status` the way the job will (its PATH, vagrant's directory and environment, nothing of this shell). */
function vagrantMachineCheck(vagrant: string, settings: RotateSettings, path: string, home: string | undefined): Promise<string | undefined> {
  const env = { PATH: path, ...(home ? { HOME: home } : {}), ...vagrantEnvironment(settings.vagrantEnv) };
  return new Promise((resolve) => {
    execFile(vagrant, ["status", settings.vm, "--machine-readable"], { cwd: settings.vagrantDir!, env, timeout: 120_000, encoding: "utf8" }, (_error, stdout) => {
      const exit = /,error-exit,([^,]+),(.*)/.exec(stdout ?? "");
      // Its first sentence is enough: the rest is vagrant's advice about providers.
      const firstSentence = (exit?.[2] ?? "").replace(/\\n/g, " ").replace(/%!\(VAGRANT_COMMA\)/g, ",").split(/(?<=\.) /)[0]!.slice(0, 200);
      resolve(exit ? `${exit[1]}: ${firstSentence}` : undefined);
    });
  });
}

/** Checks everything, then the lines. Throws one UsageError naming every problem. */
export async function planRotationSchedule(request: ScheduleRequest, host: ScheduleHost): Promise<SchedulePlan> {
  const settings: RotateSettings = { ...request };
  let noVagrantDir: string | undefined;
  if (settings.transport === "vagrant" && settings.vagrantDir === undefined) {
    if (existsSync(join(host.cwd, "Vagrantfile"))) settings.vagrantDir = host.cwd;
    else noVagrantDir = "which directory holds the VM's Vagrantfile? cron runs in your home directory, where vagrant would not find it: pass --vagrant-dir /absolute/path/to/oclog/vm (or run this in that directory)";
  }
  const problems = [
    noVagrantDir,
    ...rotateSettingsProblems(settings),
    executableProblem("--oclog", request.oclog),
    vagrantDirProblem(settings.vagrantDir),
    ...signingProblems(request),
  ].filter((p): p is string => p !== undefined);
  if (problems.length) throw new UsageError(`oclog sas schedule: ${problems.join("; ")}`, { hint: "oclog sas schedule --help lists the flags and examples", context: { problems } });

  const warnings: string[] = [];
  const program = TRANSPORT_PROGRAM[settings.transport];
  const programPath = program ? findOnPath(program, host.env.PATH) : undefined;
  if (program && !programPath) warnings.push(`${program} is not on your PATH; the job looks for it in ${CRON_PATH.join(":")} only`);
  // Your Azure login (az) signs when no key is in the env file.
  const az = findOnPath("az", host.env.PATH);
  const pathDirs = [...new Set([dirname(host.nodePath), ...(programPath ? [dirname(programPath)] : []), ...(az ? [dirname(az)] : []), ...CRON_PATH])];
  const schedule = rotationSchedule({ settings, oclog: request.oclog, pathDirs });

  if (settings.transport === "vagrant" && programPath) {
    const failure = await vagrantMachineCheck(programPath, settings, schedule.environment.PATH, host.env.HOME);
    if (failure?.startsWith("Vagrant::Errors::MachineNotFound")) {
      throw new UsageError(`vagrant in ${quoteUntrusted(settings.vagrantDir, 200)} has no machine ${settings.vm} when run without your shell's environment, as cron runs it`, {
        hint: "oclog's vm/Vagrantfile names its machine oclog-$OCLOG_USER: pass --vagrant-env OCLOG_USER=<user> (`vagrant status` in that directory lists the names)",
      });
    }
    if (failure) warnings.push(`vagrant status ${settings.vm} did not answer cleanly here (${failure}); the name was not confirmed`);
  }
  return { schedule, warnings };
}
