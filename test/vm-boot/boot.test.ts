// The VM image booted under real systemd (QEMU, software emulation): the hardening the static
// checks score, proven by what the booted guest itself reports, and the VM shipping what its
// agent did. Run by `pnpm test:vm`, which the test command runs after the main suite; the image
// is built or reused first (vm/image/build.sh).
//
// Fluent Bit is installed in the image as its package would install it (from the upstream build
// in ../shared/fluent-bit/bin/, its repository being out of reach), with oclog's drop-in and the
// generated pipeline. The host serves Azurite and a scripted model, which the guest reaches only
// through QEMU's forwards (shipping.ts); the guest installs a SAS, runs an agent turn with real
// tools in OpenClaw's Podman sandbox, and the host reads the records from the blobs and
// investigates them with the CLI.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import test from "ava";
import { loadDetections, parseBlobName } from "@oclog/investigate";
import { SasState } from "@oclog/sas";
import { exposure, systemdAnalyze, unitFile } from "../vm/systemd-analyze.js";
import { fieldText, formatJournalExport, parseJournalExport, scrubJournalExport } from "./journal-export.js";
import { bootAndCheck, buildImage, kernelCrash, relevantSerialLines, type BootResult } from "./qemu.js";
import {
  AGENT_CALLS,
  AGENT_FINAL_TEXT,
  blobNamePattern,
  missingFromBlobs,
  oclog,
  shippedRecords,
  startShippingStand,
  VM_USER,
  watchShipping,
  type ShippedRecord,
  type ShippingStand,
} from "./shipping.js";

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
const read = (relative: string) => readFileSync(path(relative), "utf8");

function state(expiresInSeconds: number): string {
  const now = Date.now();
  const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
  const value: SasState = SasState.parse({
    version: 1,
    account: "oclogimage",
    container: "oclog-image",
    expires_at: iso(now + expiresInSeconds * 1000),
    issued_at: iso(now - 3600_000),
    installed_at: iso(now - 3500_000),
    permissions: "cw",
    fingerprint: "sha256:0123456789abcdef",
    shipping: "ok",
    renew_command: "oclog sas rotate --vm oclog-image",
  });
  return `${JSON.stringify(value)}\n`;
}

// One boot for every assertion: under emulation a boot takes minutes.
let stand: ShippingStand | undefined;
let boot: Promise<BootResult> | undefined;
function booted(): Promise<BootResult> {
  boot ??= (async () => {
    const image = buildImage();
    stand = await startShippingStand();
    const shipping = stand;
    return bootAndCheck(
      image,
      {
        "check.sh": read("../../vm/image/checks/boot-check.sh"),
        "probe-gateway.sh": read("../../vm/image/checks/probe-gateway.sh"),
        "probe-pipeline.sh": read("../../vm/image/checks/probe-pipeline.sh"),
        "probe-collect.sh": read("../../vm/image/checks/probe-collect.sh"),
        "state-valid.json": state(7 * 24 * 3600),
        "state-expired.json": state(-3600),
        ...shipping.shareFiles,
      },
      {
        timeoutSeconds: 32 * 60,
        guestForwards: shipping.guestForwards,
        whileRunning: (share, signal) => watchShipping(shipping, share, signal),
      },
    );
  })();
  return boot;
}
test.after.always(async () => {
  if (boot) rmSync((await boot.catch(() => undefined))?.share ?? "/nonexistent", { recursive: true, force: true });
  await stand?.stop();
});

// What arrived in the blobs, read once after the boot.
let shipped: Promise<ShippedRecord[]> | undefined;
function blobs(): Promise<ShippedRecord[]> {
  shipped ??= booted().then(() => shippedRecords(stand!));
  return shipped;
}

// `oclog investigate` on the VM's container, once, through the CLI as a user runs it.
interface Investigation {
  code: number | null;
  stderr: string;
  caseDir: string;
  summary: { quarantined: number; records: number; blobs: number; findings: { id: string; severity: string; title: string; count: number }[] };
}
let investigation: Promise<Investigation> | undefined;
function investigated(): Promise<Investigation> {
  investigation ??= booted().then(async () => {
    const caseDir = join(mkdtempSync(join(tmpdir(), "oclog-boot-case-")), "case");
    const run = await oclog(["investigate", "--user", VM_USER, "--case-dir", caseDir, "--json", "--no-progress"], stand!.oclogEnv);
    let summary: Investigation["summary"];
    try {
      summary = JSON.parse(run.stdout) as Investigation["summary"];
    } catch {
      throw new Error(`oclog investigate printed no JSON (exit ${run.code}): ${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`);
    }
    return { code: run.code, stderr: run.stderr, caseDir, summary };
  });
  return investigation;
}

