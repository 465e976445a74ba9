// `oclog sas schedule` prints lines that work: the printed crontab line run through /bin/sh
// under cron's sparse environment, and the printed unit checked by `systemd-analyze verify` and
// its ExecStart= run, each rotating a SAS against a real Azurite with the local transport. The
// VM side is the real `oclog sas install` (the built bin/oclog.js), hot-reloading a real Fluent
// Bit 5.1.1. Then attacks: values that are shell syntax, and values that must be refused.
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import test from "ava";
import { BlobServiceClient } from "@azure/storage-blob";
import { Sensitive } from "@oclog/errors";
import { startAzurite, type Azurite } from "@oclog/test-kit/azurite";
import { CommandTransport, issueContainerSas, ROTATE_DEFAULTS, type RotationSchedule } from "@oclog/sas";
import { startReloadableFluentBit, type ReloadableFluentBit, Receiver } from "@oclog/test-kit/fluent-bit";
import { runCli } from "./run-cli.js";
import { CRON_PATH, cronCommand, runAsCron, runAsSystemdUser, serviceCommand } from "./scheduler-run.js";

const DAY = 86_400_000;
// The oclog a schedule defaults to: this package's launcher (it runs the built dist/).
const OCLOG_BIN = fileURLToPath(new URL("../bin/oclog.js", import.meta.url));
const VAGRANTFILE = fileURLToPath(new URL("../../../vm/Vagrantfile", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "oclog-schedule-"));
// A directory name that is also shell, cron and systemd syntax: spaces, both quotes, command
// substitutions, cron's %, a backslash before %, systemd's $ and %, globs, a comment sign.
const WEIRD = `we ird 'sq' "dq" $(touch PWNED1) \`touch PWNED2\` 100% a\\%b $HOME %h ; & | * ~ #x`;
// systemd refuses quotes and backslashes in an executable's path (not in arguments): the rest of it.
const WEIRD_EXECUTABLE = `we ird $(touch PWNED1) \`touch PWNED2\` 100% $HOME %h ; & | * ~ #x`;

let azurite: Azurite;
const stops: (() => Promise<void>)[] = [];

test.before(async () => {
  azurite = await startAzurite();
  await BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient("oclog-alice").create();
});
test.after.always(async () => {
  for (const stop of stops) await stop();
  await azurite?.stop();
  rmSync(work, { recursive: true, force: true });
});

// The test's own sh quoting, for the fixture's installer script only (not under test).
const q = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** A file of AZURE_* variables, 0600. */
function envFile(path: string, lines: Record<string, string>): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, Object.entries(lines).map(([k, v]) => `${k}=${v}\n`).join(""), { mode: 0o600 });
  return path;
}

interface Snapshot {
  fingerprint: string;
  expires_at: string;
  reloads: number;
}

interface LocalVm {
  statePath: string;
  includePath: string;
  /** One path without spaces: rotate splits --install-command on spaces. */
  installer: string;
  /** What the installer's environment held, written by it on each run. */
  installerEnvPath: string;
  fluentBit: ReloadableFluentBit;
  state(): { fingerprint: string; expires_at: string };
  /** The state and the reload count now, to compare after a run. */
  snapshot(): Promise<Snapshot>;
  /** Installs a SAS that lives one day (inside rotate's 48 h threshold), as rotate would. */
  installDueSas(): Promise<void>;
}

/** A "VM" on this machine: the state and include under `root`, the real installer, its own Fluent Bit to reload. */
async function localVm(root: string): Promise<LocalVm> {
  const statePath = join(root, "run/oclog/sas-state.json");
  const includePath = join(root, "etc/fluent-bit/oclog-sas.yaml");
  const installerEnvPath = join(root, "installer-env");
  const fluentBit = await startReloadableFluentBit();
  stops.push(() => fluentBit.close());
  const installer = join(mkdtempSync(join(work, "installer-")), "install");
  const install = [process.execPath, OCLOG_BIN, "sas", "install", "--container", "oclog-alice", "--include", includePath, "--state-file", statePath, "--reload-url", fluentBit.url];
  writeFileSync(installer, `#!/bin/sh\nenv > ${q(installerEnvPath)}\nexec ${install.map(q).join(" ")}\n`, { mode: 0o755 });
  const vm: LocalVm = {
    statePath,
    includePath,
    installer,
    installerEnvPath,
    fluentBit,
    state: () => JSON.parse(readFileSync(statePath, "utf8")) as { fingerprint: string; expires_at: string },
    snapshot: async () => ({ ...vm.state(), reloads: await fluentBit.reloads() }),
    installDueSas: async () => {
      const url = await issueContainerSas({ kind: "connection-string", connectionString: new Sensitive(azurite.connectionString) }, { container: "oclog-alice", permissions: "cw", lifetimeMs: DAY });
      await new CommandTransport("local:fixture", [], statePath, [installer]).install(url);
    },
  };
  await vm.installDueSas();
  return vm;
}

