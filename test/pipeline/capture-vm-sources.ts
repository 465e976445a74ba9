/**
 * Captures the fixtures of the VM's own sources (`nginx`, `egress`, `journal`, `oclog`) as real
 * Fluent Bit 5.1.1 ships them: the checked-in pipeline on the shipping rig (shipping-rig.ts: the
 * file byte for byte, local values in its params include, Azurite over HTTPS), fed by
 *   - nginx: the real Debian nginx serving vm/nginx/oclog-gateway.conf with the gate (the
 *     upstream is the gate tests' stand-in for the gateway), over a scripted set of requests;
 *   - egress: the real nftables kernel lines of test/vm/fixtures/egress (written by the egress
 *     tests in a network namespace), as journald stores them (kernel transport);
 *   - journal: systemd's unit messages (by catalog id) and the units' own output, with the fields
 *     systemd 252-257 writes for them. There is no journald here: the entries are written in the
 *     journal export format and made into a real journal file by systemd-journal-remote, which
 *     Fluent Bit's systemd input reads. (The VM boot test ships the guest's real journal.)
 *   - oclog: events sent by the SDK's emitter to the forward input.
 *
 *   node --import tsx --conditions=oclog-source test/pipeline/capture-vm-sources.ts
 *
 * rewrites test/fixtures/vm-sources/<source>.jsonl: the shipped lines, uncompressed, per source.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Emitter } from "@oclog/schema";
import { API, BROWSER } from "../vm/gate/client.js";
import { GateStand } from "../vm/gate/stand.js";
import { DAY, HOUR, sasState } from "../vm/gate/state.js";
import { GATEWAY_TOKEN } from "../vm/gate/upstream.js";
import { writeJournal, type JournalEntry } from "./journal-files.js";
import { ShippingRig, waitFor } from "./shipping-rig.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const OUT_DIR = join(REPO, "test/fixtures/vm-sources");
const KERNEL_LINES = join(REPO, "test/vm/fixtures/egress/kernel-lines.json");

const BOOT_ID = "5c1d4e0f2a9b4c7d8e3f1a2b3c4d5e6f";
const MACHINE_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

/** PID 1's fields on its messages about units (systemd 252-257). */
function systemdAbout(unit: string, messageId: string, message: string, priority: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    _TRANSPORT: "journal", _PID: "1", _UID: "0", _GID: "0", _COMM: "systemd", _EXE: "/usr/lib/systemd/systemd", _CMDLINE: "/sbin/init",
    _SYSTEMD_CGROUP: "/init.scope", _SYSTEMD_UNIT: "init.scope", _SYSTEMD_SLICE: "-.slice", _MACHINE_ID: MACHINE_ID, _HOSTNAME: "vm-alice",
    SYSLOG_FACILITY: "3", SYSLOG_IDENTIFIER: "systemd", CODE_FILE: "src/core/unit.c", UNIT: unit, MESSAGE_ID: messageId, MESSAGE: message,
    PRIORITY: priority, INVOCATION_ID: "9a8b7c6d5e4f30211203f4e5d6c7b8a9", ...extra,
  };
}

/** A line a unit's own process wrote to stdout. */
function unitOutput(unit: string, comm: string, identifier: string, pid: string, message: string, priority = "6"): Record<string, string> {
  return {
    _TRANSPORT: "stdout", _PID: pid, _UID: "998", _GID: "998", _COMM: comm, _SYSTEMD_CGROUP: `/system.slice/${unit}`, _SYSTEMD_UNIT: unit,
    _SYSTEMD_SLICE: "system.slice", _MACHINE_ID: MACHINE_ID, _HOSTNAME: "vm-alice", SYSLOG_FACILITY: "3", SYSLOG_IDENTIFIER: identifier,
    MESSAGE: message, PRIORITY: priority, _STREAM_ID: "3c2b1a09f8e7d6c5b4a3928170605f4e",
  };
}

