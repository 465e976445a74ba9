/**
 * Runs one scenario through a real OpenClaw gateway of a release of the matrix (the foundation
 * harness: test/openclaw/, its differences per release in releases.ts) and
 * ships what it wrote through the VM's real pipeline (ship.ts: real Fluent Bit on the shipping
 * rig): every gateway file-log line, and every record the real `oclog collect` reads from the
 * gateway's SQLite stores (transcripts, audit ledger, config audit), scrubbed of machine paths,
 * ports and secrets on the way in. The scripted model plays the compromised or misused agent;
 * tools run for real (sandbox off: no container engine here).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { Collector } from "@oclog/collect";
import { scrubSpec } from "../openclaw/capture.js";
import { makeGatewayDirs, startGateway, type GatewayHandle, type OpenClawConfig, withConsoleTail } from "../openclaw/gateway.js";
import { ensureOpenClaw, OPENCLAW_VERSION, type OpenClawInstall } from "../openclaw/install.js";
import { startModelServer, type ModelScript, type ModelServer } from "../openclaw/model-server.js";
import { releaseOf, withoutPaths, type OpenClawRelease } from "../openclaw/releases.js";
import { makeScrubber } from "../openclaw/scrub.js";
import { agentTurnArgs, probeWrongToken, scenarioConfig, waitForLog } from "../openclaw/scenario.js";
import { deepMerge, hostsFileFor, startFakeInternet, type FakeInternet } from "./fake-internet.js";
import type { Scenario } from "./scenario-spec.js";
import { scenarioHost, scenarioUser } from "./score.js";
import { ScenarioShipping, type ShippedBlob, type Silence } from "./ship.js";

export interface ScenarioCapture {
  /** The blobs real Fluent Bit uploaded for the run, names and lines as it wrote them. */
  blobs: ShippedBlob[];
  /** Fluent Bit's `[warn]`/`[error]` lines while it shipped the run, made generic and counted. */
  fluentBitProblems: Map<string, number>;
  /** Secrets of the run, in memory only, for tests that prove they leaked nowhere. */
  secrets: string[];
  /** How long the gateway took to be ready, and the shipping after it stopped (collector, Fluent Bit, blobs), in ms. */
  timings: { gatewayStart: number; shipping: number };
  /** What the fake internet received (exfiltrated bodies, fetched pages). */
  internetRequests: { method: string; url: string; body: string }[];
  durationMs: number;
}

const triggerOf = (scenario: string, step: number) => `[oclog-scenario:${scenario}:${step}]`;

/** `{home}`, `{state}` and `{workspace}` in a scenario's strings become the instance's directories. */
export type Placeholders = { home: string; state: string; workspace: string };
function expand<T>(value: T, dirs: Placeholders): T {
  if (typeof value === "string") return value.replace(/\{(home|state|workspace)\}/g, (_, key: keyof Placeholders) => dirs[key]) as T;
  if (Array.isArray(value)) return value.map((v) => expand(v, dirs)) as T;
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expand(v, dirs)])) as T;
  return value;
}

/** The model's script: one conversation per agent step, one tool call per assistant turn. */
export function scenarioScript(scenario: Scenario): ModelScript {
  return {
    conversations: scenario.steps.flatMap((step, i) =>
      "agent" in step
        ? [{
            trigger: triggerOf(scenario.name, i),
            turns: [
              ...step.calls.map((call, n) => ({ kind: "tool_calls" as const, calls: [{ id: `call_${scenario.name.replace(/-/g, "_")}_${i}_${n}`, name: call.name, arguments: call.arguments }] })),
              { kind: "text" as const, text: step.reply ?? "Done." },
            ],
          }]
        : [],
    ),
    fallbackText: "ok",
  };
}

function writeScenarioFiles(scenario: Scenario, dirs: { home: string; workspace: string }): void {
  for (const [name, content] of Object.entries(scenario.files)) {
    const path = name.startsWith("~/") ? join(dirs.home, name.slice(2)) : join(dirs.workspace, name.slice("workspace/".length));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content, { mode: 0o600 });
  }
}