async function schedule(...args: string[]): Promise<RotationSchedule & { warnings: string[] }> {
  const printed = await runCli("sas", "schedule", ...args, "--json");
  if (printed.code !== 0) throw new Error(`schedule exited ${printed.code}: ${printed.stderr}`);
  return JSON.parse(printed.stdout) as RotationSchedule & { warnings: string[] };
}

/** What a successful rotation leaves behind, checked against the state before it. */
async function assertRotated(t: import("ava").ExecutionContext, vm: LocalVm, before: Snapshot, lifetimeDays = 7): Promise<string> {
  const after = vm.state();
  t.not(after.fingerprint, before.fingerprint, "a new SAS is installed");
  t.true(Math.abs(Date.parse(after.expires_at) - Date.now() - lifetimeDays * DAY) < 120_000, `the new SAS lives ${lifetimeDays} days (expires ${after.expires_at})`);
  t.true(Date.parse(after.expires_at) > Date.parse(before.expires_at));
  t.is(await vm.fluentBit.reloads(), before.reloads + 1, "Fluent Bit reloaded once");
  const token = /OCLOG_SAS_TOKEN: "(.*)"/.exec(readFileSync(vm.includePath, "utf8"))![1]!;
  return new URLSearchParams(token).get("sig")!;
}

function verifyUnits(dir: string, s: RotationSchedule): { status: number | null; output: string } {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${s.unit}.service`), s.service);
  writeFileSync(join(dir, `${s.unit}.timer`), s.timer);
  const runtime = mkdtempSync(join(work, "xdg-"));
  chmodSync(runtime, 0o700);
  // --user needs a runtime directory to start its (offline) manager.
  const run = spawnSync("systemd-analyze", ["verify", "--user", join(dir, `${s.unit}.service`), join(dir, `${s.unit}.timer`)], { encoding: "utf8", env: { ...process.env, XDG_RUNTIME_DIR: runtime } });
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

test("the printed crontab line, run by /bin/sh under cron's environment, rotates the SAS (connection string from --env-file, events to Fluent Bit's socket)", async (t) => {
  const root = join(work, "cron");
  const vm = await localVm(join(root, "vm"));
  const secrets = envFile(join(root, "azurite.env"), { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString });
  const events = new Receiver(join(root, "events.sock"));
  await events.start();
  t.teardown(() => events.stop());
  const args = ["--vm", "alice", "--transport", "local", "--env-file", secrets, "--state-file", vm.statePath, "--install-command", vm.installer, "--events-socket", events.path];
  const s = await schedule(...args);

  t.regex(s.crontab, /^17 \* \* \* \* mkdir -p "\$HOME\/\.cache\/oclog" && PATH=/);
  t.is(s.command[0], OCLOG_BIN, "the running oclog, absolute");
  t.deepEqual(s.command.slice(1), ["sas", "rotate", ...args], "what was given, and nothing that was not (no --threshold, --lifetime, --account-url)");
  t.is(s.environment.PATH.split(":")[0], dirname(process.execPath), "node's directory first: bin/oclog.js is a node script");
  t.deepEqual(CRON_PATH.split(":").filter((dir) => !s.environment.PATH.split(":").includes(dir)), [], "and all of cron's own PATH");
  t.true(s.crontab.endsWith(`>> "$HOME/.cache/oclog/sas-rotate-alice.log" 2>&1`));
  const text = await runCli("sas", "schedule", ...args);
  t.is(text.code, 0);
  t.true(text.stdout.split("\n").includes(s.crontab), "the text output prints the same line");
  t.true(text.stdout.includes(s.service) && text.stdout.includes(s.timer));
  for (const printed of [text.stdout, text.stderr, JSON.stringify(s)]) t.false(printed.includes(azurite.accountKey), "the key is never printed");

  const home = join(root, "home");
  mkdirSync(home);
  const before = await vm.snapshot();
  const run = await runAsCron(s.crontab, home);
  t.is(run.code, 0, run.stderr);
  t.is(run.stdout + run.stderr, "", "everything went to the log file");
  const sig = await assertRotated(t, vm, before);
  const log = readFileSync(join(home, ".cache/oclog/sas-rotate-alice.log"), "utf8");
  t.regex(log, new RegExp(`rotated alice: new SAS ${vm.state().fingerprint} expires ${vm.state().expires_at}`));
  t.false(log.includes(sig) || log.includes(azurite.accountKey), "no secret in the log");
  // Stopped, Fluent Bit has written out every event it acknowledged: the list is complete.
  await events.stop();
  t.deepEqual(events.entries.map((e) => e.record.event), ["sas.checked", "sas.rotated"], "the events reached the socket");
  await events.start();
  const installerEnv = readFileSync(vm.installerEnvPath, "utf8");
  t.true(installerEnv.split("\n").includes(`PATH=${s.environment.PATH}`), "the job ran with the printed PATH, not cron's");
  t.notRegex(installerEnv, /^AZURE_/m, "the signing secret never reaches the VM side");

  // The next hour's run finds nothing to do.
  const again = await runAsCron(s.crontab, home);
  t.is(again.code, 0);
  t.regex(readFileSync(join(home, ".cache/oclog/sas-rotate-alice.log"), "utf8"), /alice: SAS expires .* above the 48h threshold; nothing to do/);
});

test("the printed systemd units pass systemd-analyze verify, and ExecStart= rotates the SAS (account key from --env-file, Azurite's account URL)", async (t) => {
  const root = join(work, "systemd");
  const vm = await localVm(join(root, "vm"));
  const secrets = envFile(join(root, "key.env"), { AZURE_STORAGE_KEY: azurite.accountKey });
  const s = await schedule("--vm", "bob", "--transport", "local", "--account-url", azurite.blobEndpoint, "--env-file", secrets, "--state-file", vm.statePath, "--install-command", vm.installer, "--threshold", "36h", "--lifetime", "6d");

  const verified = verifyUnits(join(root, "units"), s);
  t.is(verified.status, 0, verified.output);
  t.is(verified.output, "", "no complaint at all");
  const { argv, env } = serviceCommand(s.service);
  t.deepEqual(argv, s.command, "ExecStart= is the printed command");
  t.deepEqual(env, { PATH: s.environment.PATH });
  t.true(s.command.includes("--threshold") && s.command.includes("--lifetime"), "given options are passed on");

  const home = join(root, "home");
  mkdirSync(home);
  const before = await vm.snapshot();
  const run = await runAsSystemdUser(s.service, home);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, /^rotated bob: new SAS sha256:/);
  await assertRotated(t, vm, before, 6);
});

test("attack: paths that are shell, cron and systemd syntax stay one argument each, run nothing, and the rotation still works", async (t) => {
  const root = join(work, "attack", WEIRD);
  const vm = await localVm(join(root, "vm"));
  const secrets = envFile(join(root, "azurite.env"), { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString });
  const oclog = join(work, "attack", WEIRD_EXECUTABLE, "oclog");
  mkdirSync(dirname(oclog), { recursive: true });
  symlinkSync(OCLOG_BIN, oclog);
  const home = join(root, "home");
  mkdirSync(home);
  const s = await schedule("--vm", "carol", "--transport", "local", "--oclog", oclog, "--env-file", secrets, "--state-file", vm.statePath, "--install-command", vm.installer);
  t.deepEqual(s.command.slice(0, 1), [oclog]);

  // cron: the line parses into exactly the printed command, and runs it.
  const before = await vm.snapshot();
  const run = await runAsCron(s.crontab, home);
  t.is(run.code, 0, `${run.stderr}\n${cronCommand(s.crontab)}`);
  await assertRotated(t, vm, before);
  t.regex(readFileSync(join(home, ".cache/oclog/sas-rotate-carol.log"), "utf8"), /rotated carol: new SAS/);
  for (const dir of [home, root, dirname(oclog), work, process.cwd()]) {
    t.false(existsSync(join(dir, "PWNED1")) || existsSync(join(dir, "PWNED2")), `no command substitution ran (looked in ${dir})`);
  }

  // systemd: the same values through ExecStart= quoting ($ and % included).
  const verified = verifyUnits(join(work, "attack", "units"), s);
  t.is(verified.status, 0, verified.output);
  t.deepEqual(serviceCommand(s.service).argv, s.command);
  await vm.installDueSas();
  const again = await vm.snapshot();
  const started = await runAsSystemdUser(s.service, home);
  t.is(started.code, 0, started.stderr);
  await assertRotated(t, vm, again);
});

test("attack: what cannot run unattended or safely is refused with a clear error, and nothing is printed", async (t) => {
  const root = join(work, "refused");
  const good = envFile(join(root, "good.env"), { AZURE_STORAGE_KEY: azurite.accountKey });
  const open = envFile(join(root, "open.env"), { AZURE_STORAGE_KEY: azurite.accountKey });
  chmodSync(open, 0o644);
  const other = envFile(join(root, "other.env"), { NODE_OPTIONS: "--require /tmp/evil.js" });
  const account = ["--account-url", "https://acmelogs.blob.core.windows.net"];
  const local = ["--transport", "local", ...account];
  const cases: [string, string[], RegExp][] = [
    ["a vm name with ;", ["--vm", "alice; touch PWNED", ...local], /--vm "alice; touch PWNED" is not a machine name or ssh host/],
    ["a vm name with $()", ["--vm", "$(touch PWNED)", ...local], /--vm "\$\(touch PWNED\)" is not a machine name/],
    ["a vm name that is an ssh option", ["--vm", "-oProxyCommand=touch PWNED", ...local], /--vm "-oProxyCommand=touch PWNED" is not a machine name/],
    ["a vm name with a newline", ["--vm", "alice\n17 * * * * touch PWNED", ...local], /--vm "alice\\n17 \* \* \* \* touch PWNED" is not a machine name/],
    ["a vm name with quotes and spaces", ["--vm", `al "ice'`, ...local], /is not a machine name or ssh host/],
    ["no account at all", ["--vm", "alice", "--transport", "local"], /--account-url is required: the scheduled run has no shell environment/],
    ["an http account URL", ["--vm", "alice", "--transport", "local", "--account-url", "http://acmelogs.blob.core.windows.net"], /is not https: Azure Storage needs https:\/\//],
    ["a SAS in the account URL", ["--vm", "alice", "--transport", "local", "--account-url", "https://acmelogs.blob.core.windows.net/?sv=2024&sig=c2VjcmV0c2VjcmV0"], /carries a query string/],
    ["a relative oclog", ["--vm", "alice", ...local, "--oclog", "packages/cli/bin/oclog.js"], /--oclog "packages\/cli\/bin\/oclog.js" is relative: cron runs in your home directory/],
    ["an oclog that does not exist", ["--vm", "alice", ...local, "--oclog", "/nonexistent/oclog"], /does not exist or is not executable/],
    ["an oclog systemd cannot start", ["--vm", "alice", ...local, "--oclog", `${root}/it's/oclog`], /has a quote or backslash, which systemd refuses in an executable's path: point --oclog at a symlink/],
    ["a relative vagrant dir", ["--vm", "oclog-alice", ...account, "--vagrant-dir", "vm"], /--vagrant-dir "vm" is relative: pass an absolute path/],
    ["a vagrant dir with a newline", ["--vm", "oclog-alice", ...account, "--vagrant-dir", "/tmp/vm\nx"], /--vagrant-dir "\/tmp\/vm\\nx" has a newline/],
    ["a vagrant dir without a Vagrantfile", ["--vm", "oclog-alice", ...account, "--vagrant-dir", root], /holds no Vagrantfile/],
    ["vagrant flags for another transport", ["--vm", "alice", ...local, "--vagrant-dir", root], /--vagrant-dir and --vagrant-env are for --transport vagrant, not local/],
    ["a secret in --vagrant-env", ["--vm", "oclog-alice", ...account, "--vagrant-dir", dirname(VAGRANTFILE), "--vagrant-env", "AZURE_STORAGE_KEY=abc"], /--vagrant-env AZURE_STORAGE_KEY is not for secrets/],
    ["an env file others can read", ["--vm", "alice", ...local, "--env-file", open], /is readable or writable by others \(mode 644\).*chmod 600/],
    ["an env file with a non-Azure variable", ["--vm", "alice", ...local, "--env-file", other], /line 1: NODE_OPTIONS is not an AZURE_\* variable/],
    ["a relative env file", ["--vm", "alice", ...local, "--env-file", "good.env"], /--env-file "good.env" is relative/],
    ["a connection string beside an account URL", ["--vm", "alice", ...local, "--env-file", envFile(join(root, "both.env"), { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString })], /rotate would sign with the account URL and ignore the connection string/],
    ["a threshold not below the lifetime", ["--vm", "alice", ...local, "--threshold", "8d"], /--threshold 8d is not shorter than --lifetime 7d/],
    ["a relative state file", ["--vm", "alice", ...local, "--state-file", "run/state.json"], /--state-file "run\/state.json" is relative/],
  ];
  for (const [name, args, expected] of cases) {
    const refused = await runCli("sas", "schedule", ...args);
    t.is(refused.code, 2, `${name}: exit 2 (${refused.stderr})`);
    t.regex(refused.stderr, expected, name);
    t.regex(refused.stderr, /\nhint: /, `${name}: says what to do next`);
    t.is(refused.stdout, "", `${name}: no line printed`);
    t.false(refused.stderr.includes("c2VjcmV0c2VjcmV0") || refused.stderr.includes(azurite.accountKey), `${name}: no secret echoed`);
  }
  t.false(existsSync(join(process.cwd(), "PWNED")));

  // Every problem at once, not only the first.
  const many = await runCli("sas", "schedule", "--vm", "a;b", "--transport", "local", "--account-url", "http://example.com", "--oclog", "oclog", "--state-file", "x");
  t.is(many.code, 2);
  for (const part of [/--vm "a;b"/, /--account-url "http:\/\/example.com" is not https/, /--oclog "oclog" is relative/, /--state-file "x" is relative/]) t.regex(many.stderr, part);

  // rotate itself refuses the same settings before it reaches a VM or Azure.
  const rotate = await runCli("sas", "rotate", "--vm", "-oProxyCommand=touch PWNED", "--transport", "ssh", "--account-url", "http://acmelogs.blob.core.windows.net", "--env-file", good);
  t.is(rotate.code, 2);
  t.regex(rotate.stderr, /oclog sas rotate: --vm "-oProxyCommand=touch PWNED" is not a machine name.*--account-url .* is not https/);
});

