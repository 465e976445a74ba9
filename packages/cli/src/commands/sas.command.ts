/** `oclog sas inspect | issue | install | rotate | schedule`: the specs (flags, defaults, help); the work is in sas.ts. */
import { ROTATE_DEFAULTS, SAS_STATE_PATH } from "@oclog/sas/defaults";
import { argument, defineCommand, defineGroup } from "../spec/command-spec.js";
import { option } from "../spec/option-spec.js";

const TRANSPORTS = ["vagrant", "ssh", "local"] as const;
const INSTALL_COMMAND = "/opt/oclog/bin/oclog sas install";

const inspect = defineCommand({
  name: "inspect",
  description: "What a SAS grants and until when (never prints the signature)",
  arguments: [argument("<token|file|->", "a file holding the SAS (or its URL), - for stdin, or the token itself (visible in ps: avoid)")],
  options: { json: option.flag("--json", "print the result as JSON") },
  help: "\nExit status: 0 fine as a shipping SAS (warnings may be listed), 1 it would be refused, 2 not a SAS.\n\nExamples:\n  oclog sas inspect /tmp/alice.sas\n  oclog sas issue --container oclog-alice --stdout | oclog sas inspect - --json",
  async run({ args: [source], opts }, output) {
    const { sasInspect } = await import("./sas.js");
    await sasInspect(source, opts, output);
  },
});

const issue = defineCommand({
  name: "issue",
  description: "Mint a container SAS: a user delegation SAS from your Azure login, or (Azurite) from a connection string",
  options: {
    container: option.required("--container <name>", "the user's container, e.g. oclog-alice"),
    accountUrl: option.string("--account-url <url>", "https://<account>.blob.core.windows.net (your Azure login signs; AZURE_STORAGE_KEY instead signs with the key)"),
    lifetime: option.string("--lifetime <duration>", "how long it lives (at most 7d for a user delegation SAS)", "7d"),
    permissions: option.string("--permissions <sp>", "what it grants; the shipping SAS needs only cw", "cw"),
    out: option.string("--out <file>", "write the SAS URL to this file (mode 0600)"),
    stdout: option.flag("--stdout", "print the SAS URL on stdout (for a pipe into oclog sas install)"),
    json: option.flag("--json", "print the summary as JSON (on stderr)"),
  },
  help: "\nWithout --out or --stdout nothing secret is printed.\n\nExamples:\n  oclog sas issue --account-url https://acmelogs.blob.core.windows.net --container oclog-alice --out ~/alice.sas\n  AZURE_STORAGE_CONNECTION_STRING=... oclog sas issue --container oclog-alice --stdout | vagrant ssh alice -- sudo oclog sas install",
  async run({ opts }, output) {
    const { sasIssue } = await import("./sas.js");
    await sasIssue(opts, output);
  },
});

const install = defineCommand({
  name: "install",
  description: "In the VM, as root: install the SAS URL read from stdin for Fluent Bit, write the public state, reload Fluent Bit",
  options: {
    container: option.string("--container <name>", "the VM's container (default: the one in the state file)"),
    include: option.string("--include <file>", "the Fluent Bit include holding OCLOG_SAS_TOKEN", "/etc/fluent-bit/oclog-sas.yaml"),
    stateFile: option.string("--state-file <file>", "the public state file", SAS_STATE_PATH),
    reloadUrl: option.string("--reload-url <url>", "Fluent Bit's HTTP server", "http://127.0.0.1:2020"),
    renewCommand: option.string("--renew-command <text>", "what the gate tells people to run (default: oclog sas rotate --vm <hostname>)"),
    fluentBitGroup: option.string("--fluent-bit-group <group>", "group that may read the include", "fluent-bit"),
    restartCommand: option.string("--restart-command <command>", "fallback when the hot reload does not take", "systemctl restart fluent-bit"),
    json: option.flag("--json", "print the result as JSON"),
  },
  help: "\nRefuses (listing every reason) a SAS that is malformed, expired, grants more than create/write/add, is for another container, is an account SAS, allows http, lives over 7 days, starts in the future or is oversized; prints what inspect would warn about.\n\nExample:\n  oclog sas issue --container oclog-alice --stdout | sudo oclog sas install --container oclog-alice",
  async run({ opts }, output) {
    const { sasInstall } = await import("./sas.js");
    await sasInstall(opts, output);
  },
});

