/**
 * One real OpenClaw gateway run shipped live by the VM's pipeline: the harness's scripted
 * scenario (test/openclaw/) plus one agent turn that handles planted fake secrets, while real
 * Fluent Bit (shipping-rig.ts) tails the gateway's file log and the real `oclog collect`, in its
 * own process, reads the gateway's SQLite stores into Fluent Bit's forward socket. Journal
 * entries of the VM's units and the kernel's egress lines reach the two systemd inputs through
 * real journal files. The real nginx with the gate stands in front of the gateway, as on the VM,
 * and writes its JSON access log where the pipeline tails it. A run costs about a minute, so each
 * test file shares one (`liveRun()`).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { ChildProcess } from "node:child_process";
import { fakeSecrets, type FakeSecrets } from "@oclog/test-kit/records";
import { makeGatewayDirs, startGateway, withConsoleTail, type GatewayHandle } from "../openclaw/gateway.js";
import { ensureOpenClaw, OPENCLAW_VERSION } from "../openclaw/install.js";
import { releaseOf, type OpenClawRelease } from "../openclaw/releases.js";
import { startModelServer, type ModelScript, type ModelServer } from "../openclaw/model-server.js";
import { agentTurnArgs, expectedToolCalls, runScenario, scenarioConfig, scenarioModelScript, startPageServer, type ExpectedToolCall, type PageServer } from "../openclaw/scenario.js";
import { dumpOpenClawSqlite, type SqliteDump } from "../openclaw/sqlite-dump.js";
import { journalEntries, type PlantedJournal } from "./journal-entries.js";
import { writeJournal } from "./journal-files.js";
import { spawnOclog } from "./oclog-child.js";
import { API, BROWSER } from "../vm/gate/client.js";
import { GateStand } from "../vm/gate/stand.js";
import { HOUR, sasState } from "../vm/gate/state.js";
import { ShippingRig, waitFor, type ShippedRecord } from "./shipping-rig.js";

/** The trigger of the agent turn that handles the planted secrets. */
export const PLANT_TRIGGER = "[oclog-pipeline:plant]";

/** Everything the tests look at after the run has been shipped. */
export interface LiveRun {
  release: OpenClawRelease;
  rig: ShippingRig;
  /** Every line of the gateway's file log, as OpenClaw wrote it. */
  gatewayLines: string[];
  /** The gateway's SQLite stores after it stopped (read independently of the collector). */
  stores: SqliteDump;
  /** The `oclog_id` of every row and transcript session-file line `oclog collect` should have shipped. */
  storeIds: string[];
  /** The identity (trajectoryLineIdentity) of every trajectory session-file line it should have shipped. */
  trajectoryLines: string[];
  journal: PlantedJournal;
  secrets: FakeSecrets;
  /** The harness's gateway token and model API key: masked as literals. */
  literals: string[];
  toolCalls: ExpectedToolCall[];
  /** Requests sent through the gate to the gateway, and what nginx answered. */
  gateRequests: { path: string; status: number }[];
  /** What `oclog collect` printed when it was stopped (its JSON summary). */
  collected: { read: number; sent: number; invalid: number; redacted: number; pending: number };
  shipped: ShippedRecord[];
}

const pending = new Map<string, Promise<LiveRun>>();

const rigs: ShippingRig[] = [];

/** Stops the Fluent Bit and Azurite of every run this process started, failed ones included. */
export async function closeLiveRigs(): Promise<void> {
  for (const rig of rigs.splice(0)) await rig.close();
}

/** This process's run of OpenClaw `version` (the fixtures' release by default), started on first use. */
export function liveRun(version = OPENCLAW_VERSION): Promise<LiveRun> {
  if (!pending.has(version)) pending.set(version, runLive(releaseOf(version)));
  return pending.get(version)!;
}

