/**
 * The host's side of the booted VM's shipping: what the guest's Fluent Bit ships to, the model
 * its agent talks to, and how the host sees the records arrive.
 *
 * Both services run here, on free loopback ports, and the guest reaches each through a QEMU
 * guestfwd rule at an address of QEMU's user network (GUEST_SERVICES): the guest can reach
 * nothing else, and nothing here listens beyond 127.0.0.1.
 * - Azurite over HTTPS, with a throw-away certificate that the guest's Fluent Bit trusts as its
 *   `tls.ca_file` (the pipeline keeps `tls: on` whatever the params say), holding the VM's
 *   container; the guest gets a write-only SAS for it, as `oclog sas rotate` would deliver it.
 * - the scripted OpenAI-compatible model of the OpenClaw harness (test/openclaw/model-server.ts),
 *   which asks for an exec and a write.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { parse as parseYaml } from "yaml";
import { createContainer, downloadContainer, mintContainerSas, startAzurite, type Azurite } from "@oclog/test-kit/azurite";
import { selfSignedLoopbackCert } from "@oclog/test-kit/azure-monitor";
import { startModelServer, type ModelServer, type ScriptedToolCall } from "../openclaw/model-server.js";
import type { GuestForward } from "./qemu.js";

const REPO = new URL("../../", import.meta.url);

/** Where the guest finds the host's services: an address inside QEMU's user network, forwarded by QEMU. */
export const GUEST_SERVICES = "10.0.2.100";
const BLOBS_IN_GUEST = `${GUEST_SERVICES}:10000`;
const MODEL_IN_GUEST = `${GUEST_SERVICES}:8000`;
/** The image's user and container (vm/image/build.sh provisions it with OCLOG_USER=image). */
export const VM_USER = "image";
export const VM_CONTAINER = `oclog-${VM_USER}`;

/** The agent turn: the user's message carries the trigger the scripted model answers. */
export const AGENT_TRIGGER = "[oclog-vm-boot]";
/**
 * What the scripted model asks the agent to do, one call per assistant turn. The exec is also a
 * finding, so it can only come from this turn: it wipes the shell history
 * (tool_destructive_command; removing the scratch folder the same command made is not
 * destruction). The write has none: a relative `.config/systemd/user/` path lands in the
 * sandbox's workspace, where systemd never looks, so it is not persistence. (A write into the
 * workspace's own skills/, which would be, did not land in the sandbox's workspace at all.)
 */
export const AGENT_CALLS: (ScriptedToolCall & { detection: string | null })[] = [
  {
    id: "call_vm_exec",
    name: "exec",
    arguments: { command: "mkdir -p scratch && echo oclog-vm-boot-marker >scratch/marker && cat scratch/marker && rm -rf scratch && rm -f ~/.bash_history", title: "print a marker" },
    detection: "tool_destructive_command",
  },
  {
    id: "call_vm_write",
    name: "write",
    arguments: { path: ".config/systemd/user/oclog-vm-boot.service", content: "[Unit]\nDescription=written by the oclog boot test\n\n[Service]\nExecStart=/bin/true\n" },
    detection: null,
  },
];
export const AGENT_FINAL_TEXT = "oclog vm boot turn finished";

/** One record as it arrived in a blob. */
export interface ShippedRecord {
  blob: string;
  source: string;
  /** The record's JSON line, as stored. */
  line: string;
  record: Record<string, unknown>;
}

