/**
 * What the VM's journal holds, as journald stores it: console output of the units the pipeline
 * ships (stdout transport, with journald's trusted fields), systemd's own messages about those
 * units (UNIT=, from PID 1: started, failed, restarted), a unit it does not ship, and the
 * kernel's messages: the egress ruleset's nftables lines (real ones, test/vm/fixtures/egress/)
 * and kernel noise the egress filter drops. Some console lines carry planted fake secrets.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { FakeSecrets } from "@oclog/test-kit/records";
import type { JournalEntry } from "./journal-files.js";

const KERNEL_LINES = JSON.parse(readFileSync(new URL("../vm/fixtures/egress/kernel-lines.json", import.meta.url), "utf8")) as { lines: string[] };

/** The entries, and which of them each systemd input must ship (or the egress filter drop). */
export interface PlantedJournal {
  entries: JournalEntry[];
  /** Entries of the shipped units, and systemd's messages about them: the journal source. */
  journal: JournalEntry[];
  /** The kernel's egress lines: the egress source. */
  egress: JournalEntry[];
  /** Not shipped: another unit's output, and kernel lines that are not egress. */
  ignored: JournalEntry[];
}

const MACHINE_ID = randomBytes(16).toString("hex");
const HOST = "vm-alice";

function unitOutput(unit: string, comm: string, pid: number, message: string, priority = 6): Record<string, string> {
  return {
    _TRANSPORT: "stdout",
    PRIORITY: String(priority),
    SYSLOG_FACILITY: "3",
    SYSLOG_IDENTIFIER: comm,
    _PID: String(pid),
    _UID: "998",
    _GID: "998",
    _COMM: comm,
    _SYSTEMD_CGROUP: `/system.slice/${unit}`,
    _SYSTEMD_UNIT: unit,
    _SYSTEMD_SLICE: "system.slice",
    _SYSTEMD_INVOCATION_ID: randomBytes(16).toString("hex"),
    _STREAM_ID: randomBytes(16).toString("hex"),
    _MACHINE_ID: MACHINE_ID,
    _HOSTNAME: HOST,
    MESSAGE: message,
  };
}

function systemdAbout(unit: string, message: string, messageId: string | undefined, priority = 6): Record<string, string> {
  return {
    _TRANSPORT: "journal",
    PRIORITY: String(priority),
    SYSLOG_FACILITY: "3",
    SYSLOG_IDENTIFIER: "systemd",
    _PID: "1",
    _UID: "0",
    _GID: "0",
    _COMM: "systemd",
    _SYSTEMD_CGROUP: "/init.scope",
    _SYSTEMD_UNIT: "init.scope",
    _SYSTEMD_SLICE: "-.slice",
    UNIT: unit,
    ...(messageId ? { MESSAGE_ID: messageId } : {}),
    _MACHINE_ID: MACHINE_ID,
    _HOSTNAME: HOST,
    MESSAGE: message,
  };
}

function kernel(message: string, priority = 4): Record<string, string> {
  return { _TRANSPORT: "kernel", PRIORITY: String(priority), SYSLOG_FACILITY: "0", SYSLOG_IDENTIFIER: "kernel", _MACHINE_ID: MACHINE_ID, _HOSTNAME: HOST, MESSAGE: message };
}

/** The journal of a VM whose gateway crashed once; entries one millisecond apart from `t0`. */
export function journalEntries(secrets: FakeSecrets, literals: readonly string[], t0: number): PlantedJournal {
  const pem = ["-----BEGIN RSA PRIVATE KEY-----", ...secrets.pemBody, "-----END RSA PRIVATE KEY-----"].join("\n");
  const journal = [
    systemdAbout("openclaw.service", "Started openclaw.service - OpenClaw gateway.", "39f53479d3a045ac8e11786248231fbf"),
    unitOutput("openclaw.service", "node", 4242, "gateway listening on 127.0.0.1:18789"),
    unitOutput("openclaw.service", "node", 4242, `provider key loaded: ${secrets.openaiLegacy} (from OPENAI_API_KEY)`),
    unitOutput("openclaw.service", "node", 4242, `GITHUB_TOKEN=${secrets.githubPat} SLACK=${secrets.slack} GOOGLE=${secrets.google}`),
    unitOutput("openclaw.service", "node", 4242, `connecting with token ${literals[0]} to the gateway`),
    unitOutput(
      "openclaw.service", "node", 4242,
      `startup: project ${secrets.openaiProject}, gh ${secrets.githubClassic} ${secrets.githubOauth}, upload https://acme.blob.core.windows.net/c/x?sv=2024-11-04&sr=c&sig=${secrets.sasSig}&se=2026-12-31, vm token ${secrets.vmGatewayToken}, model key ${literals[1]}`,
    ),
    unitOutput("openclaw.service", "node", 4242, `loaded deploy key:\n${pem}`, 4),
    unitOutput("openclaw.service", "node", 4242, `aws: ${secrets.awsAccessKeyId} / ${secrets.awsSessionKeyId}; router ${secrets.openrouter}`),
    unitOutput("openclaw.service", "node", 4242, "Error: listen EADDRINUSE: address already in use 127.0.0.1:18789", 3),
    systemdAbout("openclaw.service", "openclaw.service: Main process exited, code=exited, status=1/FAILURE", undefined, 5),
    systemdAbout("openclaw.service", "openclaw.service: Failed with result 'exit-code'.", "d9b373ed55a64feb8242e02dbe79a49c", 4),
    systemdAbout("openclaw.service", "openclaw.service: Scheduled restart job, restart counter is at 1.", "5eb03494b6584870a536b337290809b3", 6),
    unitOutput("nginx.service", "nginx", 812, `upstream sent token=${secrets.password} in a header while reading response`, 3),
    unitOutput("oclog-collect.service", "node", 901, `collect: cycle read=12 sent=12 invalid=0 redacted=1 pending=0 ${secrets.anthropic}`),
    unitOutput("oclog-guard.service", "node", 902, "shipping ok: ship delivered 12 record(s)"),
    unitOutput("fluent-bit.service", "fluent-bit", 700, `[ warn] [engine] failed to flush chunk, Authorization: Bearer ${secrets.jwt}`, 4),
    unitOutput("openclaw-sandbox-podman.service", "podman", 950, "podman API service listening on unix:///run/openclaw-sandbox/podman.sock"),
    systemdAbout("fluent-bit.service", "Stopped fluent-bit.service - Fluent Bit.", "9d1aaa27d60140bd96365438aad20286"),
  ];
  const egress = KERNEL_LINES.lines.map((line) => kernel(line));
  const ignored = [
    unitOutput("cron.service", "cron", 300, `(root) CMD (curl -H 'x-api-key: ${secrets.plain}' https://example.invalid)`),
    kernel("Out of memory: Killed process 4242 (node) total-vm:1048576kB, anon-rss:524288kB", 3),
    kernel('audit: type=1400 apparmor="DENIED" operation="open" profile="openclaw" name="/etc/shadow"', 5),
  ];
  // Interleaved as a journal would have them: kernel lines between the units' lines.
  const ordered: Record<string, string>[] = [];
  const queues = [journal, egress, ignored].map((list) => [...list]);
  while (queues.some((q) => q.length)) for (const q of queues) if (q.length) ordered.push(q.shift()!);
  const entries = ordered.map((fields, i) => ({ realtimeUs: (t0 + i) * 1000, fields }));
  const pick = (list: Record<string, string>[]) => entries.filter((e) => list.includes(e.fields));
  return { entries, journal: pick(journal), egress: pick(egress), ignored: pick(ignored) };
}