/** The planting turn: the agent writes, runs and reads back text holding every kind of secret. */
function plantingScript(base: ModelScript, secrets: FakeSecrets): ModelScript {
  const pem = ["-----BEGIN OPENSSH PRIVATE KEY-----", ...secrets.pemBody, "-----END OPENSSH PRIVATE KEY-----"].join("\n");
  const env = [
    `OPENAI_API_KEY=${secrets.openaiProject}`,
    `ANTHROPIC_API_KEY=${secrets.anthropic}`,
    `OPENROUTER_KEY=${secrets.openrouter}`,
    `GOOGLE_KEY=${secrets.google}`,
    `GITHUB_TOKEN=${secrets.githubClassic}`,
    `SLACK_BOT=${secrets.slack}`,
    `AWS_ACCESS_KEY_ID=${secrets.awsAccessKeyId}`,
    `password=${secrets.password}`,
    `curl -H 'Authorization: Bearer ${secrets.jwt}' 'https://acme.blob.core.windows.net/c?sv=2024-11-04&sig=${secrets.sasSig}'`,
    `gateway ${secrets.vmGatewayToken} ready`,
  ].join("\n");
  // A path outside the workspace is refused, and the refusal is logged with the path: a secret
  // the agent was given lands in the gateway's file log that way.
  const refusedPath = `/oclog-planted/${[secrets.openaiLegacy, secrets.githubOauth, secrets.githubPat, secrets.awsSessionKeyId, secrets.anthropic, secrets.vmGatewayToken].join("/")}`;
  return {
    ...base,
    conversations: [
      ...base.conversations,
      {
        trigger: PLANT_TRIGGER,
        turns: [
          { kind: "tool_calls", calls: [{ id: "call_plant_write", name: "write", arguments: { path: "notes/credentials.env", content: `${env}\n${pem}\n` } }] },
          { kind: "tool_calls", calls: [{ id: "call_plant_exec", name: "exec", arguments: { command: "cat notes/credentials.env", title: "show the credentials file" } }] },
          { kind: "tool_calls", calls: [{ id: "call_plant_read", name: "read", arguments: { path: refusedPath } }] },
          { kind: "text", text: `Done. The key was ${secrets.openaiLegacy}.` },
        ],
      },
    ],
  };
}