const rotate = defineCommand({
  name: "rotate",
  description: "On the host: renew a VM's SAS when less than the threshold is left (from cron or a systemd timer)",
  options: {
    vm: option.required("--vm <name>", "the VM (vagrant machine name or ssh host)"),
    transport: option.choice("--transport <kind>", "how to reach the VM", TRANSPORTS, "vagrant"),
    threshold: option.string("--threshold <duration>", "rotate when less than this is left", ROTATE_DEFAULTS.threshold),
    lifetime: option.string("--lifetime <duration>", "lifetime of the new SAS", ROTATE_DEFAULTS.lifetime),
    accountUrl: option.string("--account-url <url>", "the storage account, https:// (your Azure login signs; AZURE_STORAGE_KEY instead signs with the key)"),
    envFile: option.string("--env-file <file>", "AZURE_* variables to sign with, one NAME=value a line, mode 0600 (AZURE_STORAGE_KEY, or AZURE_STORAGE_CONNECTION_STRING without --account-url)"),
    vagrantDir: option.string("--vagrant-dir <dir>", "the directory of the VM's Vagrantfile (default: where you are)"),
    vagrantEnv: option.list("--vagrant-env <name=value>", "a variable vagrant needs, e.g. OCLOG_USER=alice for vm/'s Vagrantfile (repeatable; never a secret)"),
    stateFile: option.string("--state-file <file>", "the state file inside the VM", SAS_STATE_PATH),
    installCommand: option.string("--install-command <command>", "the installer inside the VM", INSTALL_COMMAND),
    lock: option.string("--lock <file>", "lock file (default ~/.cache/oclog/sas-rotate-<vm>.lock)"),
    eventsSocket: option.string("--events-socket <path>", "also send the rotation events to this Fluent Bit forward socket (tag openclaw.oclog)"),
    json: option.flag("--json", "JSON events on stderr and a JSON result on stdout"),
  },
  help: `
Exit status: 0 rotated or not due, 2 usage error, 3 the VM or Azure could not be reached (an
expired Azure login needs a person: az login).

Examples:
  oclog sas rotate --vm oclog-alice --account-url https://acmelogs.blob.core.windows.net
  oclog sas rotate --vm oclog-alice --vagrant-dir ~/oclog/vm --vagrant-env OCLOG_USER=alice --account-url https://acmelogs.blob.core.windows.net
  oclog sas schedule --vm oclog-alice --vagrant-env OCLOG_USER=alice --account-url https://acmelogs.blob.core.windows.net   # run it hourly`,
  async run({ opts }, output) {
    const { sasRotate } = await import("./sas.js");
    await sasRotate(opts, output);
  },
});

const schedule = defineCommand({
  name: "schedule",
  description: "Print the crontab line and the systemd user timer that run `oclog sas rotate` hourly, as they must be to run unattended",
  options: {
    vm: option.required("--vm <name>", "the VM (vagrant machine name or ssh host)"),
    transport: option.choice("--transport <kind>", "how to reach the VM", TRANSPORTS, "vagrant"),
    accountUrl: option.string("--account-url <url>", "the storage account, https:// (required unless --env-file holds AZURE_STORAGE_CONNECTION_STRING)"),
    envFile: option.string("--env-file <file>", "absolute path of a 0600 file of AZURE_* variables the run signs with; never printed, only its path"),
    vagrantDir: option.string("--vagrant-dir <dir>", "absolute directory of the VM's Vagrantfile (default: this directory, if it holds one)"),
    vagrantEnv: option.list("--vagrant-env <name=value>", "a variable vagrant needs, e.g. OCLOG_USER=alice for vm/'s Vagrantfile (repeatable; printed, so never a secret)"),
    // No defaults here: rotate applies its own, so the printed line carries only what was asked.
    threshold: option.string("--threshold <duration>", `passed to rotate (its default: ${ROTATE_DEFAULTS.threshold})`),
    lifetime: option.string("--lifetime <duration>", `passed to rotate (its default: ${ROTATE_DEFAULTS.lifetime})`),
    stateFile: option.string("--state-file <file>", `passed to rotate (its default: ${SAS_STATE_PATH})`),
    installCommand: option.string("--install-command <command>", `passed to rotate (its default: ${INSTALL_COMMAND})`),
    eventsSocket: option.string("--events-socket <path>", "passed to rotate: also send its events to this Fluent Bit forward socket"),
    oclog: option.string("--oclog <path>", "absolute path of the oclog the job runs (default: this one)"),
    json: option.flag("--json", "print {unit, command, environment, log_file, crontab, service, timer, warnings} as JSON"),
  },
  help: `
The lines run as printed: the absolute oclog, a PATH holding this node and the transport's
programs (cron's own is /usr/bin:/bin), the Vagrantfile's directory, every flag rotate needs.
The inputs are checked as rotate checks them, and for vagrant \`vagrant status\` confirms the
machine exists without your shell's environment. Secrets never appear in the lines: your Azure
login signs (az login, kept in ~/.azure), or put AZURE_STORAGE_KEY (with --account-url) or
AZURE_STORAGE_CONNECTION_STRING (Azurite, without --account-url) in a file, chmod 600, and pass
--env-file. With --transport ssh the key must work without your ssh-agent (cron has none).
cron appends the output to ~/.cache/oclog/sas-rotate-<vm>.log; the timer's goes to the journal.

Exit status: 0 printed, 2 a setting would not run unattended (each problem is named).

Examples:
  cd oclog/vm && oclog sas schedule --vm oclog-alice --vagrant-env OCLOG_USER=alice --account-url https://acmelogs.blob.core.windows.net
  oclog sas schedule --vm alice.vms.example.com --transport ssh --account-url https://acmelogs.blob.core.windows.net --json
  oclog sas schedule --vm dev --transport local --env-file ~/.config/oclog/azurite.env --state-file ${SAS_STATE_PATH}`,
  async run({ opts }, output) {
    const { sasSchedule } = await import("./sas.js");
    await sasSchedule(opts, output);
  },
});

/** `oclog sas`. */
export const sasCommand = defineGroup({
  name: "sas",
  description: "The shipping SAS: inspect, issue, install in the VM, rotate from the host",
  commands: [inspect, issue, install, rotate, schedule],
});