test("vagrant: the Vagrantfile's directory and the variables it names its machine from are in the line, checked with the real vagrant and vm/Vagrantfile", async (t) => {
  // A copy of vm/Vagrantfile in a directory that is also syntax; vagrant writes .vagrant/ there, not in the repository.
  const dir = join(work, "vagrant", WEIRD);
  mkdirSync(dir, { recursive: true });
  copyFileSync(VAGRANTFILE, join(dir, "Vagrantfile"));
  const base = ["--vm", "oclog-alice", "--vagrant-dir", dir, "--account-url", "https://acmelogs.blob.core.windows.net"];

  // Without OCLOG_USER, vm/Vagrantfile defines only oclog-vm: the job would fail every hour.
  const missing = await runCli("sas", "schedule", ...base);
  t.is(missing.code, 2, missing.stderr);
  t.regex(missing.stderr, /has no machine oclog-alice when run without your shell's environment/);
  t.regex(missing.stderr, /hint: .*--vagrant-env OCLOG_USER=<user>/);

  // An argv recorder in place of oclog shows what the crontab line hands over, byte for byte.
  const recorder = join(work, "vagrant", "record-argv");
  const recorded = join(work, "vagrant", "argv");
  writeFileSync(recorder, `#!/bin/sh\nfor a in "$@"; do printf '%s\\0' "$a"; done > ${q(recorded)}\n`, { mode: 0o755 });
  const s = await schedule(...base, "--vagrant-env", "OCLOG_USER=alice", "--oclog", recorder);
  t.deepEqual(s.command.slice(1, 5), ["sas", "rotate", "--vm", "oclog-alice"]);
  t.true(s.command.join("\0").includes(`--vagrant-dir\0${dir}\0--vagrant-env\0OCLOG_USER=alice`));
  const home = join(work, "vagrant", "home");
  mkdirSync(home);
  const run = await runAsCron(s.crontab, home);
  t.is(run.code, 0, run.stderr);
  t.deepEqual(readFileSync(recorded, "utf8").split("\0").slice(0, -1), s.command.slice(1), "cron and sh hand over exactly the printed arguments");
  t.deepEqual(serviceCommand(s.service).argv, s.command);

  // Without --vagrant-dir, only a directory holding a Vagrantfile will do (the tests run in the repository's root).
  const elsewhere = await runCli("sas", "schedule", "--vm", "oclog-alice", "--vagrant-env", "OCLOG_USER=alice", "--account-url", "https://acmelogs.blob.core.windows.net", "--json");
  t.is(elsewhere.code, 2);
  t.regex(elsewhere.stderr, /which directory holds the VM's Vagrantfile\? .*: pass --vagrant-dir \/absolute\/path/);
});

test("the defaults the checks assume are rotate's own", async (t) => {
  const help = (await runCli("sas", "rotate", "--help")).stdout;
  // Commander wraps help to the terminal's width: any run of white space may be a line break.
  t.regex(help, new RegExp(`--threshold <duration>\\s+rotate when less than this is left\\s+\\(default:\\s+"${ROTATE_DEFAULTS.threshold}"\\)`));
  t.regex(help, new RegExp(`--lifetime <duration>\\s+lifetime of the new SAS\\s+\\(default:\\s+"${ROTATE_DEFAULTS.lifetime}"\\)`));
});