async function runStep(scenario: Scenario, index: number, gateway: GatewayHandle, install: OpenClawInstall, silences: Silence[]): Promise<void> {
  const step = scenario.steps[index]!;
  if ("agent" in step) {
    const cli = await gateway.cli(agentTurnArgs(`${triggerOf(scenario.name, index)} ${step.agent}`), { timeoutMs: 180_000 });
    if (cli.code !== 0) throw new Error(`${scenario.name} step ${index}: openclaw agent exited ${cli.code}\n${cli.stderr.slice(-2000)}`);
  } else if ("openclaw" in step) {
    const before = existsSync(gateway.dirs.logFile) ? readFileSync(gateway.dirs.logFile, "utf8").length : 0;
    const cli = await gateway.cli(step.openclaw, { timeoutMs: 90_000 });
    if (cli.code !== 0) throw new Error(`${scenario.name} step ${index}: openclaw ${step.openclaw.join(" ")} exited ${cli.code}\n${cli.stderr.slice(-2000)}\n${cli.stdout.slice(-1000)}`);
    if (step.waitForLog !== undefined) {
      const wanted = step.waitForLog;
      const seen = await waitForLog(gateway.dirs.logFile, (text) => text.slice(before).includes(wanted), 30_000);
      if (!seen) throw new Error(`${scenario.name} step ${index}: no gateway log line with ${JSON.stringify(wanted)} within 30 s`);
    }
  } else if ("wrongToken" in step) {
    const before = existsSync(gateway.dirs.logFile) ? readFileSync(gateway.dirs.logFile, "utf8").split("unauthorized conn=").length - 1 : 0;
    for (let n = 0; n < step.wrongToken; n++) await probeWrongToken(install, gateway.wsUrl);
    const seen = await waitForLog(gateway.dirs.logFile, (text) => text.split("unauthorized conn=").length - 1 >= before + step.wrongToken, 30_000);
    if (!seen) throw new Error(`${scenario.name} step ${index}: the gateway did not log ${step.wrongToken} refused connections`);
  } else if ("pairDevice" in step) {
    const { pairUnexpectedDevice } = await import("./device-pairing.js");
    await pairUnexpectedDevice(gateway, install);
  } else {
    silences.push({ fromMs: Date.now(), minutes: step.silenceMinutes });
  }
}

/** Runs `start` when no other start of this kind runs (the default runs it at once). */
export type StartTurns = <T>(start: () => Promise<T>) => Promise<T>;

/**
 * Turns for the CPU-heavy starts of scenarios that run side by side: a gateway's start has a
 * deadline, and another scenario's rig starting at the same time (Azurite, Fluent Bit, the SAS
 * installer) on a 2-core machine already busy with other work pushed one past it.
 */
export function startTurns(): StartTurns {
  let last: Promise<unknown> = Promise.resolve();
  return (start) => {
    const turn = last.then(start, start);
    last = turn.catch(() => undefined);
    return turn;
  };
}