/** The journal: a crash loop of the gateway, Fluent Bit stopped, the collector's output, the egress lines. */
function journal(startUs: number): { entries: JournalEntry[]; journal: number; egress: number } {
  const units: Record<string, string>[] = [
    systemdAbout("openclaw.service", "7d4958e842da4a758f6c1cdc7b36dcc5", "Starting openclaw.service - OpenClaw gateway (oclog hardened)...", "6", { JOB_TYPE: "start", JOB_ID: "151" }),
    systemdAbout("openclaw.service", "39f53479d3a045ac8e11786248231fbf", "Started openclaw.service - OpenClaw gateway (oclog hardened).", "6", { JOB_TYPE: "start", JOB_RESULT: "done", JOB_ID: "151" }),
    unitOutput("openclaw.service", "node", "openclaw", "812", "[gateway] listening on ws://127.0.0.1:18789 (PID 812)"),
    unitOutput("openclaw.service", "node", "openclaw", "812", "[gateway] fatal: unhandled rejection: EACCES: permission denied, open '/var/lib/openclaw/.openclaw/openclaw.json'", "3"),
    systemdAbout("openclaw.service", "98e322203f7a4ed290d09fe03c09fe15", "openclaw.service: Main process exited, code=exited, status=1/FAILURE", "5", { EXIT_CODE: "exited", EXIT_STATUS: "1" }),
    systemdAbout("openclaw.service", "d9b373ed55a64feb8242e02dbe79a49c", "openclaw.service: Failed with result 'exit-code'.", "4", { UNIT_RESULT: "exit-code" }),
    systemdAbout("openclaw.service", "5eb03494b6584870a536b337290809b3", "openclaw.service: Scheduled restart job, restart counter is at 1.", "6", { N_RESTARTS: "1" }),
    systemdAbout("openclaw.service", "98e322203f7a4ed290d09fe03c09fe15", "openclaw.service: Main process exited, code=killed, status=9/KILL", "5", { EXIT_CODE: "killed", EXIT_STATUS: "9" }),
    systemdAbout("openclaw.service", "d9b373ed55a64feb8242e02dbe79a49c", "openclaw.service: Failed with result 'signal'.", "4", { UNIT_RESULT: "signal" }),
    systemdAbout("openclaw.service", "5eb03494b6584870a536b337290809b3", "openclaw.service: Scheduled restart job, restart counter is at 2.", "6", { N_RESTARTS: "2" }),
    unitOutput("oclog-collect.service", "node", "oclog", "640", "oclog collect: cycle read=12 sent=12 invalid=0 redacted=1 pending=0 spoolBytes=0"),
    systemdAbout("fluent-bit.service", "de5b426a63be47a7b6ac3eaac82e2f6f", "Stopping fluent-bit.service - Fluent Bit...", "6", { JOB_TYPE: "stop", JOB_ID: "402" }),
    systemdAbout("fluent-bit.service", "7ad2d189f7e94e70a38c781354912448", "fluent-bit.service: Deactivated successfully.", "6"),
    systemdAbout("fluent-bit.service", "9d1aaa27d60140bd96365438aad20286", "Stopped fluent-bit.service - Fluent Bit.", "6", { JOB_TYPE: "stop", JOB_RESULT: "done", JOB_ID: "402" }),
    systemdAbout("fluent-bit.service", "ae8f7b866b0347b9af31fe1c80b127c0", "fluent-bit.service: Consumed 2.417s CPU time, 31.2M memory peak.", "6"),
  ];
  const kernel = (JSON.parse(readFileSync(KERNEL_LINES, "utf8")) as { lines: string[] }).lines;
  let us = startUs;
  const entries: JournalEntry[] = [];
  for (const fields of units) {
    us += 250_000;
    // A process's own time of logging, a little before journald stored it.
    entries.push({ realtimeUs: us, fields: { ...fields, _SOURCE_REALTIME_TIMESTAMP: String(us - 37) } });
  }
  for (const line of kernel) {
    us += 250_000;
    const fields = { _TRANSPORT: "kernel", PRIORITY: line.startsWith("oclog-egress-reject") ? "4" : "6", SYSLOG_FACILITY: "0", SYSLOG_IDENTIFIER: "kernel", _MACHINE_ID: MACHINE_ID, _HOSTNAME: "vm-alice", MESSAGE: line.trimEnd() };
    entries.push({ realtimeUs: us, fields });
  }
  return { entries, journal: units.length, egress: kernel.length };
}

