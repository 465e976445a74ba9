/**
 * The crontab line and the systemd user units that run `oclog sas rotate` every hour, written so
 * they run as printed: cron starts jobs in $HOME with PATH=/usr/bin:/bin and no shell profile,
 * systemd with its own environment, so the line carries the absolute oclog, a PATH that holds
 * node (bin/oclog.js is a node script) and the transport's tools, and every flag rotate needs.
 * Secrets are never in it: they stay in the --env-file that rotate reads.
 */
import { UsageError } from "@oclog/errors";
import { crontabQuote, systemdEnvironment, systemdExecutable, systemdQuote } from "./command-quote.js";
import { vmSlug, type RotateSettings } from "./rotate-settings.js";

/** Everything the lines need, already checked (checkRotateSettings) and resolved to absolute paths. */
export interface ScheduleInput {
  settings: RotateSettings;
  /** The oclog to run, absolute. */
  oclog: string;
  /** The run's PATH, first match first. */
  pathDirs: string[];
}

export interface RotationSchedule {
  vm: string;
  transport: string;
  /** systemd unit name, without .service / .timer. */
  unit: string;
  /** The argv that both the crontab line and ExecStart= run. */
  command: string[];
  environment: { PATH: string };
  /** Where the cron job appends its output ($HOME is expanded by the job's shell). */
  log_file: string;
  crontab: string;
  service: string;
  timer: string;
}

// Vixie cron (Debian's cron) keeps the first 999 characters of a command and drops the rest
// without a word (MAX_COMMAND 1000 in cron.h): a longer line would run cut off.
const CRON_MAX_COMMAND = 999;

/** `sas rotate` and its flags, each optional one only when it was given. */
export function rotateArguments(settings: RotateSettings): string[] {
  const optional = (flag: string, value: string | undefined) => (value === undefined ? [] : [flag, value]);
  return [
    "sas", "rotate",
    "--vm", settings.vm,
    "--transport", settings.transport,
    ...optional("--account-url", settings.accountUrl),
    ...optional("--env-file", settings.envFile),
    ...optional("--vagrant-dir", settings.vagrantDir),
    ...(settings.vagrantEnv ?? []).flatMap((pair) => ["--vagrant-env", pair]),
    ...optional("--threshold", settings.threshold),
    ...optional("--lifetime", settings.lifetime),
    ...optional("--state-file", settings.stateFile),
    ...optional("--install-command", settings.installCommand),
    ...optional("--events-socket", settings.eventsSocket),
    ...optional("--lock", settings.lock),
  ];
}

/** The crontab line (hourly at :17) and the systemd user service and timer (hourly, randomized). */
export function rotationSchedule(input: ScheduleInput): RotationSchedule {
  const { settings } = input;
  const slug = vmSlug(settings.vm);
  const unit = `oclog-sas-rotate-${slug}`;
  const command = [input.oclog, ...rotateArguments(settings)];
  const path = input.pathDirs.join(":");
  // The slug is [A-Za-z0-9_.-]: safe inside double quotes, where $HOME expands.
  const logDir = `"$HOME/.cache/oclog"`;
  const logFile = `"$HOME/.cache/oclog/sas-rotate-${slug}.log"`;
  // PATH=... in front of the command sets it for this job alone, not for the rest of the crontab.
  const cronCommand = `mkdir -p ${logDir} && PATH=${crontabQuote(path)} ${command.map(crontabQuote).join(" ")} >> ${logFile} 2>&1`;
  if (cronCommand.length > CRON_MAX_COMMAND) {
    throw new UsageError(`the crontab command would be ${cronCommand.length} characters; cron runs only the first ${CRON_MAX_COMMAND}`, { hint: "use shorter paths (a symlink to the oclog, the env file and the Vagrantfile's directory), or the systemd timer" });
  }
  const description = `oclog: rotate the shipping SAS of VM ${settings.vm}`;
  return {
    vm: settings.vm,
    transport: settings.transport,
    unit,
    command,
    environment: { PATH: path },
    log_file: `$HOME/.cache/oclog/sas-rotate-${slug}.log`,
    crontab: `17 * * * * ${cronCommand}`,
    service: [
      "[Unit]",
      `Description=${description}`,
      "",
      "[Service]",
      "Type=oneshot",
      systemdEnvironment("PATH", path),
      `ExecStart=${[systemdExecutable(input.oclog), ...command.slice(1).map(systemdQuote)].join(" ")}`,
      // A VM that hangs must not keep the unit active forever: the timer would never start it again.
      "TimeoutStartSec=15min",
      "",
    ].join("\n"),
    timer: ["[Unit]", `Description=${description}, hourly`, "", "[Timer]", "OnCalendar=hourly", "RandomizedDelaySec=10m", "Persistent=true", "", "[Install]", "WantedBy=timers.target", ""].join("\n"),
  };
}