/** Runs the scenario against a fresh gateway of `release` (default: the VM's) and ships what it wrote through the VM's pipeline. */
export async function captureScenario(scenario: Scenario, options: { keepWorkDir?: boolean; turns?: StartTurns; release?: string } = {}): Promise<ScenarioCapture> {
  const turns: StartTurns = options.turns ?? ((start) => start());
  const started = Date.now();
  const release: OpenClawRelease = releaseOf(options.release ?? OPENCLAW_VERSION);
  const install = await ensureOpenClaw({ version: release.version });
  const token = randomBytes(32).toString("hex");
  const apiKey = `sk-oclog-${randomBytes(24).toString("hex")}`;
  const workDir = mkdtempSync(join(tmpdir(), `oclog-scenario-${scenario.name}-`));
  const dirs = makeGatewayDirs(workDir);
  let shippingStarts: Promise<ScenarioShipping> | undefined;
  let shipping: ScenarioShipping | undefined;
  scenario = expand(scenario, { home: dirs.home, state: dirs.stateDir, workspace: dirs.workspace });
  writeScenarioFiles(scenario, dirs);
  const silences: Silence[] = [];
  let internet: FakeInternet | undefined;
  let model: ModelServer | undefined;
  let gateway: GatewayHandle | undefined;
  try {
    internet = Object.keys(scenario.pages).length > 0
      ? await startFakeInternet(Object.fromEntries(Object.entries(scenario.pages).map(([url, body]) => [url, { body }])))
      : undefined;
    model = await startModelServer(scenarioScript(scenario));
    const base = scenarioConfig({ model, workspace: dirs.workspace, logFile: dirs.logFile, apiKey, release });
    // What the release's schema lacks goes from the scenario's own config too (it would refuse to start).
    const config = withoutPaths(deepMerge(deepMerge(base, scenario.config), (internet?.gatewayConfigPatch ?? {}) as OpenClawConfig), release.missingConfig);
    const gatewayStarting = Date.now();
    // A release that resolves web_fetch's host itself (2026.6) finds the fake internet's names in its own hosts file.
    const hostsFile = join(workDir, "hosts");
    if (internet && release.webFetchResolvesDns) writeFileSync(hostsFile, hostsFileFor(Object.keys(scenario.pages), readFileSync("/etc/hosts", "utf8")));
    gateway = await turns(() => startGateway({ install, dirs, token, config, ...(internet ? { extraEnv: internet.gatewayEnv } : {}), ...(internet && release.webFetchResolvesDns ? { hostsFile } : {}) }));
    const gatewayStart = Date.now() - gatewayStarting;
    if (release.firstCliCommand !== undefined) {
      const first = await gateway.cli([...release.firstCliCommand], { timeoutMs: 90_000 });
      if (first.code !== 0) throw new Error(`${scenario.name}: the release's first CLI command (openclaw ${release.firstCliCommand.join(" ")}) exited ${first.code}\n${first.stderr.slice(-2000)}`);
    }
    // The rig starts while the agent runs (its Azurite, Fluent Bit and first SAS take seconds),
    // not during the gateway's start, which has a deadline and most of the CPU then. Its
    // redact.lua knows the run's secrets, as a VM's knows its gateway token.
    shippingStarts = turns(() => ScenarioShipping.start({ user: scenarioUser(scenario), host: scenarioHost(scenario), literals: [token, apiKey], logName: basename(dirs.logFile) }));
    shippingStarts.catch(() => {}); // awaited below; a failed start must not be an unhandled rejection meanwhile
    for (let i = 0; i < scenario.steps.length; i++) await runStep(scenario, i, gateway, install, silences);
    // A graceful stop flushes the audit ledger and checkpoints SQLite before the collector reads it.
    await gateway.stop();
    const shippingFrom = Date.now();

    const spec = scrubSpec({ install, dirs, token, apiKey, ports: { gateway: gateway.port, model: model.port, page: internet ? Number(new URL(internet.proxyUrl).port) : 0 } });
    // Without a fake internet there is no page port; a rule for port 0 would rewrite every "0".
    const scrubber = makeScrubber({ ...spec, ports: (spec.ports ?? []).filter((p) => p.from > 0) });
    shipping = await shippingStarts;
    const logText = existsSync(dirs.logFile) ? readFileSync(dirs.logFile, "utf8") : "";
    shipping.writeGatewayLog(logText.split("\n").filter(Boolean).map((line) => scrubber.jsonLine(line)), silences);
    // Before 2026.8 the config audit is a file the pipeline tails (the collector reads it from SQLite after).
    const configAudit = join(dirs.stateDir, "logs", "config-audit.jsonl");
    if (release.stores.configAudit === "jsonl" && existsSync(configAudit)) shipping.writeConfigAudit(readFileSync(configAudit, "utf8").split("\n").filter(Boolean).map((line) => scrubber.jsonLine(line)), silences);
    const collector = new Collector({ stateDir: dirs.stateDir, workDir: join(workDir, "collector"), sender: shipping.sender((record) => scrubber.value(record), silences), redactionLiterals: [token, apiKey] });
    try {
      const cycle = await collector.cycle();
      if (cycle.pending !== 0) throw new Error(`${scenario.name}: the collector left ${cycle.pending} record(s) unsent: ${cycle.sendError ?? ""}`);
    } finally {
      collector.close();
    }
    const blobs = await shipping.blobs();
    return {
      blobs,
      fluentBitProblems: shipping.problems(),
      timings: { gatewayStart, shipping: Date.now() - shippingFrom },
      secrets: [token, apiKey],
      internetRequests: (internet?.requests ?? []).map((r) => ({ method: r.method, url: r.url, body: r.body })),
      durationMs: Date.now() - started,
    };
  } catch (error) {
    throw withConsoleTail(error, gateway);
  } finally {
    await gateway?.stop();
    await model?.close();
    await internet?.close();
    await (shipping ?? (await shippingStarts?.catch(() => undefined)))?.close();
    if (!options.keepWorkDir) rmSync(workDir, { recursive: true, force: true });
  }
}
