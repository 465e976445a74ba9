// A real OpenClaw 2026.9.6 gateway pairs a device nobody set up (a node host with a fresh
// identity), writes its own log line for it, and our pairing detection fires on that line.
//
//   npx ava test/scenarios/device-pairing.test.ts
//
// Two gateways, one after the other (less contention on a busy host): the harness config plus
// gateway.nodes.pairing.autoApproveLocal=false, where the operator approves the pending request
// with `openclaw devices approve`; and the plain harness config, where OpenClaw pairs the
// loopback device silently.
import test, { type ExecutionContext } from "ava";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CaseDatabase, loadDetections, loadEventsJsonl, runDetections, DETECTIONS_DIR } from "@oclog/investigate";
import { detectSource, normalize } from "@oclog/schema";
import { makeGatewayDirs, startGateway, type GatewayHandle, type OpenClawConfig, withConsoleTail } from "../openclaw/gateway.js";
import { ensureOpenClaw } from "../openclaw/install.js";
import { startModelServer } from "../openclaw/model-server.js";
import { scenarioConfig } from "../openclaw/scenario.js";
import { OPERATOR_APPROVAL_CONFIG, pairUnexpectedDevice, UNEXPECTED_DEVICE_NAME, type DevicePairing } from "./device-pairing.js";
import { deepMerge } from "./fake-internet.js";

const DETECTION_FILE = join(DETECTIONS_DIR, "pairing_device_approved.yml");

/** The exact `regexp_matches(message, '...')` pattern of the detection. */
function detectionPattern(): RegExp {
  const sql = readFileSync(DETECTION_FILE, "utf8");
  const m = /regexp_matches\(message,\s*'((?:[^']|'')*)'\)/.exec(sql);
  if (!m) throw new Error(`no regexp_matches(message, '...') in ${DETECTION_FILE}`);
  return new RegExp(m[1]!.replace(/''/g, "'"));
}

/** Normalizes every gateway-log line (as the pipeline does) and runs the pairing detection over them in DuckDB. */
async function runPairingDetection(logText: string, scratch: string): Promise<{ rows: Record<string, unknown>[]; skipped: number }> {
  const events: string[] = [];
  let skipped = 0;
  logText.split("\n").forEach((line, index) => {
    if (line === "") return;
    const value = JSON.parse(line) as unknown;
    const source = detectSource(value);
    const result = source ? normalize(source, value, { ref: `gateway.log:${index + 1}` }) : null;
    if (!result?.ok) {
      skipped++;
      return;
    }
    for (const event of result.events) events.push(JSON.stringify({ ...event, blob: "gateway.log", line: index + 1 }));
  });
  const path = join(scratch, "events.jsonl");
  writeFileSync(path, `${events.join("\n")}\n`);
  const { detections, errors } = await loadDetections();
  if (errors.length) throw new Error(`detections failed to load: ${JSON.stringify(errors)}`);
  const rule = detections.filter((d) => d.path === DETECTION_FILE);
  if (rule.length !== 1) throw new Error(`pairing_device_approved.yml not among the loaded detections`);
  const db = await CaseDatabase.open(":memory:");
  try {
    await loadEventsJsonl(db.connection, path);
    const { findings, errors: runErrors } = await runDetections(db.connection, rule);
    if (runErrors.length) throw new Error(`detection failed: ${JSON.stringify(runErrors)}`);
    return { rows: findings[0]?.rows ?? [], skipped };
  } finally {
    db.close();
  }
}

