// The hardened VM's units for OpenClaw, Fluent Bit and nginx, checked by the real systemd-analyze:
// the exposure score (`security --offline=yes`), that systemd parses them (`verify`), and the
// lines the rest of the VM depends on. The two drop-ins are scored on top of a copy of the
// packaged unit they harden (test/vm/fixtures/*.base.service): base + drop-in concatenated into
// one unit file, which is what systemd makes of a unit with a drop-in directory.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import test from "ava";
import { systemdAnalyze, exposure, unitFile } from "./systemd-analyze.js";
import { provisionedPipeline } from "../pipeline/provisioning-includes.js";

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
const OPENCLAW = path("../../vm/systemd/openclaw.service");
const FLUENT_BIT_DROPIN = path("../../vm/systemd/fluent-bit.service.d/oclog.conf");
const FLUENT_BIT_BASE = path("./fixtures/fluent-bit.base.service");
const NGINX_DROPIN = path("../../vm/systemd/nginx.service.d/oclog.conf");
const NGINX_BASE = path("./fixtures/nginx.base.service");
const COLLECT = path("../../vm/systemd/oclog-collect.service");
const PODMAN = path("../../vm/systemd/openclaw-sandbox-podman.service");
const PODMAN_SOCKET = path("../../vm/systemd/openclaw-sandbox-podman.socket");
const GATEWAY_START = path("../../vm/bin/openclaw-gateway-start");
const PIPELINE = path("../../fluent-bit/openclaw-vm.yaml");

/** The packaged unit with the drop-in applied: a drop-in's lines come after the unit's own. */
function composite(name: string, base: string, dropin: string | undefined): string {
  return unitFile(name, readFileSync(base, "utf8") + (dropin === undefined ? "" : `\n${readFileSync(dropin, "utf8")}`));
}

const read = (file: string) => readFileSync(file, "utf8");
const values = (unit: string, key: string) => [...unit.matchAll(new RegExp(`^${key}=(.*)$`, "gm"))].map((match) => match[1]!);

/**
 * `systemd-analyze verify`, minus the one complaint this machine cannot avoid: the service's
 * binary exists only in the VM (/opt/openclaw, /opt/fluent-bit are installed by provisioning).
 * Users and groups (openclaw, fluent-bit) are not checked by verify, so nothing else is tolerated.
 */
function verifyComplaints(unit: string, vmOnlyBinaries: string[]): string[] {
  const run = systemdAnalyze("verify", unit);
  return `${run.stdout}${run.stderr}`
    .split("\n")
    .filter((line) => line.trim() !== "")
    .filter((line) => !vmOnlyBinaries.some((binary) => line.endsWith(`Command ${binary} is not executable: No such file or directory`)));
}

// --- openclaw.service ---------------------------------------------------------------------

test("openclaw.service exposure is at most 1.5", (t) => {
  const score = exposure(OPENCLAW);
  t.log(`openclaw.service exposure ${score}`);
  t.true(score <= 1.5, `exposure ${score} > 1.5`);
});

