// The VM bundle's scripts, Vagrantfile and Taskfile, checked by the real tools that run here:
// shellcheck on every shell script, `vagrant validate --ignore-provider`, systemd-sysusers and
// systemd-tmpfiles into a scratch root, and the provisioning library's idempotent installs.
// The Taskfile is parsed as YAML and its commands shellchecked: go-task itself cannot be
// installed here (its npm package downloads the binary from GitHub at install time).
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import test from "ava";
import { parse } from "yaml";
import { VM_VERSIONS } from "./vm-versions.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const VM = join(REPO, "vm");
const read = (file: string) => readFileSync(file, "utf8");
const run = (command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}) =>
  spawnSync(command, args, { encoding: "utf8", cwd: options.cwd ?? REPO, env: { ...process.env, ...options.env }, input: options.input });

/** Every file under `dir` whose first line is a bash/sh shebang, or that is sourced shell (`# shellcheck shell=`). */
function shellScripts(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (![".bundle", ".vagrant", "node_modules"].includes(entry.name)) found.push(...shellScripts(path));
    } else if (entry.isFile()) {
      const head = read(path).slice(0, 200);
      if (/^#!\/(usr\/)?bin\/(env )?(ba)?sh\b/.test(head) || /^# shellcheck shell=/m.test(head)) found.push(path);
    }
  }
  return found;
}

const SCRIPTS = [...shellScripts(VM), ...shellScripts(join(REPO, "scripts")), join(REPO, ".ci/run")];

test("shellcheck passes on every shell script of the VM bundle and the repo", (t) => {
  t.true(SCRIPTS.length >= 20, `found ${SCRIPTS.length} scripts`);
  const result = run("shellcheck", ["-x", "--format=gcc", ...SCRIPTS]);
  t.is(result.error, undefined, "shellcheck is installed by scripts/setup.sh");
  t.is(result.stdout, "", result.stdout);
  t.is(result.status, 0);
});

test("shellcheck is really checking: a script with an unquoted expansion fails", (t) => {
  const result = run("shellcheck", ["-"], { input: '#!/usr/bin/env bash\nrm -rf $1/tmp\n' });
  t.not(result.status, 0);
  t.regex(result.stdout, /SC2086/);
});

test("provisioning: strict mode everywhere, no pipe-to-shell installs, no unpinned latest", (t) => {
  // The boot checks run every check and report each, so they do not stop at the first failure.
  const reportsAll = (s: string) => s.includes("/vm/image/checks/") || s.endsWith("/oclog-boot-check");
  for (const script of SCRIPTS.filter((s) => s.startsWith(VM) && !s.endsWith("lib.sh") && !reportsAll(s))) {
    t.regex(read(script), /^set -euo pipefail$/m, script);
  }
  for (const script of SCRIPTS.filter(reportsAll)) t.regex(read(script), /^set -uo pipefail$/m, script);
  const provisioning = readdirSync(join(VM, "provision")).map((name) => read(join(VM, "provision", name))).join("\n");
  t.notRegex(provisioning, /curl[^\n|]*\|\s*(sudo\s+)?(ba)?sh/, "no curl | bash");
  t.notRegex(provisioning, /@latest|:latest\b/, "no unpinned latest");
  // Node and Fluent Bit at exact versions, from repositories whose keys are pinned by fingerprint.
  t.regex(provisioning, /"nodejs=\$NODE_DEB_VERSION" "fluent-bit=\$FLUENT_BIT_DEB_VERSION"/);
  t.regex(provisioning, /\[ "\$got" = "\$want" \] \|\| die/);
  t.regex(provisioning, /Signed-By: \$KEYRINGS\/nodesource\.gpg/);
  t.regex(provisioning, /--frozen-lockfile/);
  const pinned = VM_VERSIONS;
  t.regex(pinned.NODESOURCE_KEY_FINGERPRINT ?? "", /^[0-9A-F]{40}$/);
  t.regex(pinned.FLUENT_BIT_KEY_FINGERPRINT ?? "", /^[0-9A-F]{40}$/);
  t.true(pinned.NODE_DEB_VERSION!.startsWith(`${pinned.NODE_VERSION}-`));
  t.is(pinned.FLUENT_BIT_DEB_VERSION, pinned.FLUENT_BIT_VERSION);
  // The sandbox image the hardened config names is the one provisioning builds.
  t.true(read(join(VM, "openclaw", "openclaw.json5")).includes(`image: "${pinned.SANDBOX_IMAGE}"`));
  t.regex(provisioning, /build --pull=always --build-arg "BASE=\$SANDBOX_BASE_IMAGE"[\s\S]*-t "\$SANDBOX_IMAGE"/);
});