export interface ShippingStand {
  azurite: Azurite;
  model: ModelServer;
  /** The CA file (Azurite's certificate), for every client here that talks to Azurite. */
  caFile: string;
  guestForwards: GuestForward[];
  /** The share files the guest's check reads. */
  shareFiles: Record<string, string>;
  /** The SAS's signature: it must reach no blob. */
  sasSignature: string;
  /** The environment an `oclog` child needs to read the container, as a user sets it. */
  oclogEnv: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** Starts Azurite (HTTPS) with the VM's container and the scripted model, and prepares what the guest needs. */
export async function startShippingStand(): Promise<ShippingStand> {
  const dir = mkdtempSync(join(tmpdir(), "oclog-boot-shipping-"));
  const identity = await selfSignedLoopbackCert([GUEST_SERVICES]);
  await identity.dispose();
  const caFile = join(dir, "azurite.pem");
  const keyFile = join(dir, "azurite-key.pem");
  writeFileSync(caFile, identity.cert);
  writeFileSync(keyFile, identity.key, { mode: 0o600 });
  const azurite = await startAzurite({ tls: { cert: caFile, key: keyFile } });
  let model: ModelServer | undefined;
  try {
    await createContainer(azurite.connectionString, VM_CONTAINER, { ca: identity.cert });
    model = await startModelServer({
      conversations: [
        { trigger: AGENT_TRIGGER, turns: [...AGENT_CALLS.map((c) => ({ kind: "tool_calls" as const, calls: [{ id: c.id, name: c.name, arguments: c.arguments }] })), { kind: "text", text: AGENT_FINAL_TEXT }] },
      ],
      fallbackText: "ok",
    });
    // Longer than any boot: the pipeline must never hit an expired SAS in this test.
    const sas = mintContainerSas(azurite, VM_CONTAINER, "cw", { expiresOn: new Date(Date.now() + 6 * 3600_000) });
    const guestEndpoint = `https://${BLOBS_IN_GUEST}`;
    const started = model;
    return {
      azurite,
      model: started,
      caFile,
      guestForwards: [
        { guest: BLOBS_IN_GUEST, hostPort: Number(new URL(azurite.blobEndpoint).port) },
        { guest: MODEL_IN_GUEST, hostPort: started.port },
      ],
      shareFiles: {
        "shipping.env": [
          `OCLOG_TEST_BLOB_ENDPOINT=${guestEndpoint}`,
          `OCLOG_TEST_STORAGE_ACCOUNT=${azurite.accountName}`,
          `OCLOG_TEST_CONTAINER=${VM_CONTAINER}`,
          `OCLOG_TEST_MODEL_URL=http://${MODEL_IN_GUEST}/v1`,
          "",
        ].join("\n"),
        "azurite-ca.pem": identity.cert,
        // Azurite puts the account in the path; `oclog sas install` reads account and container from it.
        "sas-url": `${guestEndpoint}/${azurite.accountName}/${VM_CONTAINER}?${sas}\n`,
        "agent-message": `${AGENT_TRIGGER} Run the oclog boot checks.`,
      },
      sasSignature: new URLSearchParams(sas).get("sig") ?? "",
      oclogEnv: { ...process.env, AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, NODE_EXTRA_CA_CERTS: caFile },
      async stop() {
        await started.close();
        await azurite.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await model?.close();
    await azurite.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Every record in the VM's container, by the `oclog_source` the pipeline stamped on it. */
export async function shippedRecords(stand: ShippingStand): Promise<ShippedRecord[]> {
  const out: ShippedRecord[] = [];
  for (const blob of await downloadContainer(stand.azurite.connectionString, VM_CONTAINER, { ca: readFileSync(stand.caFile, "utf8") })) {
    const text = (blob.name.endsWith(".gz") ? gunzipSync(blob.bytes) : blob.bytes).toString("utf8");
    for (const line of text.split("\n").filter(Boolean)) {
      const record = JSON.parse(line) as Record<string, unknown>;
      out.push({ blob: blob.name, source: String(record.oclog_source), line, record });
    }
  }
  return out;
}

/** What of the agent turn has not arrived yet ([] once every source the test needs is there). */
export function missingFromBlobs(records: ShippedRecord[]): string[] {
  const of = (source: string) => records.filter((r) => r.source === source);
  const missing: string[] = [];
  for (const call of AGENT_CALLS) {
    // The gateway's file log says when each tool ended; the collector ships the transcript's result.
    if (!of("gateway").some((r) => r.line.includes("embedded run tool end") && r.line.includes(`toolCallId=${call.id}`))) missing.push(`gateway log: end of ${call.id}`);
    if (!of("transcript").some((r) => r.line.includes("toolResult") && r.line.includes(call.id))) missing.push(`transcript: result of ${call.id}`);
  }
  for (const source of ["nginx", "journal"]) if (of(source).length === 0) missing.push(`${source}: any record`);
  return missing;
}

/**
 * Runs while the guest does: once the guest says its agent turn is done (`shipping-wanted` in
 * the share), polls the container until the turn's records are there or `deadlineMs` passes,
 * and answers in `shipping-seen`, which the guest waits for before it goes on to power off.
 */
export async function watchShipping(stand: ShippingStand, share: string, signal: AbortSignal, deadlineMs = 420_000): Promise<void> {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const exists = (name: string) => {
    try {
      readFileSync(join(share, name));
      return true;
    } catch {
      return false;
    }
  };
  while (!signal.aborted && !exists("shipping-wanted")) await sleep(2_000);
  const deadline = Date.now() + deadlineMs;
  let missing = ["nothing read yet"];
  while (!signal.aborted && Date.now() < deadline) {
    missing = missingFromBlobs(await shippedRecords(stand));
    if (missing.length === 0) break;
    await sleep(3_000);
  }
  if (signal.aborted) return;
  writeFileSync(join(share, "shipping-seen"), missing.length === 0 ? "yes\n" : `missing after ${deadlineMs / 1000} s: ${missing.join("; ")}\n`);
}

/**
 * The blob names the generated pipeline makes: its azure_blob `path` (from the checked-in
 * fluent-bit/openclaw-vm.yaml) with the user and tag filled in and the strftime date as digits,
 * then Fluent Bit's `<tag>.<random>.<epoch-ms>.gz`.
 */
export function blobNamePattern(tag: string): RegExp {
  const pipeline = parseYaml(readFileSync(new URL("fluent-bit/openclaw-vm.yaml", REPO), "utf8")) as { pipeline: { outputs: { path: string }[] } };
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const path = escape(pipeline.pipeline.outputs[0]!.path)
    .replace(escape("${OCLOG_USER}"), escape(VM_USER))
    .replace(escape("$TAG"), escape(tag))
    .replace(/%Y/g, "\\d{4}")
    .replace(/%[mdH]/g, "\\d{2}");
  return new RegExp(`^${path}/${escape(tag)}\\.[A-Za-z0-9]{64}\\.\\d{13}\\.gz$`);
}

/** Runs `pnpm exec oclog ARGS` from the repository root, as a user would, with `env`. */
export function oclog(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("pnpm", ["exec", "oclog", ...args], { cwd: new URL(".", REPO), env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString("utf8")));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}