test("openclaw.service without its sandbox scores above 1.5, so the check can fail", (t) => {
  const keep = /^(\[|#|$|Description|Documentation|After|Wants|Type|ExecStart|Restart|TimeoutStopSec|User|Group|StateDirectory|CacheDirectory|LogsDirectory|UMask|Environment|WantedBy)/;
  const loose = unitFile("openclaw.service", read(OPENCLAW).split("\n").filter((line) => keep.test(line)).join("\n"));
  const score = exposure(loose);
  t.log(`without the sandbox: ${score}`);
  t.true(score > 1.5);
});

test("openclaw.service: own user, no docker group, logs where Fluent Bit reads them, loopback listener", (t) => {
  const unit = read(OPENCLAW);
  t.deepEqual(values(unit, "User"), ["openclaw"]);
  t.deepEqual(values(unit, "Group"), ["openclaw"]);
  t.deepEqual(values(unit, "SupplementaryGroups"), [], "no supplementary groups at all, docker least of all");
  t.notRegex(unit, /^[^#]*docker\.sock/m, "no Docker socket");
  // The start script execs the gateway on loopback (it adds the per-start token; token.test.ts).
  t.deepEqual(values(unit, "ExecStart"), ["/opt/oclog/libexec/openclaw-gateway-start"]);
  t.regex(read(GATEWAY_START), /^exec \/opt\/openclaw\/node_modules\/\.bin\/openclaw gateway run --port 18789 --bind loopback$/m);
  // Writable: state, cache (with TMPDIR inside), logs and the sandboxes' workspaces; the install dir stays read-only.
  t.deepEqual(values(unit, "ProtectSystem"), ["strict"]);
  t.deepEqual(values(unit, "StateDirectory"), ["openclaw"]);
  t.deepEqual(values(unit, "CacheDirectory"), ["openclaw openclaw/tmp"]);
  t.true(values(unit, "Environment").includes("TMPDIR=/var/cache/openclaw/tmp"));
  t.true(values(unit, "Environment").includes("OPENCLAW_STATE_DIR=/var/lib/openclaw/.openclaw"), "where oclog-collect and Fluent Bit read the state");
  t.deepEqual(values(unit, "PrivateTmp"), ["yes"]);
  // The file log: PrivateTmp hides /tmp/openclaw, so logging.file points into the logs dir,
  // group-readable for Fluent Bit (group openclaw), nobody else.
  t.deepEqual(values(unit, "LogsDirectory"), ["openclaw"]);
  t.deepEqual(values(unit, "LogsDirectoryMode"), ["0750"]);
  // 0007: the sandboxes' workspaces are shared with Podman's user through their group (setgid
  // openclaw-sandbox); the state's group is openclaw, which holds no other user.
  t.deepEqual(values(unit, "UMask"), ["0007"]);
  t.notRegex(read(GATEWAY_START), /^\s*umask /m, "the start script leaves the unit's UMask alone (its umask 077 made every session workspace 0700)");
  t.deepEqual(values(unit, "ReadWritePaths"), ["/var/lib/openclaw-workspaces"]);
  // The recorder outlives what it records: started before the gateway, stopped after it.
  t.true(values(unit, "After").join(" ").split(" ").includes("fluent-bit.service"));
  t.regex(unit, /logging\.file = "\/var\/log\/openclaw\/openclaw\.log"/);
  // Sandboxed tools: rootless Podman of another user, through its API socket.
  t.true(values(unit, "Environment").includes("CONTAINER_HOST=unix:///run/openclaw-sandbox/podman.sock"));
  // Network: outbound internet for model APIs (so no deny-all), nothing exotic.
  t.deepEqual(values(unit, "RestrictAddressFamilies"), ["AF_UNIX AF_INET AF_INET6 AF_NETLINK"]);
  t.false(values(unit, "IPAddressDeny").includes("any"), "model APIs are on the internet");
  t.deepEqual(values(unit, "CapabilityBoundingSet"), [""]);
  t.deepEqual(values(unit, "NoNewPrivileges"), ["yes"]);
  t.notRegex(unit, /^MemoryDenyWriteExecute=yes/m, "Node's JIT needs W+X memory");
});

test("openclaw.service: systemd parses it; its only complaint is that openclaw is not installed here", (t) => {
  t.deepEqual(verifyComplaints(OPENCLAW, ["/opt/oclog/libexec/openclaw-gateway-start"]), []);
});

// --- openclaw-sandbox-podman.{socket,service} ----------------------------------------------

// 3.3, not 2.5: rootless Podman cannot start a container under ProtectProc=invisible,
// ProtectKernelTunables=, ProtectKernelLogs=, without AF_INET, or with a bounding set that
// Debian's setuid newuidmap cannot write another user's uid_map with (the unit says why, each
// found in the booted image).
test("openclaw-sandbox-podman.service exposure is at most 3.3", (t) => {
  const score = exposure(PODMAN);
  t.log(`openclaw-sandbox-podman.service exposure ${score}`);
  t.true(score <= 3.3, `exposure ${score} > 3.3`);
});

test("the sandbox's Podman: its own unprivileged user, no host capabilities, its socket reachable by the gateway's group only", (t) => {
  const service = read(PODMAN);
  const socket = read(PODMAN_SOCKET);
  t.deepEqual(values(service, "User"), ["openclaw-sandbox"], "not the gateway's user, never root");
  // Only what Debian's setuid newuidmap/newgidmap need for the user's subordinate id range.
  t.deepEqual(values(service, "CapabilityBoundingSet"), ["CAP_SETUID CAP_SETGID CAP_DAC_OVERRIDE CAP_SYS_ADMIN"]);
  t.deepEqual(values(service, "AmbientCapabilities"), [""]);
  // The sandbox has no network (openclaw.json5), so neither has the engine.
  t.deepEqual(values(service, "PrivateNetwork"), ["yes"]);
  t.deepEqual(values(service, "IPAddressDeny"), ["any"]);
  t.deepEqual(values(service, "ProtectHome"), ["yes"]);
  t.regex(values(service, "ExecStart")[0] ?? "", /^\/usr\/bin\/podman .*system service/);
  t.deepEqual(values(socket, "ListenStream"), ["/run/openclaw-sandbox/podman.sock"]);
  t.deepEqual(values(socket, "SocketMode"), ["0660"]);
  t.deepEqual(values(socket, "SocketGroup"), ["openclaw"]);
  // The gateway points its Docker-compatible client at exactly that socket and starts after it.
  const openclaw = read(OPENCLAW);
  t.true(values(openclaw, "Environment").includes("CONTAINER_HOST=unix:///run/openclaw-sandbox/podman.sock"));
  t.regex(values(openclaw, "Wants")[0] ?? "", /openclaw-sandbox-podman\.socket/);
});

test("openclaw-sandbox-podman: systemd parses both units; the only complaint is that Podman is not installed here", (t) => {
  t.deepEqual(verifyComplaints(PODMAN, ["/usr/bin/podman"]), []);
  t.deepEqual(verifyComplaints(PODMAN_SOCKET, []), []);
});

// --- fluent-bit.service + drop-in ---------------------------------------------------------

test("fluent-bit.service with the oclog drop-in: exposure at most 2.5; the packaged unit alone scores above", (t) => {
  const hardened = exposure(composite("fluent-bit.service", FLUENT_BIT_BASE, FLUENT_BIT_DROPIN));
  const packaged = exposure(composite("fluent-bit.service", FLUENT_BIT_BASE, undefined));
  t.log(`fluent-bit.service exposure ${hardened} (packaged unit alone: ${packaged})`);
  t.true(hardened <= 2.5, `exposure ${hardened} > 2.5`);
  t.true(packaged > 2.5);
});

test("fluent-bit drop-in: own user, reads the OpenClaw logs and the journal, state/runtime dirs match the pipeline", (t) => {
  const dropin = read(FLUENT_BIT_DROPIN);
  // Its local values come from the params include: compare what a VM's Fluent Bit runs.
  const pipeline = provisionedPipeline(read(PIPELINE));
  t.notRegex(pipeline, /\$\{OCLOG_(?!SAS_TOKEN\})[A-Z0-9_]+\}/, "provisioning defines every variable but the SAS");
  t.deepEqual(values(dropin, "User"), ["fluent-bit"]);
  t.deepEqual(values(dropin, "Group"), ["fluent-bit"], "the forward socket's group: oclog-collect writes to it as a member");
  t.deepEqual(values(dropin, "SupplementaryGroups"), ["systemd-journal adm"]);
  t.deepEqual(values(dropin, "ExecStart"), ["", "/opt/fluent-bit/bin/fluent-bit -c /etc/fluent-bit/fluent-bit.yaml"]);
  t.deepEqual(values(dropin, "ProtectSystem"), ["strict"]);
  t.deepEqual(values(dropin, "StateDirectory"), ["fluent-bit"]);
  t.regex(pipeline, /^ {2}storage\.path: \/var\/lib\/fluent-bit\/storage$/m);
  for (const db of pipeline.matchAll(/^ +db: (.+)$/gm)) t.true(db[1]!.startsWith("/var/lib/fluent-bit/"), db[1]);
  t.deepEqual(values(dropin, "RuntimeDirectory"), ["fluent-bit"]);
  t.deepEqual(values(dropin, "RuntimeDirectoryMode"), ["0750"]);
  t.regex(pipeline, /^ +unix_path: \/run\/fluent-bit\/forward\.sock$/m);
  t.regex(read(COLLECT), /--socket \/run\/fluent-bit\/forward\.sock/);
  t.regex(read(COLLECT), /^SupplementaryGroups=.*\bfluent-bit\b/m);
  // The monitoring API: bound to loopback by the config, and to port 2020 only by the unit.
  t.regex(pipeline, /^ {2}http_listen: 127\.0\.0\.1$/m);
  t.regex(pipeline, /^ {2}http_port: 2020$/m);
  t.deepEqual(values(dropin, "SocketBindAllow"), ["tcp:2020"]);
  t.deepEqual(values(dropin, "SocketBindDeny"), ["any"]);
  // Outbound HTTPS to Azure: no deny-all.
  t.deepEqual(values(dropin, "RestrictAddressFamilies"), ["AF_UNIX AF_INET AF_INET6"]);
  t.false(values(dropin, "IPAddressDeny").includes("any"));
  // OpenClaw keeps its file log 0600 and its directories 0700: one read capability, nothing
  // else, and not in a user namespace (where it would not apply to OpenClaw's files).
  t.deepEqual(values(dropin, "CapabilityBoundingSet"), ["CAP_DAC_READ_SEARCH"]);
  t.deepEqual(values(dropin, "AmbientCapabilities"), ["CAP_DAC_READ_SEARCH"]);
  t.deepEqual(values(dropin, "PrivateUsers"), []);
  t.regex(values(dropin, "InaccessiblePaths")[0] ?? "", /-\/etc\/shadow .*-\/var\/lib\/openclaw-sandbox/);
  t.notRegex(dropin, /^MemoryDenyWriteExecute=yes/m, "the Lua redaction filter runs in LuaJIT");
  // Where OpenClaw's logs and state are, for the capability to read.
  const openclaw = read(OPENCLAW);
  t.regex(pipeline, /^ +path: \/var\/log\/openclaw\/\*\.log$/m);
  t.deepEqual(values(openclaw, "LogsDirectoryMode"), ["0750"]);
  t.deepEqual(values(openclaw, "StateDirectoryMode"), ["0750"]);
  t.deepEqual(values(openclaw, "UMask"), ["0007"]);
});

test("fluent-bit.service with the drop-in: systemd parses it; its only complaint is that Fluent Bit is not installed here", (t) => {
  t.deepEqual(verifyComplaints(composite("fluent-bit.service", FLUENT_BIT_BASE, FLUENT_BIT_DROPIN), ["/opt/fluent-bit/bin/fluent-bit"]), []);
});

// --- nginx.service + drop-in --------------------------------------------------------------

test("nginx.service with the oclog drop-in: exposure at most 2.5; Debian's unit alone scores above", (t) => {
  const hardened = exposure(composite("nginx.service", NGINX_BASE, NGINX_DROPIN));
  const packaged = exposure(composite("nginx.service", NGINX_BASE, undefined));
  t.log(`nginx.service exposure ${hardened} (Debian's unit alone: ${packaged})`);
  t.true(hardened <= 2.5, `exposure ${hardened} > 2.5`);
  t.true(packaged > 2.5);
});

test("nginx drop-in: loopback only, four capabilities, PID file in its runtime dir, state file read-only", (t) => {
  const dropin = read(NGINX_DROPIN);
  t.deepEqual(values(dropin, "CapabilityBoundingSet"), ["CAP_SETUID CAP_SETGID CAP_CHOWN CAP_DAC_OVERRIDE"]);
  t.notRegex(dropin, /^[^#]*CAP_NET_BIND_SERVICE/m, "the gate listens on a high port");
  t.deepEqual(values(dropin, "IPAddressAllow"), ["localhost"]);
  t.deepEqual(values(dropin, "IPAddressDeny"), ["any"]);
  t.deepEqual(values(dropin, "ProtectSystem"), ["strict"]);
  t.deepEqual(values(dropin, "ReadWritePaths"), ["/var/log/nginx /var/lib/nginx"]);
  t.deepEqual(values(dropin, "ReadOnlyPaths"), ["-/run/oclog"]);
  t.deepEqual(values(dropin, "LogsDirectory"), [], "would chown Debian's www-data:adm logs to root");
  t.deepEqual(values(dropin, "RuntimeDirectory"), ["nginx"]);
  t.deepEqual(values(dropin, "PIDFile"), ["/run/nginx/nginx.pid"]);
  t.deepEqual(values(dropin, "ExecStop"), ["", "-/sbin/start-stop-daemon --quiet --stop --retry QUIT/5 --pidfile /run/nginx/nginx.pid"]);
  t.regex(dropin, /`pid \/run\/nginx\/nginx\.pid;`/, "the nginx.conf change provisioning must make is documented");
  t.deepEqual(values(dropin, "NoNewPrivileges"), ["yes"]);
  t.notRegex(dropin, /^MemoryDenyWriteExecute=yes/m, "the gate runs in LuaJIT");
  // The gate's upstream is the gateway's loopback port.
  t.regex(read(OPENCLAW), /--port 18789 --bind loopback/);
});

test("nginx.service with the drop-in: systemd parses it", (t) => {
  // nginx is installed by set-up (the gate tests need it): systemd-analyze checks its binary exists.
  t.deepEqual(verifyComplaints(composite("nginx.service", NGINX_BASE, NGINX_DROPIN), ["/usr/sbin/nginx", "/sbin/start-stop-daemon"]), []);
});

test("the nginx base fixture matches Debian's installed nginx.service", (t) => {
  const installed = "/lib/systemd/system/nginx.service";
  // scripts/setup.sh installs nginx, so a missing unit is a broken set-up, not a reason to pass.
  if (!existsSync(installed)) {
    t.fail(`${installed} is missing: nginx is not installed; run \`pnpm setup\` (scripts/setup.sh installs it)`);
    return;
  }
  const settings = (text: string) => text.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("#"));
  t.deepEqual(settings(read(NGINX_BASE)), settings(read(installed)));
});

// --- oclog-egress-allowlist.{service,timer} ------------------------------------------------

const ALLOWLIST = path("../../vm/systemd/oclog-egress-allowlist.service");

test("oclog-egress-allowlist.service: exposure at most 2.5, root with CAP_NET_ADMIN only, writes only its elements file", (t) => {
  const score = exposure(ALLOWLIST);
  t.log(`oclog-egress-allowlist.service exposure ${score}`);
  t.true(score <= 2.5, `exposure ${score} > 2.5`);
  const unit = read(ALLOWLIST);
  t.deepEqual(values(unit, "CapabilityBoundingSet"), ["CAP_NET_ADMIN"]);
  t.deepEqual(values(unit, "ReadWritePaths"), ["/etc/oclog/egress-allow.d"]);
  // The script it runs is the one provisioning installs there.
  t.regex(read(path("../../vm/provision/80-nftables.sh")), /\/opt\/oclog\/vm\/bin\/oclog-egress-allowlist 0755/);
  t.deepEqual(values(unit, "ExecStart"), ["/opt/oclog/vm/bin/oclog-egress-allowlist"]);
  t.deepEqual(verifyComplaints(ALLOWLIST, ["/opt/oclog/vm/bin/oclog-egress-allowlist"]), []);
  t.deepEqual(verifyComplaints(path("../../vm/systemd/oclog-egress-allowlist.timer"), []), []);
});

// --- the gate as CI runs it: systemd-analyze's own --threshold --------------------------------

test("systemd-analyze security --offline=yes --threshold passes every unit at its target (1.5 gateway, 3.3 the sandbox's Podman, 2.5 the rest)", (t) => {
  const units: [string, number][] = [
    [OPENCLAW, 15],
    [PODMAN, 33],
    [COLLECT, 25],
    [ALLOWLIST, 25],
    [path("../../vm/systemd/oclog-guard.service"), 25],
    [composite("fluent-bit.service", FLUENT_BIT_BASE, FLUENT_BIT_DROPIN), 25],
    [composite("nginx.service", NGINX_BASE, NGINX_DROPIN), 25],
  ];
  for (const [unit, threshold] of units) {
    const run = systemdAnalyze("security", "--offline=yes", `--threshold=${threshold}`, "--no-pager", unit);
    t.is(run.status, 0, `${unit} is above ${threshold / 10}`);
  }
  // And it does refuse: the gateway's unit is not under 1.0.
  t.not(systemdAnalyze("security", "--offline=yes", "--threshold=10", "--no-pager", OPENCLAW).status, 0);
});