test("provisioning library: install_file copies once, then reports nothing changed", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "oclog-provision-"));
  const src = join(dir, "src.conf");
  writeFileSync(src, "a=1\n");
  const dest = join(dir, "etc", "x", "dest.conf");
  const script = `set -euo pipefail
OCLOG_BUNDLE=${JSON.stringify(REPO)}
. vm/provision/lib.sh
install_file ${JSON.stringify(src)} ${JSON.stringify(dest)} 0640 root root
echo "first=\${#CHANGED[@]}"
CHANGED=()
install_file ${JSON.stringify(src)} ${JSON.stringify(dest)} 0640 root root
echo "second=\${#CHANGED[@]}"
chmod 0644 ${JSON.stringify(dest)}
install_file ${JSON.stringify(src)} ${JSON.stringify(dest)} 0640 root root
echo "mode-fixed=\${#CHANGED[@]}"
changed ${JSON.stringify(join(dir, "etc", "*"))} && echo "glob=yes"`;
  const result = run("bash", ["-c", script]);
  t.is(result.status, 0, result.stderr);
  t.deepEqual(result.stdout.trim().split("\n"), ["first=1", "second=0", "mode-fixed=1", "glob=yes"]);
  t.is(statSync(dest).mode & 0o777, 0o640);
});

test("vagrant validate --ignore-provider passes on the Vagrantfile, and fails on a broken one", (t) => {
  const env = { VAGRANT_HOME: mkdtempSync(join(tmpdir(), "oclog-vagrant-home-")), VAGRANT_CHECKPOINT_DISABLE: "1", VAGRANT_DEFAULT_PROVIDER: "virtualbox" };
  const ok = run("vagrant", ["validate", "--ignore-provider"], { cwd: VM, env });
  t.is(ok.error, undefined, "vagrant is installed by scripts/setup.sh");
  t.is(ok.status, 0, `${ok.stdout}${ok.stderr}`);
  t.regex(ok.stdout, /Vagrantfile validated successfully/);

  const broken = mkdtempSync(join(tmpdir(), "oclog-vagrant-broken-"));
  writeFileSync(join(broken, "Vagrantfile"), read(join(VM, "Vagrantfile")).replace('config.vm.box = "debian/trixie64"', "config.vm.boxx = 1"));
  const bad = run("vagrant", ["validate", "--ignore-provider"], { cwd: broken, env });
  t.not(bad.status, 0);
});