async function runLive(release: OpenClawRelease): Promise<LiveRun> {
  const install = await ensureOpenClaw({ version: release.version });
  const token = randomBytes(32).toString("hex");
  const apiKey = `sk-oclog-${randomBytes(24).toString("hex")}`;
  const secrets = fakeSecrets();
  const literals = [token, apiKey];
  const workDir = mkdtempSync(join(tmpdir(), "oclog-live-"));
  process.once("exit", () => rmSync(workDir, { recursive: true, force: true }));
  const dirs = makeGatewayDirs(workDir);
  // A release before 2026.8 appends its config audit to a file in its state folder, which the pipeline tails.
  const rig = await ShippingRig.start({ gatewayLogs: dirname(dirs.logFile), literals, ...(release.stores.configAudit === "jsonl" ? { configAudit: join(dirs.stateDir, "logs", "config-audit.jsonl") } : {}) });
  rigs.push(rig);

  const journal = journalEntries(secrets, literals, Date.now());
  const bootId = randomUUID().replaceAll("-", "");
  // Some entries exist before the collector and the gateway start, the rest arrive while Fluent Bit runs.
  await writeJournal(rig.paths.journalDir, journal.entries.slice(0, journal.entries.length / 2), { name: "system", bootId });

  const collector = spawnOclog(
    ["collect", "--state-dir", dirs.stateDir, "--socket", rig.paths.forwardSocket, "--collector-state", join(workDir, "collector"), "--poll-ms", "250", "--redact-literals", join(rig.paths.etc, "redact-literals"), "--json"],
  );
  const collectorOut = collect(collector);
  collectorOut.catch(() => undefined); // awaited on success; a failed run reports its stderr instead
  let page: PageServer | undefined;
  let pageUrl = "";
  let model: ModelServer | undefined;
  let gateway: GatewayHandle | undefined;
  let gate: GateStand | undefined;
  const gateRequests: { path: string; status: number }[] = [];
  try {
    page = await startPageServer();
    pageUrl = page.url;
    model = await startModelServer(plantingScript(scenarioModelScript(page.url), secrets));
    gateway = await startGateway({ install, dirs, token, config: scenarioConfig({ model, workspace: dirs.workspace, logFile: dirs.logFile, apiKey, release }) });
    await runScenario({ install, gateway, model, page, release });
    gate = await GateStand.start({ accessLog: rig.paths.nginxAccessLog, upstreamAddress: `127.0.0.1:${gateway.port}`, gate: { cache_seconds: "0" } });
    gateRequests.push(...(await throughTheGate(gate, token)));
    const planted = await gateway.cli(agentTurnArgs(`${PLANT_TRIGGER} Set up the credentials file.`), { timeoutMs: 180_000 });
    if (planted.code !== 0) throw new Error(`the planting turn failed: exit ${planted.code}\n${planted.stderr.slice(-2000)}`);
    await writeJournal(rig.paths.journalDir, journal.entries.slice(journal.entries.length / 2), { name: "system", bootId });
    // A graceful stop flushes the audit ledger and checkpoints SQLite.
    await gateway.stop();
  } catch (error) {
    collector.kill("SIGKILL");
    throw withConsoleTail(error, gateway);
  } finally {
    await gate?.stop();
    await gateway?.stop();
    await model?.close();
    await page?.close();
  }

  const stores = await dumpOpenClawSqlite(install, dirs.stateDir);
  const storeIds = new Set([...expectedStoreIds(stores), ...sessionFileIds(dirs.stateDir, release)]);
  const trajectoryLines = new Set(trajectoryLineIdentities(dirs.stateDir, release));
  const gatewayLines = readFileSync(dirs.logFile, "utf8").split("\n").filter(Boolean);
  // Everything is in: every store row and every log line has arrived (or the deadline says what did not).
  let short = "";
  const shipped = await waitFor(`all ${storeIds.size} store rows and ${gatewayLines.length} log lines in blobs`, 120_000, async () => {
    const records = await rig.shipped();
    const ids = new Set(records.map(({ record }) => record.oclog_id));
    const lines = records.filter(({ record }) => record.oclog_source === "gateway").length;
    const requests = records.filter(({ record }) => record.oclog_source === "nginx").length;
    const shippedTrajectory = new Set(records.filter(({ record }) => record.oclog_source === "trajectory").map(({ record }) => trajectoryLineIdentity(String(record.oclog_path), record)));
    const missing = [...[...storeIds].filter((id) => !ids.has(id)), ...[...trajectoryLines].filter((line) => !shippedTrajectory.has(line))];
    short = `missing ${missing.length} store rows (${missing.slice(0, 5).join(", ")}), ${lines} of ${gatewayLines.length} log lines, ${requests} of ${gateRequests.length} requests`;
    return missing.length === 0 && lines >= gatewayLines.length && requests >= gateRequests.length ? records : undefined;
  }, 1_000).catch((error: Error) => {
    // What the collector said (an error it logged, what it read per store) is why; it prints its summary on SIGTERM.
    collector.kill("SIGTERM");
    throw new Error(`${error.message}: ${short}\n--- oclog collect (stderr, tail) ---\n${collectorOut.stderrTail()}`);
  });
  collector.kill("SIGTERM");
  const summary = await collectorOut;
  return {
    release,
    rig,
    gatewayLines,
    stores,
    storeIds: [...storeIds],
    trajectoryLines: [...trajectoryLines],
    journal,
    secrets,
    literals,
    // The page's real address (its port is this run's): the fetches' arguments name it.
    toolCalls: expectedToolCalls(pageUrl, release),
    gateRequests,
    collected: summary,
    shipped,
  };
}

/**
 * Requests through the gate to the live gateway, as a browser and a script make them: with a
 * valid SAS state (the gateway answers), one with the gateway token in the query string (which
 * must never reach the access log), and with an expired SAS (the gate answers 503).
 */