/** The requests the gate answers: through, refused for each reason, a wrong bearer token, a query with a secret. */
async function gateRequests(stand: GateStand): Promise<number> {
  let sent = 0;
  const request = async (path: string, headers?: Record<string, string>) => {
    await stand.get(path, headers ? { headers } : {});
    sent++;
  };
  stand.writeState(sasState(3 * DAY));
  await request("/", BROWSER);
  await request("/api/status", API);
  // The query string is not logged: this token must not reach any blob.
  await request("/?token=planted-query-token-0123456789", BROWSER);
  for (let i = 0; i < 3; i++) await request("/v1/chat/completions", { ...API, authorization: "Bearer wrong-token" });
  await request("/v1/chat/completions", { ...API, authorization: `Bearer ${GATEWAY_TOKEN}` });
  await stand.websocket("/ws");
  sent++;
  stand.writeState(sasState(-2 * HOUR));
  await request("/", BROWSER);
  stand.writeState(sasState(3 * DAY, { shipping: "failing", shipping_reason: "no delivery for 12 minutes" }));
  await request("/api/status", API);
  return sent;
}

interface Capture {
  nginx: string[];
  egress: string[];
  journal: string[];
  oclog: string[];
}

/** Runs the capture; returns the shipped lines per source. */
export async function captureVmSources(): Promise<Capture> {
  const journalDir = mkdtempSync(join(tmpdir(), "oclog-vm-sources-journal-"));
  const { entries, ...counts } = journal(Date.now() * 1000);
  await writeJournal(journalDir, entries, { bootId: BOOT_ID });
  const rig = await ShippingRig.start({ journalDir });
  let stand: GateStand | undefined;
  try {
    // nginx writes where the pipeline tails (the rig's params include says where).
    mkdirSync(dirname(rig.paths.nginxAccessLog), { recursive: true });
    // cache_seconds 0: every request reads the state file, so each state written applies at once.
    stand = await GateStand.start({ accessLog: rig.paths.nginxAccessLog, gate: { cache_seconds: "0" } });
    const requests = await gateRequests(stand);

    const emitter = new Emitter({ endpoint: { path: rig.paths.forwardSocket } });
    const events = [
      { event: "sas.checked", component: "sas-rotate", vm: "alice", message: "SAS of alice expires in 40h 12m: rotating", outcome: "success" },
      { event: "sas.rotated", component: "sas-rotate", vm: "alice", message: "rotated the SAS of alice: sha256:1f2e3d4c5b6a7980 until 2026-12-12T08:00:00Z", outcome: "success" },
      { event: "sas.installed", component: "sas-install", message: "installed SAS sha256:1f2e3d4c5b6a7980 for oclog-alice; Fluent Bit: reload (hot reload count 1 -> 2)", outcome: "success" },
      { event: "guard.failing", component: "guard", message: "shipping failing: 0 records delivered and 14 errors in 11 minutes", outcome: "failure", level: "warn" },
      { event: "guard.ok", component: "guard", message: "shipping ok: 2210 records delivered in the last 5 minutes", outcome: "success" },
    ];
    for (const event of events) await emitter.emit("oclog", event);
    await emitter.close();

    const expected: Record<keyof Capture, number> = { nginx: requests, egress: counts.egress, journal: counts.journal, oclog: events.length };
    return await waitFor("every record of the VM's sources in blobs", 60_000, async () => {
      const shipped: Capture = { nginx: [], egress: [], journal: [], oclog: [] };
      for (const { record } of await rig.shipped()) shipped[record.oclog_source as keyof Capture]?.push(JSON.stringify(record));
      const got = Object.fromEntries(Object.entries(shipped).map(([s, lines]) => [s, lines.length]));
      if (Object.entries(expected).some(([s, n]) => got[s]! > n)) throw new Error(`more records than sent: ${JSON.stringify(got)} vs ${JSON.stringify(expected)}`);
      if (!Object.entries(expected).every(([s, n]) => got[s] === n)) return undefined;
      for (const lines of Object.values(shipped)) lines.sort((x: string, y: string) => String(JSON.parse(x)["@timestamp"]).localeCompare(String(JSON.parse(y)["@timestamp"])));
      return shipped;
    });
  } finally {
    await stand?.stop();
    await rig.close();
    rmSync(journalDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const shipped = await captureVmSources();
  mkdirSync(OUT_DIR, { recursive: true });
  for (const [source, lines] of Object.entries(shipped)) {
    writeFileSync(join(OUT_DIR, `${source}.jsonl`), `${(lines as string[]).join("\n")}\n`);
    console.log(`${source}: ${(lines as string[]).length} records`);
  }
}