/**
 * Where the agent turn's minutes went, from the gateway's own log: when its first line of the turn
 * came (the CLI's start and connect before it), and the longest silences within the turn, each
 * with the line before and after it (what ran meanwhile).
 */
function turnTimeline(window: string, log: string): string {
  const [from, to] = window.split(" ").map((s) => Number(s) * 1000);
  if (!(from! > 0 && to! > from!)) return `no turn window (${JSON.stringify(window)})`;
  const lines = log.split("\n").flatMap((text) => {
    try {
      const record = JSON.parse(text) as { time?: string; message?: string };
      const ms = Date.parse(record.time ?? "");
      return ms >= from! && ms <= to! ? [{ ms, message: String(record.message ?? "").replace(/\s+/g, " ").slice(0, 140) }] : [];
    } catch {
      return [];
    }
  });
  if (lines.length === 0) return "the gateway logged nothing during the turn";
  const gaps = lines.slice(1).map((line, i) => ({ seconds: (line.ms - lines[i]!.ms) / 1000, at: (lines[i]!.ms - from!) / 1000, before: lines[i]!.message, after: line.message }));
  const longest = gaps.sort((a, b) => b.seconds - a.seconds).slice(0, 8).sort((a, b) => a.at - b.at);
  return [
    `the turn in the gateway's log: ${lines.length} lines, the first ${((lines[0]!.ms - from!) / 1000).toFixed(1)} s after the CLI started, the last ${((to! - lines.at(-1)!.ms) / 1000).toFixed(1)} s before it returned; the longest silences:`,
    ...longest.map((g) => `  at ${g.at.toFixed(1)} s: ${g.seconds.toFixed(1)} s between "${g.before}" and "${g.after}"`),
  ].join("\n");
}

/** Asserts on the guest's facts; on failure the relevant serial log lines are printed. */
async function facts(t: import("ava").ExecutionContext): Promise<Record<string, string>> {
  const result = await booted();
  t.teardown(() => {
    if (!t.passed) {
      t.log(`serial log (relevant lines):\n${relevantSerialLines(result.serialLog)}\nstderr:\n${result.stderr.slice(-4000)}`);
      t.log(`guest journal (last lines):\n${result.journal.split("\n").slice(-60).join("\n")}`);
    }
  });
  t.false(result.timedOut, `the guest did not power off within the timeout (${result.seconds} s)`);
  t.is(kernelCrash(result.serialLog), undefined, "the guest kernel crashed (QEMU's CPU model: test/vm-boot/qemu.ts)");
  t.is(result.hostError, undefined, "the host's part while the guest ran");
  return result.facts;
}

test("the image boots, runs the checks after multi-user and powers off", async (t) => {
  const result = await booted();
  const f = result.facts;
  t.log(
    `boot + checks: ${result.seconds.toFixed(0)} s wall; guest uptime at start of checks ${f["boot-seconds"]} s, gateway ready at ${f["gateway-ready-seconds"]} s; ` +
      `sandbox image imported in ${f["sandbox-import-seconds"]} s, model config written and reloaded in ${f["model-config-seconds"]} s, agent turn ${f["agent-turn-seconds"]} s, records seen by the host ${f["shipping-wait-seconds"]} s after it`,
  );
  // Where the boot's time went: the guest's uptime as each part of the checks began (boot-check.sh).
  t.log(`checks by part (guest uptime, s): ${Object.entries(f).filter(([k]) => k.startsWith("section-")).map(([k, v]) => `${k.slice(8)} ${v}`).join(", ")}`);
  await facts(t);
  t.is(result.rc, 0, `check.sh exited ${result.rc}`);
  // Booted on one CPU (maxcpus=1, qemu.ts); the second must come online, or the boot runs on half.
  t.is(f["cpus-online"], "0-1");
});

test("nothing is compiled on the VM: no compiler, no built native addon in the oclog CLI", async (t) => {
  const f = await facts(t);
  t.is(f["compilers"], "", "cc, gcc, g++ and make are absent");
  t.is(f["native-addons-built"], "0", "the collector uses node:sqlite on the VM; the host's better-sqlite3 build is not carried over");
});