async function throughTheGate(gate: GateStand, token: string): Promise<{ path: string; status: number }[]> {
  const sent: { path: string; status: number }[] = [];
  const send = async (path: string, headers: Record<string, string>) => sent.push({ path: path.replace(/\?.*$/, ""), status: (await gate.get(path, { headers })).status });
  gate.writeState(sasState(3 * 24 * HOUR));
  await send("/health", API);
  await send(`/?token=${token}`, BROWSER);
  await send("/v1/models", { ...API, authorization: `Bearer ${token}` });
  gate.writeState(sasState(-HOUR));
  await send("/", BROWSER);
  return sent;
}

/** The `oclog_id` the collector gives each row of the dump (collected-record.ts). */
export function expectedStoreIds(stores: SqliteDump): string[] {
  return stores.rows.flatMap((dumped) => {
    if (dumped.table === "transcript_events") return [`${dumped.db}#${String(dumped.row.session_id)}/${String(dumped.row.seq)}`];
    if (dumped.kind === "audit") return [typeof dumped.row.event_id === "string" ? dumped.row.event_id : `${dumped.db}#${String(dumped.row.sequence)}`];
    if (dumped.kind === "config-audit") return [`${dumped.db}:config-audit#${String(dumped.row.event_key)}`];
    return [];
  });
}

/**
 * The `oclog_id` the collector gives each whole line of a release's session files (the file and
 * the line's byte offset, collected-record.ts); none for a release that keeps sessions in SQLite.
 */
export function sessionFileIds(stateDir: string, release: OpenClawRelease): string[] {
  return sessionFiles(stateDir, release).filter((f) => !f.trajectory).flatMap(({ name, lines }) => {
    let offset = 0;
    return lines.map((line) => {
      const id = `${name}#${offset}`;
      offset += Buffer.byteLength(line) + 1;
      return id;
    });
  });
}

/**
 * What identifies a trajectory line whatever its offset (2026.7 rewrites the file as a window
 * sorted by `ts`, so the collector gives a line sorted in before its cursor its key as id): its
 * file, source, type, sequence numbers and time, none of which redaction touches.
 */
export function trajectoryLineIdentity(path: string, record: Record<string, unknown>): string {
  return [path, record.source, record.type, record.seq, record.sourceSeq, record.ts].map(String).join("|");
}

/** The identity of every line of the trajectory files a release before 2026.8 wrote. */
export function trajectoryLineIdentities(stateDir: string, release: OpenClawRelease): string[] {
  return sessionFiles(stateDir, release).filter((f) => f.trajectory).flatMap(({ name, lines }) => lines.map((line) => trajectoryLineIdentity(name, JSON.parse(line) as Record<string, unknown>)));
}

/** The session files of a release that keeps them (before 2026.8), their names as the collector gives them, and their whole lines. */
function sessionFiles(stateDir: string, release: OpenClawRelease): { name: string; trajectory: boolean; lines: string[] }[] {
  if (release.stores.transcripts !== "jsonl") return [];
  const agents = join(stateDir, "agents");
  return (existsSync(agents) ? readdirSync(agents) : []).flatMap((agent) => {
    const sessions = join(agents, agent, "sessions");
    return (existsSync(sessions) ? readdirSync(sessions).filter((f) => f.endsWith(".jsonl")) : []).map((file) => ({
      name: `agents/${agent}/sessions/${file}`,
      trajectory: file.endsWith(".trajectory.jsonl"),
      lines: readFileSync(join(sessions, file), "utf8").split("\n").slice(0, -1),
    }));
  });
}

/** The collector's JSON summary (stdout) once it has exited. */
/** The collector's summary once it exits; `stderrTail()` is what it logged last, for a failure's message. */
function collect(child: ChildProcess): Promise<LiveRun["collected"]> & { stderrTail: () => string } {
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (s: string) => (stdout += s));
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (stderr = (stderr + s).slice(-4000)));
  const summary = new Promise<LiveRun["collected"]>((resolve, reject) =>
    child.once("exit", (code) => {
      try {
        resolve(JSON.parse(stdout.trim().split("\n").at(-1)!) as LiveRun["collected"]);
      } catch {
        reject(new Error(`oclog collect exited ${code} without its summary: ${stderr}`));
      }
    }),
  );
  return Object.assign(summary, { stderrTail: () => stderr });
}