test("Vagrantfile: Debian 13, ports forwarded on the host's loopback only, no synced folder, CPU and RAM configurable", (t) => {
  const vagrantfile = read(join(VM, "Vagrantfile"));
  t.regex(vagrantfile, /config\.vm\.box = "debian\/trixie64"/);
  const forwards = [...vagrantfile.matchAll(/^\s*config\.vm\.network "forwarded_port".*$/gm)].map((m) => m[0]);
  t.is(forwards.length, 2);
  for (const forward of forwards) t.regex(forward, /host_ip: "127\.0\.0\.1"/, forward);
  t.regex(vagrantfile, /config\.vm\.synced_folder "\.", "\/vagrant", disabled: true/);
  t.regex(vagrantfile, /ENV\.fetch\("OCLOG_VM_CPUS"/);
  t.regex(vagrantfile, /ENV\.fetch\("OCLOG_VM_MEMORY"/);
  // The gate's guest port is the one the provisioning makes nginx listen on.
  t.regex(vagrantfile, /GATE_PORT = 8080/);
  t.regex(read(join(VM, "provision", "70-nginx.sh")), /GATE_PORT="\$\{OCLOG_GATE_PORT:-8080\}"/);
});

test("sysusers and tmpfiles: the service users exist with no login shell, nobody is in docker, /run/oclog is 2775 root:oclog-state", (t) => {
  const root = mkdtempSync(join(tmpdir(), "oclog-sysroot-"));
  mkdirSync(join(root, "etc"));
  // A docker group already on the machine must not gain any of our users.
  writeFileSync(join(root, "etc", "group"), "root:x:0:\ndocker:x:120:\n");
  writeFileSync(join(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/bash\n");
  const users = run("systemd-sysusers", [`--root=${root}`, join(VM, "sysusers.d", "oclog.conf")]);
  t.is(users.status, 0, users.stderr);
  const passwd = read(join(root, "etc", "passwd")).trim().split("\n").map((line) => line.split(":"));
  const ours = passwd.filter(([name]) => name !== "root");
  t.deepEqual(ours.map(([name]) => name).sort(), ["fluent-bit", "oclog-collect", "oclog-guard", "openclaw", "openclaw-sandbox"]);
  for (const entry of ours) {
    t.is(entry[6], "/usr/sbin/nologin", `${entry[0]} has no login shell`);
    t.true(Number(entry[2]) < 1000, `${entry[0]} is a system user`);
  }
  const groups = Object.fromEntries(read(join(root, "etc", "group")).trim().split("\n").map((line) => line.split(":")).map((g) => [g[0], g[3]]));
  t.is(groups.docker, "", "nobody in docker");
  t.is(groups["oclog-state"], "oclog-guard");
  t.is(groups.openclaw, "", "the gateway's group has no standing members (units add them)");

  const tmpfiles = run("systemd-tmpfiles", ["--create", `--root=${root}`, join(VM, "tmpfiles.d", "oclog.conf")]);
  t.is(tmpfiles.status, 0, tmpfiles.stderr);
  const state = statSync(join(root, "run", "oclog"));
  t.is(state.mode & 0o7777, 0o2775);
  const gid = read(join(root, "etc", "group")).split("\n").find((line) => line.startsWith("oclog-state:"))!.split(":")[2];
  t.is(state.gid, Number(gid));
  t.is(state.uid, 0);
});

// --- Taskfile --------------------------------------------------------------------------------

interface Task {
  desc?: string;
  prompt?: string;
  aliases?: string[];
  cmds?: (string | { task: string })[];
}
const taskfile = parse(read(join(VM, "Taskfile.yml"))) as { version: string; vars: Record<string, unknown>; tasks: Record<string, Task> };
const REQUIRED = ["create", "up", "down", "restart", "destroy", "login", "approve-device", "setup-models", "shell", "logs:tail", "logs:dump", "sas:status", "sas:rotate", "status"];

test("Taskfile: version 3, every task the issue names, a description on each, destroy asks first, login has the alias auth", (t) => {
  t.is(taskfile.version, "3");
  t.deepEqual(REQUIRED.filter((name) => !taskfile.tasks[name]), []);
  for (const [name, task] of Object.entries(taskfile.tasks)) t.true((task.desc ?? "").length > 20, `${name} has a description`);
  t.regex(taskfile.tasks.destroy!.prompt ?? "", /Continue\?/);
  t.deepEqual(taskfile.tasks.login!.aliases, ["auth"]);
  // Every `task:` reference names a task that exists.
  for (const [name, task] of Object.entries(taskfile.tasks)) {
    for (const cmd of task.cmds ?? []) if (typeof cmd === "object") t.truthy(taskfile.tasks[cmd.task], `${name} calls ${cmd.task}`);
  }
});

test("Taskfile: secrets never on a command line; every command is valid shell (shellcheck, template values filled in)", (t) => {
  const text = read(join(VM, "Taskfile.yml"));
  t.notRegex(text, /OPENCLAW_GATEWAY_TOKEN|--token\b/, "the gateway token is never handled by the host");
  t.regex(taskfile.tasks["setup-models"]!.cmds!.join("\n"), /read -rs key[\s\S]*printf '%s\\n' "\$key" \|/, "the API key goes through stdin");
  t.regex(taskfile.tasks.login!.cmds!.join("\n"), /openclaw-as-gateway dashboard --json/, "a one-time link, not the token");
  const fill = (cmd: string) =>
    cmd
      .replace(/\{\{\.IN_VM\}\}/g, "vagrant ssh oclog-alice --no-tty -c")
      .replace(/\{\{\.OCLOG\}\}/g, "pnpm --dir .. exec oclog")
      .replace(/\{\{if \.CLI_ARGS\}\}approve \{\{\.CLI_ARGS\}\}\{\{else\}\}list\{\{end\}\}/g, "list")
      .replace(/\{\{[^}]*\}\}/g, "x");
  const problems: string[] = [];
  for (const [name, task] of Object.entries(taskfile.tasks)) {
    for (const cmd of task.cmds ?? []) {
      if (typeof cmd !== "string") continue;
      const result = run("shellcheck", ["-s", "bash", "-e", "SC2016", "-"], { input: `#!/usr/bin/env bash\n${fill(cmd)}\n` });
      if (result.status !== 0) problems.push(`${name}: ${result.stdout}`);
    }
  }
  t.deepEqual(problems, []);
});

test("the gateway's start script: a fresh ocgw_ token per start, in the environment only, never in argv or a file", (t) => {
  // A stand-in for the gateway (the real one runs only in the VM): it records its argv and the
  // token's shape. The script is run as is, with the gateway's path pointed at the stand-in.
  const dir = mkdtempSync(join(tmpdir(), "oclog-gateway-start-"));
  const standIn = join(dir, "openclaw");
  writeFileSync(standIn, `#!/usr/bin/env bash\nprintf 'argv=%s\\n' "$*"\nprintf 'token=%s\\n' "$OPENCLAW_GATEWAY_TOKEN"\n`);
  chmodSync(standIn, 0o755);
  const script = join(dir, "openclaw-gateway-start");
  writeFileSync(script, read(join(VM, "bin", "openclaw-gateway-start")).replace("/opt/openclaw/node_modules/.bin/openclaw", standIn));
  chmodSync(script, 0o755);
  const starts = [run(script, [], { cwd: dir }), run(script, [], { cwd: dir })];
  const tokens = starts.map((start) => {
    t.is(start.status, 0, start.stderr);
    const lines = Object.fromEntries(start.stdout.trim().split("\n").map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]));
    t.is(lines.argv, "gateway run --port 18789 --bind loopback", "the token is not an argument");
    return lines.token!;
  });
  for (const token of tokens) t.regex(token, /^ocgw_[A-Za-z0-9_-]{43}$/, "32 random bytes with the prefix redaction knows");
  t.not(tokens[0], tokens[1], "a new token every start");
  t.deepEqual(readdirSync(dir).sort(), ["openclaw", "openclaw-gateway-start"], "nothing written beside it");
});