test("Fluent Bit runs under the unit its package ships, with oclog's drop-in, as its own user with one capability", async (t) => {
  const f = await facts(t);
  t.is(f["fluent-bit-version"], "Fluent Bit v5.1.1");
  t.is(f["fluent-bit-unit"], "/usr/lib/systemd/system/fluent-bit.service", "the package's unit (vm/image/rootfs/fluent-bit.service)");
  t.is(f["fluent-bit-dropins"], "/etc/systemd/system/fluent-bit.service.d/oclog.conf");
  t.is(f["active-fluent-bit.service"], "active");
  t.is(f["fluent-bit-restarts"], "0");
  t.is(f["fluent-bit-exe"], "/opt/fluent-bit/bin/fluent-bit");
  t.is(f["fluent-bit-cmdline"]?.trim(), "/opt/fluent-bit/bin/fluent-bit -c /etc/fluent-bit/fluent-bit.yaml", "the drop-in's ExecStart, the generated pipeline");
  t.is(f["fluent-bit-user"], "fluent-bit");
  t.is(f["fluent-bit-cap-eff"], "0000000000000004", "CAP_DAC_READ_SEARCH alone (bit 2)");
});

test("the first SAS is installed as a rotation delivers it, and the pipeline ships to the host's Azurite through the params include alone", async (t) => {
  const f = await facts(t);
  t.is(f["params-changed"], "4", "endpoint, account, emulator mode and CA file: the only values changed from what provisioning wrote");
  t.regex(f["sas-install"] ?? "", /^installed SAS sha256:[0-9a-f]+ for oclog-image, expires \S+; Fluent Bit: hot-reload/);
  t.is(f["shipping-seen"], "yes", "the host saw the agent turn's records in the blobs while the guest waited");
});

test("an agent turn runs real tools in OpenClaw's Podman sandbox: an exec and a write", async (t) => {
  const f = await facts(t);
  const result = await booted();
  // The boot-test image carries the sandbox image's root (Debian's packages, the Containerfile's
  // recipe: vm/image/sandbox-rootfs.sh); it is imported as provisioning builds it on a VM.
  t.regex(f["sandbox-import"] ?? "", /^0 sandbox [0-9a-f]{16}-mmdebstrap:trixie-minbase$/, result.shareFile("sandbox-import.out"));
  t.is(f["model-config-reloaded"], "yes", "the gateway hot-reloaded the config naming the scripted model");
  t.is(f["agent-turn-exit"], "0", result.shareFile("agent-turn.err").slice(-3000));
  t.log(`agent turn: ${f["agent-turn-seconds"]} s (guest time)`);
  t.log(turnTimeline(f["agent-turn-window"] ?? "", result.shareFile("openclaw-log-after-turn.txt")));
  const turn = JSON.parse(result.shareFile("agent-turn.json") || "{}") as { result?: { payloads?: { text?: string }[] } };
  t.is(turn.result?.payloads?.at(-1)?.text, AGENT_FINAL_TEXT);
  // The model got each tool's result back. OpenClaw sends tool-call ids back to the model
  // rewritten to alphanumerics (call_vm_exec -> callvmexec; test/openclaw/capture.ts).
  const toolResults = stand!.model.requests.flatMap((r) => ((r.body as { messages?: { role?: string; tool_call_id?: string; content?: unknown }[] })?.messages ?? []).filter((m) => m.role === "tool"));
  const resultOf = (id: string) => JSON.stringify(toolResults.find((m) => m.tool_call_id === id.replace(/[^A-Za-z0-9]/g, ""))?.content ?? null);
  t.regex(resultOf("call_vm_exec"), /oclog-vm-boot-marker/, "the exec ran in the sandbox and its output came back");
  t.not(resultOf("call_vm_write"), "null", "the write's result came back to the model");
  t.regex(f["sandbox-containers"] ?? "", /localhost\/oclog-sandbox:trixie-slim running/, "the tools ran in a container of the sandbox image");
  const written = AGENT_CALLS.find((c) => c.id === "call_vm_write")!.arguments.content as string;
  t.regex(f["sandbox-written"] ?? "", new RegExp(`oclog-vm-boot\\.service ${Buffer.byteLength(written)}$`), "the write landed in the sandbox's workspace on the VM, whole");
});