async function withGateway<T>(t: ExecutionContext, patch: OpenClawConfig, fn: (gateway: GatewayHandle, scratch: string) => Promise<T>): Promise<T> {
  const install = await ensureOpenClaw();
  const root = mkdtempSync(join(tmpdir(), "oclog-device-pairing-"));
  const dirs = makeGatewayDirs(join(root, "instance"));
  const model = await startModelServer({ conversations: [], fallbackText: "ok" });
  let gateway: GatewayHandle | undefined;
  try {
    const config = deepMerge(scenarioConfig({ model, workspace: dirs.workspace, logFile: dirs.logFile, apiKey: `sk-oclog-${randomBytes(12).toString("hex")}` }), patch);
    const started = Date.now();
    gateway = await startGateway({ install, dirs, token: randomBytes(32).toString("hex"), config });
    t.log(`gateway ready in ${Date.now() - started} ms`);
    return await fn(gateway, root);
  } catch (error) {
    throw withConsoleTail(error, gateway);
  } finally {
    await gateway?.stop();
    await model.close();
    rmSync(root, { recursive: true, force: true });
  }
}

async function checkPairing(t: ExecutionContext, gateway: GatewayHandle, scratch: string, pairing: DevicePairing, expectedMessage: RegExp): Promise<void> {
  t.log(`${pairing.approval} pairing in ${pairing.durationMs} ms: ${pairing.logLine}`);
  t.regex(pairing.deviceId, /^[0-9a-f]{64}$/);
  t.regex(pairing.logLine, expectedMessage);
  t.true(pairing.logLine.includes(`device=${pairing.deviceId}`));

  // The device is really paired: the gateway lists it under our display name.
  const list = await gateway.cli(["devices", "list", "--json"]);
  t.is(list.code, 0, list.stderr);
  const paired = (JSON.parse(list.stdout.slice(list.stdout.indexOf("{"))) as { paired?: Array<{ deviceId?: string; displayName?: string }> }).paired ?? [];
  t.true(paired.some((d) => d.deviceId === pairing.deviceId && d.displayName === UNEXPECTED_DEVICE_NAME), JSON.stringify(paired));

  // The line is in the gateway file log, written by OpenClaw's gateway logger.
  await gateway.stop();
  const logText = readFileSync(gateway.dirs.logFile, "utf8");
  const record = logText.split("\n").find((l) => l === pairing.logRecord);
  t.truthy(record, "the approval line is in the gateway file log");
  const parsed = JSON.parse(record!) as { message: string; _meta: { logLevelName: string; name: string } };
  t.is(parsed.message, pairing.logLine);
  t.is(parsed._meta.logLevelName, "INFO");
  t.is(parsed._meta.name, '{"subsystem":"gateway"}');

  // The detection's own regex matches it, and the whole .sql fires on the normalized log in DuckDB.
  t.regex(pairing.logLine, detectionPattern());
  const { rows, skipped } = await runPairingDetection(logText, scratch);
  t.log(`detection rows: ${rows.length} (${skipped} log lines not normalized)`);
  const row = rows.find((r) => r.device === pairing.deviceId);
  t.truthy(row, JSON.stringify(rows));
  t.like(row, { subsystem: "gateway", role: "node", approval: pairing.approval === "auto" ? "auto-approved" : "approved", message: pairing.logLine });
}

test.serial("an operator approves an unexpected node host: 'device pairing approved', detected", async (t) => {
  t.timeout(180_000);
  await withGateway(t, OPERATOR_APPROVAL_CONFIG, async (gateway, scratch) => {
    const install = await ensureOpenClaw();
    const pairing = await pairUnexpectedDevice(gateway, install);
    t.is(pairing.approval, "operator");
    t.regex(pairing.requestId ?? "", /^[0-9a-f-]{36}$/);
    t.is(pairing.approve?.code, 0);
    await checkPairing(t, gateway, scratch, pairing, /^device pairing approved device=[0-9a-f]{64} role=node$/);
  });
});

test.serial("default harness config: OpenClaw pairs a loopback node host silently: 'device pairing auto-approved', detected", async (t) => {
  t.timeout(180_000);
  await withGateway(t, {}, async (gateway, scratch) => {
    const install = await ensureOpenClaw();
    const pairing = await pairUnexpectedDevice(gateway, install);
    t.is(pairing.approval, "auto");
    await checkPairing(t, gateway, scratch, pairing, /^device pairing auto-approved device=[0-9a-f]{64} role=node$/);
  });
});
