// The VM's egress record (vm/nftables): both rulesets checked by the real nft (Debian's nftables),
// the allowlist script, and real kernel log lines of both modes read by the Fluent Bit preset's
// own grep and parser regexes.
//
// Everything that touches netfilter runs in a fresh network namespace (`unshare -n`), so the
// machine's ruleset is never read or changed; the namespaces have loopback and a veth pair with
// documentation addresses (192.0.2.0/24, 2001:db8::/64) and no route anywhere else.
//
// Kernel log lines from a network namespace: the kernel writes the nft `log` lines of namespaces
// other than the initial one only while the host-wide sysctl net.netfilter.nf_log_all_netns is 1.
// The two live tests set it for their own duration and put back the value they found. They read
// the lines from /dev/kmsg, which is where journald takes them from (there is no journal here):
// the text of a record is what journald stores as MESSAGE.
//
// Needs root, unshare, iproute2 (veth), setpriv, getent, nft and shellcheck.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { randomInt } from "node:crypto";
import { closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import test from "ava";
import { parse } from "yaml";
import { VM_FLUENT_BIT_VERSION, presetNamed } from "@oclog/fluent-bit";

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
const RECORD = path("../../vm/nftables/oclog-egress.nft");
const ALLOWLIST = path("../../vm/nftables/oclog-egress-allowlist.nft");
const HOSTS = path("../../vm/nftables/egress-allow.hosts");
const README = path("../../vm/nftables/README.md");
const SCRIPT = path("../../vm/bin/oclog-egress-allowlist");
const PIPELINE = path("../../fluent-bit/openclaw-vm.yaml");
/** An include directory holding oclog/egress-uids.nft, as /etc holds it on the VM. */
const FIXTURE_INCLUDE = path("./fixtures/egress");
const CAPTURED = path("./fixtures/egress/kernel-lines.json");

/** The uid whose traffic the live tests record, and one that is not recorded. */
const USER = 65534;
const OTHER = 65533;

const run = (command: string, args: string[], input?: string): SpawnSyncReturns<string> => {
  const result = spawnSync(command, args, { encoding: "utf8", input, env: { ...process.env, LC_ALL: "C" } });
  if (result.error) throw new Error(`${command} is not available (${result.error.message})`);
  return result;
};

// On a machine where unshare is refused, `nft -c` still applies nothing; it then reads the
// real ruleset, which the check needs no part of.
const canUnshare = run("unshare", ["-n", "true"]).status === 0;
const netns = (command: string, args: string[]) => (canUnshare ? run("unshare", ["-n", command, ...args]) : run(command, args));

/** `nft -c -f FILE` with `includeDir` searched first for relative includes. */
function nftCheck(file: string, includeDir: string) {
  return netns("nft", ["-c", "-I", includeDir, "-f", file]);
}

const scratch = () => mkdtempSync(join(tmpdir(), "oclog-egress-"));

/** A fresh include directory with the defines file provisioning writes, for `uids`. */
function includeDir(uids: number[]): string {
  const dir = scratch();
  mkdirSync(join(dir, "oclog"));
  writeFileSync(join(dir, "oclog/egress-uids.nft"), `define OCLOG_EGRESS_UIDS = { ${uids.join(", ")} }\n`);
  return dir;
}

/** Loopback and a veth pair with addresses of both families: a link for packets to leave by, and what getent's AI_ADDRCONFIG needs to answer at all. */
const NETNS_SETUP = `
ip link set lo up
ip link add d0 type veth peer name d1
ip addr add 192.0.2.1/24 dev d0
ip -6 addr add 2001:db8::1/64 dev d0 nodad
ip link set d0 up
ip link set d1 up
`;

// Answers every SYN leaving by the veth with a reset, after the table under test (priority
// filter + 10), so a client's connect fails at once instead of retrying for minutes: the test
// waits for the client's own result, never for time.
const SINK = `nft -f - <<'NFT'
table inet oclog_test_sink {
  chain output { type filter hook output priority filter + 10; policy accept; oifname "d0" tcp flags syn reject with tcp reset; }
}
NFT
`;

// Runs as the recorded uid: one TCP connect or UDP send per target, "udp2" sends twice from one
// socket. Prints each outcome once the kernel has answered (connect error, send callback).
const CLIENT = `
const net = require("node:net"), dgram = require("node:dgram");
const one = (target) => new Promise((resolve) => {
  const [kind, rest] = [target.slice(0, target.indexOf(":")), target.slice(target.indexOf(":") + 1)];
  const host = rest.slice(0, rest.lastIndexOf(":")), port = Number(rest.slice(rest.lastIndexOf(":") + 1));
  if (kind === "tcp") {
    const socket = net.connect({ host, port });
    socket.on("connect", () => { socket.destroy(); resolve("connected"); });
    socket.on("error", (error) => resolve(error.code));
  } else {
    const socket = dgram.createSocket(host.includes(":") ? "udp6" : "udp4");
    const send = (n) => socket.send("x", port, host, (error) => (error || n === 1 ? (socket.close(), resolve(error ? error.code : "sent")) : send(n - 1)));
    send(kind === "udp2" ? 2 : 1);
  }
});
(async () => { const out = {}; for (const target of process.argv.slice(1)) out[target] = await one(target); console.log(JSON.stringify(out)); })();
`;

const client = (uid: number, targets: string[]) =>
  `setpriv --reuid=${uid} --regid=${uid} --clear-groups ${process.execPath} -e ${shellQuote(CLIENT)} ${targets.join(" ")}`;

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** A bash script in a fresh network namespace. */
const netnsScript = (script: string) => run("unshare", ["-n", "bash", "-euo", "pipefail", "-c", script]);

/** A bash script in a fresh network namespace; its stdout, or the test fails with its stderr. */
function inNetns(script: string): string {
  const result = netnsScript(script);
  if (result.status !== 0) throw new Error(`exit ${result.status}\n${result.stderr}`);
  return result.stdout;
}

/** The kernel log as /dev/kmsg gives it: sequence number and text of each record. */
function kernelLog(): { seq: number; text: string }[] {
  const records: { seq: number; text: string }[] = [];
  const fd = openSync("/dev/kmsg", constants.O_RDONLY | constants.O_NONBLOCK);
  const buffer = Buffer.alloc(16384);
  try {
    for (;;) {
      let length: number;
      try {
        length = readSync(fd, buffer, 0, buffer.length, null);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EAGAIN") break;
        // Records overwritten while reading: the next read goes on from the oldest kept.
        if (code === "EPIPE") continue;
        throw error;
      }
      const record = buffer.toString("utf8", 0, length);
      const header = record.slice(0, record.indexOf(";"));
      const text = record.slice(header.length + 1).split("\n")[0]!.replace(/\\x([0-9a-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      records.push({ seq: Number(header.split(",")[1]), text });
    }
  } finally {
    closeSync(fd);
  }
  return records;
}

const NF_LOG_ALL_NETNS = "/proc/sys/net/netfilter/nf_log_all_netns";

/** Runs `fn` with namespaces' nft log lines reaching the kernel log, and returns the lines written meanwhile. */
function withNetnsKernelLog<T>(fn: () => T): { result: T; lines: string[] } {
  const before = readFileSync(NF_LOG_ALL_NETNS, "utf8").trim();
  const last = Math.max(-1, ...kernelLog().map((r) => r.seq));
  writeFileSync(NF_LOG_ALL_NETNS, "1");
  try {
    const result = fn();
    return { result, lines: kernelLog().filter((r) => r.seq > last).map((r) => r.text) };
  } finally {
    writeFileSync(NF_LOG_ALL_NETNS, before);
  }
}

/** The preset's egress grep (key and regex) and parser regex, as the VM's Fluent Bit gets them. */
function presetEgress() {
  const config = presetNamed("openclaw-vm").build({ fluentBitVersion: VM_FLUENT_BIT_VERSION });
  const grep = config.pipeline.filters!.find((f) => f.alias === "keep_egress")!;
  const parserName = String(config.pipeline.filters!.find((f) => f.alias === "parse_egress")!.parser);
  const parser = config.parsers!.find((p) => p.name === parserName)!;
  const [key, ...pattern] = String(grep.regex).split(" ");
  return { grepKey: key!, grep: new RegExp(pattern.join(" ")), parser: new RegExp(parser.regex!) };
}

type Fields = Record<"verdict" | "out" | "src" | "dst" | "proto" | "spt" | "dpt" | "uid" | "gid", string | undefined>;

/** What the preset makes of one line: undefined if its grep drops it, else the parsed fields. */
function parseLine(line: string): Fields | undefined {
  const { grep, parser } = presetEgress();
  if (!grep.test(line)) return undefined;
  const groups = parser.exec(line)?.groups;
  if (!groups) throw new Error(`kept by the grep, not parsed: ${line}`);
  return groups as Fields;
}

/** An IPv6 address as the kernel prints it in log lines: eight groups of four hex digits. */
function expand(address: string): string {
  const [head, tail = ""] = address.split("::");
  const parts = (s: string) => (s ? s.split(":") : []);
  const missing = 8 - parts(head!).length - parts(tail).length;
  return [...parts(head!), ...Array<string>(address.includes("::") ? missing : 0).fill("0"), ...parts(tail)].map((p) => p.padStart(4, "0")).join(":");
}

/** `count` distinct destination ports from a random base: lines are told apart by port, nothing listens on them. */
function ports(count: number): number[] {
  const base = randomInt(20000, 60000);
  return Array.from({ length: count }, (_, i) => base + i);
}

/** The lines whose destination port is `port`. */
const toPort = (lines: string[], port: number) => lines.filter((line) => parseLine(line)?.dpt === String(port));

// --- the rulesets, through nft -c ------------------------------------------------------------

test("nft -c accepts both rulesets with a defines file of numeric uids", (t) => {
  for (const ruleset of [RECORD, ALLOWLIST]) {
    const check = nftCheck(ruleset, FIXTURE_INCLUDE);
    t.is(check.status, 0, `${ruleset}\n${check.stderr}`);
  }
});

test("nft -c rejects a broken copy, a missing defines file and user names, so the check can fail", (t) => {
  const dir = scratch();
  for (const ruleset of [RECORD, ALLOWLIST]) {
    const broken = join(dir, "broken.nft");
    writeFileSync(broken, readFileSync(ruleset, "utf8").replace("flags skuid", "flags skuidd"));
    const check = nftCheck(broken, FIXTURE_INCLUDE);
    t.not(check.status, 0, ruleset);
    t.regex(check.stderr, /skuidd/);
  }
  // The include is load-bearing: without the file provisioning writes, nothing loads.
  const missing = nftCheck(RECORD, dir);
  t.not(missing.status, 0);
  t.regex(missing.stderr, /oclog\/egress-uids\.nft/);
  // Why the contract says numbers: a name nft cannot resolve where it parses fails the file.
  const named = scratch();
  mkdirSync(join(named, "oclog"));
  writeFileSync(join(named, "oclog/egress-uids.nft"), "define OCLOG_EGRESS_UIDS = { openclaw, openclaw-sandbox }\n");
  t.false(run("getent", ["passwd", "openclaw"]).status === 0, "this machine has no openclaw user");
  t.not(nftCheck(RECORD, named).status, 0);
});

test("both rulesets log with the prefixes the preset keeps, flags skuid, one table, loopback skipped", (t) => {
  const { grep } = presetEgress();
  for (const ruleset of [RECORD, ALLOWLIST]) {
    const text = readFileSync(ruleset, "utf8");
    const logs = [...text.matchAll(/\blog prefix "([^"]+)"([^\n]*)/g)];
    t.true(logs.length > 0, ruleset);
    for (const [, prefix, rest] of logs) {
      t.true(grep.test(`${prefix}IN= OUT=eth0`), `the preset drops lines with prefix "${prefix}"`);
      t.regex(prefix!, /: $/, "the kernel writes IN= right after the prefix");
      t.regex(rest!, /\bflags skuid\b/);
      t.notRegex(rest!, /\blimit\b/, "no silent rate limit");
    }
    t.deepEqual([...text.matchAll(/^table (\S+ \S+) \{/gm)].map((m) => m[1]), ["inet oclog_egress"]);
    t.regex(text, /^table inet oclog_egress\ndelete table inet oclog_egress$/m, "replaces its own table, and only it");
    t.regex(text, /^\s*oifname "lo" accept$/m);
    t.regex(text, /^\s*meta skuid \$OCLOG_EGRESS_UIDS (jump|goto) oclog_users$/m, "a positive match: packets without an owner never reach the rules");
    t.regex(text, /^include "oclog\/egress-uids\.nft"$/m);
  }
  t.deepEqual([...readFileSync(ALLOWLIST, "utf8").matchAll(/^\s*set (\S+) \{/gm)].map((m) => m[1]), ["oclog_allow_v4", "oclog_allow_v6", "oclog_dns_v4", "oclog_dns_v6"]);
});

// --- the allowlist script --------------------------------------------------------------------

test("shellcheck passes on oclog-egress-allowlist", (t) => {
  const check = run("shellcheck", [SCRIPT]);
  t.is(check.status, 0, check.stdout);
});

test("oclog-egress-allowlist --output: literals, CIDRs and localhost become set elements that nft -c accepts", (t) => {
  const dir = includeDir([998, 997]);
  writeFileSync(join(dir, "hosts"), "# test list\n192.0.2.10\n198.51.100.0/24 198.51.100.7  # overlapping\n2001:db8::10\n2001:db8:1::/48\nlocalhost\n");
  writeFileSync(join(dir, "resolv.conf"), "search example.internal\nnameserver 192.0.2.53\nnameserver fe80::1%eth0\n");
  const elements = join(dir, "oclog/egress-allow.d/elements.nft");
  inNetns(`${NETNS_SETUP}\n${SCRIPT} --hosts ${dir}/hosts --resolv-conf ${dir}/resolv.conf --output ${elements}`);
  const text = readFileSync(elements, "utf8");
  const set = (name: string) => new RegExp(`^add element inet oclog_egress ${name} \\{ (.*) \\}$`, "m").exec(text)?.[1]?.split(", ");
  t.deepEqual(set("oclog_allow_v4"), ["127.0.0.1", "192.0.2.10", "198.51.100.0/24", "198.51.100.7"]);
  // ::1 too where /etc/hosts lists it for localhost (Debian's default does; this machine's may not).
  t.deepEqual(set("oclog_allow_v6")?.filter((address) => address !== "::1"), ["2001:db8:1::/48", "2001:db8::10"]);
  t.deepEqual(set("oclog_dns_v4"), ["192.0.2.53"]);
  t.deepEqual(set("oclog_dns_v6"), ["fe80::1"]);
  t.regex(text, /^#\s+localhost: 127\.0\.0\.1/m, "which name gave which addresses");
  for (const name of ["oclog_allow_v4", "oclog_allow_v6", "oclog_dns_v4", "oclog_dns_v6"]) t.regex(text, new RegExp(`^flush set inet oclog_egress ${name}$`, "m"));
  // The allowlist ruleset includes exactly this file (from the include path), as at boot.
  const check = nftCheck(ALLOWLIST, dir);
  t.is(check.status, 0, check.stderr);
});

test("oclog-egress-allowlist: an unresolvable name or a bad entry is named, exits 1 and writes nothing", (t) => {
  const dir = scratch();
  writeFileSync(join(dir, "hosts"), "192.0.2.10\nno-such-host.invalid\n300.1.2.3\n");
  const output = join(dir, "elements.nft");
  const result = netnsScript(`${NETNS_SETUP}\n${SCRIPT} --hosts ${dir}/hosts --resolv-conf /dev/null --output ${output}`);
  t.is(result.status, 1);
  t.regex(result.stderr, /cannot resolve no-such-host\.invalid \(.*hosts line 2\)/);
  t.regex(result.stderr, /not a host name, address or CIDR: '300\.1\.2\.3' \(.*hosts line 3\)/);
  t.regex(result.stderr, /nothing loaded; the previous allowlist stays in force/);
  t.false(existsSync(output));
});

test("oclog-egress-allowlist: --help, usage errors, and a clear error when allowlist mode is not loaded", (t) => {
  const help = run(SCRIPT, ["--help"]);
  t.is(help.status, 0);
  t.regex(help.stdout, /^Usage: oclog-egress-allowlist /);
  for (const option of ["--hosts", "--resolv-conf", "--elements", "--check", "--output"]) t.true(help.stdout.includes(option), option);
  const unknown = run(SCRIPT, ["--frobnicate"]);
  t.is(unknown.status, 2);
  t.regex(unknown.stderr, /unknown argument: --frobnicate/);
  t.is(run(SCRIPT, ["--output"]).status, 2);
  // Record mode loaded (no sets): the script says what to do instead of an nft error.
  const dir = includeDir([USER]);
  writeFileSync(join(dir, "hosts"), "192.0.2.10\n");
  const recordMode = netnsScript(`nft -I ${dir} -f ${RECORD}\n${SCRIPT} --hosts ${dir}/hosts --resolv-conf /dev/null --check`);
  t.is(recordMode.status, 1);
  t.regex(recordMode.stderr, /the allowlist ruleset is not loaded .* load oclog-egress-allowlist\.nft first/);
});

test("oclog-egress-allowlist loads the sets in one transaction; a failing refresh keeps the previous ones", (t) => {
  const dir = includeDir([USER]);
  writeFileSync(join(dir, "good"), "192.0.2.10\n2001:db8::10\n");
  writeFileSync(join(dir, "bad"), "192.0.2.99\nno-such-host.invalid\n");
  writeFileSync(join(dir, "resolv.conf"), "nameserver 192.0.2.53\n");
  const elements = join(dir, "oclog/egress-allow.d/elements.nft");
  const args = `--resolv-conf ${dir}/resolv.conf --elements ${elements}`;
  const out = inNetns(`${NETNS_SETUP}
nft -I ${dir} -f ${ALLOWLIST}
${SCRIPT} --hosts ${dir}/good ${args} --check
${SCRIPT} --hosts ${dir}/good ${args}
if ${SCRIPT} --hosts ${dir}/bad ${args} 2>/dev/null; then echo "bad list loaded"; exit 1; fi
nft -j list table inet oclog_egress`);
  const sets = Object.fromEntries(
    (JSON.parse(out) as { nftables: { set?: { name: string; elem?: unknown[] } }[] }).nftables.filter((o) => o.set).map((o) => [o.set!.name, o.set!.elem ?? []]),
  );
  t.deepEqual(sets, { oclog_allow_v4: ["192.0.2.10"], oclog_allow_v6: ["2001:db8::10"], oclog_dns_v4: ["192.0.2.53"], oclog_dns_v6: [] });
  t.regex(readFileSync(elements, "utf8"), /^add element inet oclog_egress oclog_allow_v4 \{ 192\.0\.2\.10 \}$/m, "kept for the next nftables.service start");
});

// --- real kernel log lines -------------------------------------------------------------------

test.serial("record mode: real kernel lines for TCP, UDP and IPv6 of the recorded uid only, once per connection, parsed by the preset", (t) => {
  const dir = includeDir([USER]);
  const [tcp4, tcp6, udp, lo, other] = ports(5) as [number, number, number, number, number];
  const { result, lines } = withNetnsKernelLog(() =>
    inNetns(`${NETNS_SETUP}
nft -I ${dir} -f ${RECORD}
${SINK}
${client(USER, [`tcp:192.0.2.77:${tcp4}`, `tcp:2001:db8::77:${tcp6}`, `udp2:192.0.2.78:${udp}`, `tcp:127.0.0.1:${lo}`])}
${client(OTHER, [`tcp:192.0.2.77:${other}`])}
nft -j list counter inet oclog_egress logged`),
  );
  const [mine, others, counters] = result.trim().split("\n");
  t.deepEqual(JSON.parse(mine!), { [`tcp:192.0.2.77:${tcp4}`]: "ECONNREFUSED", [`tcp:2001:db8::77:${tcp6}`]: "ECONNREFUSED", [`udp2:192.0.2.78:${udp}`]: "sent", [`tcp:127.0.0.1:${lo}`]: "ECONNREFUSED" });
  t.deepEqual(JSON.parse(others!), { [`tcp:192.0.2.77:${other}`]: "ECONNREFUSED" });
  const egress = lines.filter((line) => line.startsWith("oclog-egress-"));
  t.log(egress.join("\n"));

  t.like(parseLine(toPort(egress, tcp4)[0] ?? "")!, { verdict: "log", out: "d0", src: "192.0.2.1", dst: "192.0.2.77", proto: "TCP", uid: String(USER), gid: String(USER) });
  t.like(parseLine(toPort(egress, tcp6)[0] ?? "")!, { verdict: "log", out: "d0", src: expand("2001:db8::1"), dst: expand("2001:db8::77"), proto: "TCP", uid: String(USER) });
  t.like(parseLine(toPort(egress, udp)[0] ?? "")!, { verdict: "log", dst: "192.0.2.78", proto: "UDP", uid: String(USER) });
  t.is(toPort(egress, udp).length, 1, "two datagrams of one flow: one line");
  t.is(toPort(egress, lo).length, 0, "loopback is not logged");
  t.is(toPort(egress, other).length, 0, "another uid is not logged");
  t.true(Number(parseLine(toPort(egress, tcp4)[0]!)!.spt) > 0);
  t.is(egress.length, 3, "nothing else of the namespace (neighbour discovery, MLD) is logged");
  const counter = (JSON.parse(counters!) as { nftables: { counter?: { packets: number } }[] }).nftables.find((o) => o.counter)!.counter!;
  t.is(counter.packets, 3, "the counter counts the lines");
});

test.serial("allowlist mode: allowed destinations and the resolver logged, the rest logged and rejected, kernel packets untouched", (t) => {
  const dir = includeDir([USER]);
  writeFileSync(join(dir, "hosts"), "192.0.2.10\n2001:db8::10\n");
  writeFileSync(join(dir, "resolv.conf"), "nameserver 192.0.2.53\n");
  const [allowed4, denied4, allowed6, denied6, allowedUdp6, other] = ports(6) as [number, number, number, number, number, number];
  const targets = [
    `tcp:192.0.2.10:${allowed4}`,
    `tcp:192.0.2.20:${denied4}`,
    "udp:192.0.2.53:53",
    "udp:192.0.2.54:53",
    `tcp:2001:db8::10:${allowed6}`,
    `tcp:2001:db8::20:${denied6}`,
    // Leaves the namespace, so the kernel sends its own neighbour solicitation, without a socket owner.
    `udp:2001:db8::10:${allowedUdp6}`,
  ];
  const { result, lines } = withNetnsKernelLog(() =>
    inNetns(`${NETNS_SETUP}
nft -I ${dir} -f ${ALLOWLIST}
${SCRIPT} --hosts ${dir}/hosts --resolv-conf ${dir}/resolv.conf --elements ${dir}/oclog/egress-allow.d/elements.nft 2>/dev/null
${SINK}
${client(USER, targets)}
${client(OTHER, [`tcp:192.0.2.20:${other}`])}
nft -j list counters table inet oclog_egress`),
  );
  const [mine, others, counters] = result.trim().split("\n");
  const outcome = JSON.parse(mine!) as Record<string, string>;
  t.is(outcome["udp:192.0.2.54:53"], "EPERM", "DNS to another server: refused at once");
  t.is(outcome["udp:192.0.2.53:53"], "sent");
  t.deepEqual(JSON.parse(others!), { [`tcp:192.0.2.20:${other}`]: "ECONNREFUSED" });
  const egress = lines.filter((line) => line.startsWith("oclog-egress-"));
  t.log(egress.join("\n"));

  const verdicts = (p: number) => toPort(egress, p).map((line) => parseLine(line)!.verdict);
  t.deepEqual(verdicts(allowed4), ["log"]);
  t.deepEqual(verdicts(denied4), ["reject"]);
  t.deepEqual(verdicts(allowed6), ["log"]);
  t.deepEqual(verdicts(denied6), ["reject"]);
  t.deepEqual(verdicts(allowedUdp6), ["log"]);
  t.deepEqual(verdicts(other), [], "another uid is neither logged nor rejected");
  const dns = toPort(egress, 53).map((line) => parseLine(line)!);
  t.deepEqual(dns.map((f) => [f.verdict, f.dst, f.proto]), [["log", "192.0.2.53", "UDP"], ["reject", "192.0.2.54", "UDP"]]);
  t.like(parseLine(toPort(egress, denied6)[0]!)!, { verdict: "reject", out: "d0", src: expand("2001:db8::1"), dst: expand("2001:db8::20"), proto: "TCP", uid: String(USER), gid: String(USER) });
  // Every line is one of the client's: the kernel's neighbour solicitation was not rejected.
  t.is(egress.length, 7);
  for (const line of egress) t.is(parseLine(line)!.uid, String(USER), line);
  const count = Object.fromEntries(
    (JSON.parse(counters!) as { nftables: { counter?: { name: string; packets: number } }[] }).nftables.filter((o) => o.counter).map((o) => [o.counter!.name, o.counter!.packets]),
  );
  t.deepEqual(count, { logged: 4, rejected: 3 });
});

// --- the parser on kept lines ---------------------------------------------------------------

test("the preset parses the real kernel lines kept as a fixture", (t) => {
  const { lines } = JSON.parse(readFileSync(CAPTURED, "utf8")) as { lines: string[] };
  const fields = lines.map((line) => parseLine(line)!);
  t.deepEqual(
    fields.map((f) => [f.verdict, f.out, f.src, f.dst, f.proto, f.spt, f.dpt, f.uid, f.gid]),
    [
      ["log", "d0", "192.0.2.1", "192.0.2.10", "TCP", "35126", "42001", "65534", "65534"],
      ["reject", "d0", "192.0.2.1", "192.0.2.20", "TCP", "59856", "42002", "65534", "65534"],
      ["log", "d0", "192.0.2.1", "192.0.2.53", "UDP", "52066", "53", "65534", "65534"],
      ["reject", "d0", "192.0.2.1", "192.0.2.54", "UDP", "50554", "53", "65534", "65534"],
      ["log", "d0", expand("2001:db8::1"), expand("2001:db8::10"), "TCP", "33548", "42003", "65534", "65534"],
      ["reject", "d0", expand("2001:db8::1"), expand("2001:db8::20"), "TCP", "52688", "42004", "65534", "65534"],
      ["log", "d0", expand("2001:db8::1"), expand("2001:db8::10"), "UDP", "39729", "42006", "65534", "65534"],
    ],
  );
  t.is(parseLine("EXT4-fs (vda): mounted filesystem r/w without journal."), undefined, "other kernel messages are not egress");
});

test("the checked-in pipeline carries the same grep and parser as the preset", (t) => {
  const pipeline = parse(readFileSync(PIPELINE, "utf8")) as { parsers: { name: string; regex?: string }[]; pipeline: { filters: Record<string, string>[]; inputs: Record<string, string>[] } };
  const { grepKey, grep, parser } = presetEgress();
  t.is(grepKey, "message");
  t.is(pipeline.pipeline.filters.find((f) => f.alias === "keep_egress")!.regex, `message ${grep.source}`);
  t.is(pipeline.parsers.find((p) => p.name === "oclog_egress_nft")!.regex, parser.source);
  t.like(pipeline.pipeline.inputs.find((i) => i.alias === "in_egress")!, { name: "systemd", tag: "openclaw.egress", systemd_filter: "_TRANSPORT=kernel" });
});

// --- the install contract --------------------------------------------------------------------

test("the README, the rulesets, the script and the hosts file agree on paths and names", (t) => {
  const readme = readFileSync(README, "utf8");
  const script = readFileSync(SCRIPT, "utf8");
  t.regex(readme, /`\/etc\/oclog\/egress-uids\.nft`/);
  t.regex(readme, /define OCLOG_EGRESS_UIDS = \{ %s, %s \}/);
  t.regex(readme, /^ {3}include "\/opt\/oclog\/vm\/nftables\/oclog-egress\.nft"$/m);
  t.regex(readme, /`include "\/opt\/oclog\/vm\/nftables\/oclog-egress-allowlist\.nft"`/);
  // The elements the script keeps are the ones the allowlist ruleset includes from /etc.
  t.regex(readFileSync(ALLOWLIST, "utf8"), /^include "oclog\/egress-allow\.d\/\*\.nft"$/m);
  t.regex(script, /^elements_file=\/etc\/oclog\/egress-allow\.d\/elements\.nft$/m);
  t.regex(script, /^hosts_file=\/etc\/oclog\/egress-allow\.hosts$/m);
  t.regex(readme, /OnUnitActiveSec=/, "the refresh timer");
  const hosts = readFileSync(HOSTS, "utf8").split("\n").map((l) => l.replace(/#.*/, "").trim()).filter(Boolean);
  t.deepEqual(hosts, ["api.openai.com", "api.anthropic.com", "openrouter.ai", "generativelanguage.googleapis.com"]);
  t.not(statSync(SCRIPT).mode & 0o111, 0, "the script is executable");
});