// Known failure, kept as a test so that it says when it is fixed. OpenClaw's write tool in the VM's
// sandbox writes the file whole (the test above checks its size) and then reports "Write
// verification failed ... the persisted regular file does not match the requested content".
// Likely cause, not yet confirmed: the gateway reads the file back as user openclaw, and the file
// belongs to openclaw-sandbox (the container's user) with a mode the gateway cannot read.
test.failing("the sandbox's write tool confirms its write on the VM (known failure: 'Write verification failed')", async (t) => {
  const run = await investigated();
  const sql = await oclog(["sql", run.caseDir, "SELECT outcome FROM events WHERE gen_ai.tool.call.id = 'call_vm_write' AND action = 'tool.result'", "--json"], stand!.oclogEnv);
  t.is(sql.stdout.trim(), JSON.stringify({ outcome: "success" }));
});

test("records of the gateway log, the collector, nginx, the journal and the egress record reached blobs named by the generated path layout", async (t) => {
  const records = await blobs();
  const counts: Record<string, number> = {};
  for (const r of records) counts[r.source] = (counts[r.source] ?? 0) + 1;
  t.log(`records per source: ${JSON.stringify(counts)} in ${new Set(records.map((r) => r.blob)).size} blobs`);
  t.deepEqual(missingFromBlobs(records), []);
  for (const source of ["gateway", "transcript", "nginx", "journal", "egress"]) t.true((counts[source] ?? 0) > 0, `no ${source} record`);
  // The gate's requests of the checks, as nginx logged them; the gateway's connection to the model, as nftables logged it.
  t.true(records.some((r) => r.source === "nginx" && Number(r.record.http_status) === 503), "the gate's 503 for the expired state file");
  t.true(records.some((r) => r.source === "egress" && r.line.includes("10.0.2.100")), "the gateway's connection to the model");
  t.true(records.some((r) => r.source === "journal" && r.record._systemd_unit === "openclaw.service"), "the gateway's own output");
  for (const r of records) {
    t.is(r.record.oclog_user, VM_USER);
    const tag = `openclaw.${r.source}`;
    t.regex(r.blob, blobNamePattern(tag), `${r.blob} holds a ${r.source} record`);
    t.true(parseBlobName(r.blob).ok, r.blob);
  }
});

test("nothing secret reached a blob: no gateway token, not the SAS's signature, not the account key", async (t) => {
  const records = await blobs();
  t.true(records.length > 0);
  const text = records.map((r) => r.line).join("\n");
  t.notRegex(text, /ocgw_[A-Za-z0-9_-]{43}/, "a gateway token's shape (vm/bin/openclaw-gateway-start)");
  t.true(stand!.sasSignature.length > 20);
  t.false(text.includes(stand!.sasSignature), "the SAS signature");
  t.false(text.includes(stand!.azurite.accountKey), "the account key");
  t.false(text.includes(decodeURIComponent(stand!.sasSignature)), "the SAS signature, decoded");
});

test("oclog investigate on the VM's container finds the agent turn's tool calls as events and findings, quarantines nothing, exits 0", async (t) => {
  const run = await investigated();
  t.is(run.code, 0, run.stderr.slice(-3000));
  t.is(run.summary.quarantined, 0);
  t.log(`investigate: ${run.summary.records} records from ${run.summary.blobs} blobs; findings ${JSON.stringify(run.summary.findings)}`);
  const ids = new Map((await loadDetections()).detections.map((d) => [d.stem, d.meta.id]));
  for (const call of AGENT_CALLS) {
    if (call.detection !== null) t.true(run.summary.findings.some((f) => f.id === ids.get(call.detection!)), `${call.detection} for ${call.id}`);
    const sql = await oclog(["sql", run.caseDir, `SELECT source, action, outcome FROM events WHERE gen_ai.tool.call.id = '${call.id}' AND gen_ai.tool.name = '${call.name}'`, "--json"], stand!.oclogEnv);
    t.is(sql.code, 0, sql.stderr);
    const rows = sql.stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as { source: string; action: string; outcome: string });
    t.true(rows.some((r) => r.source === "transcript" && r.action === "tool.call"), `${call.id}: the call, from the collector's transcript rows: ${sql.stdout}`);
    // The exec succeeds; the write's outcome is what OpenClaw reported (see the known failure above).
    const result = rows.find((r) => r.source === "transcript" && r.action === "tool.result");
    t.truthy(result, `${call.id}: its result, from the transcript: ${sql.stdout}`);
    if (call.id === "call_vm_exec") t.is(result?.outcome, "success", sql.stdout);
  }
});

test("the VM's agent turn replays: oclog sessions lists it, oclog session shows its calls in order with their arguments, the story opens report.md", async (t) => {
  const run = await investigated();
  const list = await oclog(["sessions", run.caseDir, "--json"], stand!.oclogEnv);
  t.is(list.code, 0, list.stderr);
  const sessions = JSON.parse(list.stdout) as { sessionId: string; tools: string[] }[];
  const turn = sessions.find((s) => AGENT_CALLS.every((c) => s.tools.includes(c.name)));
  t.truthy(turn, `a session used ${AGENT_CALLS.map((c) => c.name).join(", ")}: ${list.stdout.slice(0, 2000)}`);
  const replay = await oclog(["session", run.caseDir, turn!.sessionId, "--json"], stand!.oclogEnv);
  t.is(replay.code, 0, replay.stderr);
  const { steps } = JSON.parse(replay.stdout) as { steps: { kind: string; callId: string | null; tool: string | null; arguments: string | null; source: string }[] };
  const calls = steps.filter((s) => s.kind === "tool");
  t.deepEqual(calls.map((s) => s.callId), AGENT_CALLS.map((c) => c.id), "the scripted calls, in order");
  for (const [i, call] of AGENT_CALLS.entries()) t.deepEqual(JSON.parse(calls[i]!.arguments ?? "null"), call.arguments, `${call.id}: its arguments, from the transcript`);
  const md = readFileSync(join(run.caseDir, "report.md"), "utf8");
  t.regex(md, /\n## What happened\n/);
  t.notRegex(md, /disagree on its tool calls/, "the transcript and the gateway's trace agree on the run");
});

test("the guest's journal of the shipped units, exported and scrubbed, is the journal fixture", async (t) => {
  const f = await facts(t);
  const result = await booted();
  const raw = readFileSync(join(result.share, "journal-guest.export"));
  const entries = parseJournalExport(raw);
  t.is(f["journal-export-entries"], String(entries.length));
  t.is(f["token-in-journal-export"], "0");
  // Each unit's own output, and systemd's (PID 1's) messages about it.
  const units = new Set(entries.flatMap((e) => [fieldText(e, "_SYSTEMD_UNIT"), fieldText(e, "UNIT") && `about ${fieldText(e, "UNIT")}`]));
  for (const unit of ["openclaw.service", "nginx.service", "fluent-bit.service", "oclog-collect.service", "about openclaw.service", "about fluent-bit.service"]) t.true(units.has(unit), `${unit} in ${[...units].join(", ")}`);
  const scrubbed = formatJournalExport(scrubJournalExport(entries, [stand!.sasSignature, stand!.azurite.accountKey]));
  for (const id of ["_MACHINE_ID", "_BOOT_ID"]) t.false(scrubbed.includes(fieldText(entries[0]!, id)), `${id} replaced`);
  // What systemd itself makes a journal file of, as the fixture is used (systemd-journal-remote).
  const dir = mkdtempSync(join(tmpdir(), "oclog-journal-"));
  try {
    const remote = spawnSync("/lib/systemd/systemd-journal-remote", ["-o", join(dir, "guest.journal"), "-"], { input: scrubbed });
    t.is(remote.status, 0, String(remote.stderr));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (process.env.OCLOG_UPDATE_FIXTURES === "1") writeFileSync(path("../fixtures/vm-sources/journal-guest.export"), scrubbed);
});

test("openclaw.service starts under its sandbox, stays up, and answers through nginx and the gate", async (t) => {
  const f = await facts(t);
  // The image raises nine of OpenClaw's hard-coded budgets that a 20-40x slower emulated
  // machine cannot meet: five of its start-up (5 s, 4 x 250 ms) and four of its sandbox engine's
  // `podman` calls (5 s, 4.5 s) (vm/image/rootfs/openclaw-startup-budgets.sh); the rest of
  // OpenClaw is as published.
  t.is(f["openclaw-budgets-raised"], "9");
  t.is(f["gateway-failed-starts"], "0", `first failure: ${f["gateway-first-failure"]}; lock cause: ${f["gateway-lock-cause"]}`);
  t.is(f["gateway-ready"], "yes", `lock cause: ${f["gateway-lock-cause"]}`);
  t.log(`gateway: ready ${f["gateway-start-to-ready-seconds"]} s after its start (guest time), ${f["gateway-start-cpu-seconds"]} s CPU`);
  t.is(f["gateway-active"], "active");
  t.is(f["gateway-user"], "openclaw");
  // Through nginx and the gate: the gateway's own /health body, not the gate's page.
  t.is(f["gate-valid"], "200", "a valid state file lets /health through to the gateway");
  t.regex(f["gate-valid-body"] ?? "", /"ok":\s*true/);
  // Stays up: polled in the guest from its first answer for at least 60 s of guest time and at
  // least 3 times, through the gate every 5 s, the same process throughout and never restarted.
  t.true(Number(f["gateway-up-seconds"]) >= 60, `up ${f["gateway-up-seconds"]} s`);
  t.true(Number(f["gateway-up-polls"]) >= 3, `${f["gateway-up-polls"]} polls`);
  t.is(f["gateway-up-failed-polls"], "0");
  t.is(f["gateway-same-process"], "yes");
  t.is(f["gateway-restarts"], "0");
  t.is(f["gateway-still-active"], "active");
});

test("the gateway's first start was done at image build time, and the VM's device identity is its own", async (t) => {
  const f = await facts(t);
  // vm/image/rootfs/setup.sh starts the gateway once in the image root (natively) and keeps the
  // state it migrated and created; what belongs to one machine is removed there
  // (openclaw-scrub-state.mjs) and made again by OpenClaw at its first start in the VM.
  t.is(f["image-first-start-kept"], "config_machine_state,schema_meta,migration_runs,migration_sources");
  t.is(f["image-first-start-removed"], "device_identities,config_revision_keys,diagnostic_events,gateway_boot_lifecycle,config_health_entries");
  t.is(f["gateway-identity-made-this-boot"], "yes");
});

test("the gate blocks with an expired state file and passes with a valid one", async (t) => {
  const f = await facts(t);
  t.is(f["gate-valid"], "200");
  t.is(f["gate-expired"], "503 expired");
  t.is(f["gate-valid-again"], "200", "a valid state file again: the gate passes again");
});

test("the gateway's file log is in the logs directory, readable by the pipeline's sandbox and by no other user", async (t) => {
  const f = await facts(t);
  t.regex(f["log-file"] ?? "", /^600 openclaw:openclaw [1-9]\d*$/);
  t.is(f["log-other-user"], "denied");
  t.is(f["pipeline-uid"], "fluent-bit");
  t.is(f["pipeline-gateway-log"], "readable", "CAP_DAC_READ_SEARCH in Fluent Bit's drop-in");
  t.is(f["pipeline-sas-file"], "readable", "the SAS include is Fluent Bit's to read");
  t.is(f["pipeline-shadow"], "denied");
});

test("the gateway cannot read /home, other processes' /proc entries or the SAS file, nor write outside its directories", async (t) => {
  const f = await facts(t);
  t.is(f["gateway-uid"], "openclaw");
  t.is(f["gateway-home"], "denied");
  t.is(f["gateway-sas-file"], "denied");
  t.is(f["gateway-shadow"], "denied");
  t.is(f["gateway-proc-pid1"], "denied");
  t.is(f["gateway-proc-other-users"], "0", "ProtectProc=invisible: no other user's process is visible");
  t.is(f["gateway-write-etc"], "denied");
  t.is(f["gateway-write-install"], "denied");
  t.is(f["gateway-write-state"], "writable");
});

test("the collector reads OpenClaw's state through CAP_DAC_READ_SEARCH alone and cannot write it", async (t) => {
  const f = await facts(t);
  t.is(f["collect-uid"], "oclog-collect");
  // CapEff/CapAmb are hex masks: bit 2 is CAP_DAC_READ_SEARCH, and nothing else is set.
  t.is(f["collect-cap-eff"], "0000000000000004");
  t.is(f["collect-cap-amb"], "0000000000000004");
  t.is(f["collect-state-node"], "directory", `stat as the collector: ${f["collect-state-stat"]}`);
  t.is(f["collect-state-list"], "readable");
  t.is(f["collect-state-write"], "denied");
  // Node 24 reads SQLite itself: the image has no compiled better-sqlite3 and no compiler.
  t.is(f["collect-sqlite"], "node:sqlite");
  // OpenClaw's ledger database: audit_events and the config audit. Found only with the unit's
  // SecureBits=no-setuid-fixup (access() drops the capability otherwise).
  t.is(f["collect-once-stores"], "2", `oclog collect --once under the collector's sandbox: ${f["collect-once-result"]}`);
  t.notRegex(f["collect-once-result"] ?? "", /cannot read/);
  // The ledger's two stores from the start; the agent's transcript store once the turn made it.
  t.true(Number(f["collect-stores"]) >= 3, `the collector service found ${f["collect-stores"]} stores`);
  t.is(f["collect-store-kinds"], "config-audit,ledger,transcript");
  t.true(Number(f["collect-read"]) > 0);
  t.log(`forward socket ${f["forward-socket"]}; a probe message as the collector's user: ${f["forward-probe"]}`);
  t.regex(f["forward-probe"] ?? "", /^ack after \d+ ms/, `Fluent Bit's forward input answers the collector's user; its metrics: ${(await booted()).shareFile("fluent-bit-metrics.json").slice(0, 3000)}`);
  t.is(f["collect-sent"], f["collect-read"], `Fluent Bit's forward input took every row the collector read; ${f["collect-send-failures"]} failed sends, the first: ${f["collect-first-send-failure"]}`);
  t.is(f["collect-store-errors"], "0", "a store the collector could not read (see the guest journal)");
  t.log(`the collector found ${f["collect-stores"]} store(s) and read ${f["collect-read"]} record(s) from them during the boot, sent ${f["collect-sent"]}`);
});

test("the gateway token is in no file, no process's argv and not in the journal", async (t) => {
  const f = await facts(t);
  t.is(f["token-shape"], "ok");
  t.is(f["token-in-argv"], "0");
  t.is(f["token-in-files"], "0");
  t.is(f["token-in-journal"], "0");
});

test("systemd-analyze security in the guest reports the same exposure as the offline check", async (t) => {
  const f = await facts(t);
  const units: [string, string][] = [
    ["openclaw.service", path("../../vm/systemd/openclaw.service")],
    ["oclog-collect.service", path("../../vm/systemd/oclog-collect.service")],
    ["oclog-guard.service", path("../../vm/systemd/oclog-guard.service")],
    ["openclaw-sandbox-podman.service", path("../../vm/systemd/openclaw-sandbox-podman.service")],
    ["nginx.service", unitFile("nginx.service", `${read("../vm/fixtures/nginx.base.service")}\n${read("../../vm/systemd/nginx.service.d/oclog.conf")}`)],
    ["fluent-bit.service", unitFile("fluent-bit.service", `${read("../../vm/image/rootfs/fluent-bit.service")}\n${read("../../vm/systemd/fluent-bit.service.d/oclog.conf")}`)],
  ];
  const result = await booted();
  for (const [name, file] of units) {
    const offline = exposure(file);
    const guest = Number(f[`exposure-${name}`]);
    if (guest !== offline) {
      // Show where they disagree: the ✗ lines of one that the other does not have.
      const failing = (text: string) => new Set(text.split("\n").filter((l) => l.startsWith("✗")).map((l) => l.replace(/\s+/g, " ").trim()));
      const inGuest = failing(result.shareFile(`security-${name}.txt`));
      const inOffline = failing(systemdAnalyze("security", "--offline=yes", "--no-pager", file).stdout);
      t.log(`${name}: only in the guest: ${[...inGuest].filter((l) => !inOffline.has(l)).join(" | ")}; only offline: ${[...inOffline].filter((l) => !inGuest.has(l)).join(" | ")}`);
    }
    t.is(guest, offline, `${name}: guest ${guest}, offline ${offline}`);
  }
});

test("the collector, the guard timer, nginx, nftables, the Podman socket and Fluent Bit are active", async (t) => {
  const f = await facts(t);
  for (const unit of ["oclog-collect.service", "oclog-guard.timer", "nginx.service", "nftables.service", "openclaw-sandbox-podman.socket", "fluent-bit.service"]) {
    t.is(f[`active-${unit}`], "active", unit);
  }
  // At first boot the collector starts before the gateway has made its state directory: it must
  // wait for it, not exit into systemd's restart loop ("active" alone passes a unit caught
  // between restarts).
  t.is(f["collect-restarts"], "0", "oclog-collect.service restarted");
});
