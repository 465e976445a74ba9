// The scripted scenario: what the fake model asks a real OpenClaw agent to do.
//
// Tool names and argument shapes are OpenClaw 2026.9.6's own: they were read
// from the `tools` array OpenClaw sends in its chat-completions requests (see
// model-server.ts `offeredTools()`), not guessed.
//
// Two agent turns go through the real gateway with `openclaw agent`:
//   1. MAIN: exec ok, write, read, read /etc/passwd (refused: outside the
//      workspace), exec that exits non-zero, web_fetch of a loopback page
//      (refused by the SSRF guard).
//   2. After `openclaw config set tools.web.fetch.ssrfPolicy.allowedHostnames`
//      (the real allowlist key from `openclaw config schema`) the gateway hot-
//      reloads its config and the same web_fetch succeeds.
// Then a raw WebSocket client connects with a wrong token (auth failure).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { GATEWAY_TOKEN_ENV, type CliResult, type GatewayHandle, type OpenClawConfig } from "./gateway.js";
import type { OpenClawInstall } from "./install.js";
import type { ModelScript, ModelServer } from "./model-server.js";
import { releaseOf, withoutPaths, type OpenClawRelease } from "./releases.js";
import { OPENCLAW_VERSION } from "./install.js";

/** What a scripted tool call is expected to end in. */
export type ExpectedOutcome = "ok" | "error" | "blocked";

/** One tool call the scripted model makes, with its expected outcome. */
export interface ExpectedToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
  expectedOutcome: ExpectedOutcome;
  // Which agent turn (trigger) makes the call.
  run: "main" | "fetch-allowed";
  why: string;
}

/** Markers in the user messages; the model server keys its script on them. */
export const TRIGGERS = {
  main: "[oclog-scenario:main]",
  fetchAllowed: "[oclog-scenario:fetch-allowed]",
} as const;

/** Workspace-relative file the scenario writes then reads back. */
export const SCENARIO_FILE = "notes/oclog-harness.txt";
export const SCENARIO_FILE_CONTENT = "written by the oclog harness\n";
/** Text the local page serves; its presence in a tool result proves web_fetch worked. */
export const PAGE_MARKER = "oclog-local-page-7f3a";
/** A deliberately wrong gateway token (not a secret) for the WebSocket probe. */
export const WRONG_TOKEN = "oclog-wrong-token-not-a-secret";

/** The scripted tool calls, in order. pageUrl is the local page web_fetch targets; `release` decides the second fetch's outcome. */
export function expectedToolCalls(pageUrl: string, release: OpenClawRelease = releaseOf(OPENCLAW_VERSION)): ExpectedToolCall[] {
  const change = release.fetchChange;
  return [
    {
      id: "call_exec_ok",
      name: "exec",
      arguments: { command: "echo oclog-harness", title: "print a marker" },
      expectedOutcome: "ok",
      run: "main",
      why: "harmless shell command on the gateway host (sandbox off)",
    },
    {
      id: "call_write_ok",
      name: "write",
      arguments: { path: SCENARIO_FILE, content: SCENARIO_FILE_CONTENT },
      expectedOutcome: "ok",
      run: "main",
      why: "write inside the workspace",
    },
    {
      id: "call_read_ok",
      name: "read",
      arguments: { path: SCENARIO_FILE },
      expectedOutcome: "ok",
      run: "main",
      why: "read the file back",
    },
    {
      id: "call_read_passwd",
      name: "read",
      arguments: { path: "/etc/passwd" },
      expectedOutcome: "blocked",
      run: "main",
      why: "path escapes the workspace; refused because tools.fs.workspaceOnly=true",
    },
    {
      id: "call_exec_fail",
      name: "exec",
      arguments: { command: "ls /oclog-does-not-exist", title: "list a missing path" },
      expectedOutcome: "error",
      run: "main",
      why: "command exits non-zero",
    },
    {
      id: "call_web_fetch_blocked",
      name: "web_fetch",
      arguments: { url: pageUrl },
      expectedOutcome: "blocked",
      run: "main",
      why: "loopback target refused by the web_fetch SSRF guard (default policy)",
    },
    {
      id: "call_web_fetch_allowed",
      name: "web_fetch",
      arguments: { url: pageUrl },
      expectedOutcome: change.unblocksLoopback ? "ok" : "blocked",
      run: "fetch-allowed",
      why: change.unblocksLoopback
        ? `same URL after ${change.key}=${JSON.stringify(change.value)}`
        : `same URL after ${change.key}=${JSON.stringify(change.value)}: OpenClaw ${release.version} has no hostname allowlist for web_fetch, so loopback stays refused`,
    },
  ];
}

/** The model script that plays the expected tool calls, one call per assistant turn. */
export function scenarioModelScript(pageUrl: string): ModelScript {
  // Only the calls' ids, names and arguments are scripted: the same for every release.
  const calls = expectedToolCalls(pageUrl);
  const turnsFor = (run: ExpectedToolCall["run"], finalText: string): ModelScript["conversations"][number]["turns"] => [
    ...calls
      .filter((c) => c.run === run)
      .map((c) => ({ kind: "tool_calls" as const, calls: [{ id: c.id, name: c.name, arguments: c.arguments }] })),
    { kind: "text", text: finalText },
  ];
  return {
    conversations: [
      { trigger: TRIGGERS.main, turns: turnsFor("main", "oclog scenario main run finished") },
      { trigger: TRIGGERS.fetchAllowed, turns: turnsFor("fetch-allowed", "oclog scenario fetch-allowed run finished") },
    ],
    fallbackText: "ok",
  };
}

/** OpenClaw config for the scenario, pointing the default agent at the scripted model; keys `release` lacks are left out. */
export function scenarioConfig(opts: { model: ModelServer; workspace: string; logFile: string; apiKey: string; release?: OpenClawRelease }): OpenClawConfig {
  const providerId = "oclog";
  const config: OpenClawConfig = {
    logging: { level: "trace", file: opts.logFile },
    update: { checkOnStart: false },
    discovery: { mdns: { mode: "off" } },
    gateway: {
      mode: "local",
      bind: "loopback",
      // SecretRef to the environment: the token is never in argv or on disk.
      auth: { mode: "token", token: { source: "env", provider: "default", id: GATEWAY_TOKEN_ENV } },
    },
    models: {
      // The gateway otherwise fetches a remote model catalog at start (no
      // internet here; it would only log a DNS failure).
      catalogRefresh: { enabled: false },
      providers: {
        [providerId]: {
          baseUrl: opts.model.baseUrl,
          apiKey: opts.apiKey,
          api: "openai-completions",
          models: [{ id: opts.model.modelId, name: "oclog scripted model", contextWindow: 200000, maxTokens: 4096 }],
        },
      },
    },
    agents: {
      defaults: {
        model: { primary: `${providerId}/${opts.model.modelId}` },
        workspace: opts.workspace,
        // No container engine here; with the sandbox on, runs fail closed.
        sandbox: { mode: "off" },
      },
    },
    tools: {
      // Default is false (fs tools may read anywhere); the refused
      // /etc/passwd read needs the workspace restriction on.
      fs: { workspaceOnly: true },
      // Tool Search (default) hides web_fetch behind tool_search/tool_call;
      // off, every tool is offered by its own name.
      toolSearch: false,
    },
  };
  return withoutPaths(config, (opts.release ?? releaseOf(OPENCLAW_VERSION)).missingConfig);
}

/** A tiny local page for web_fetch to fetch. */
export interface PageServer {
  url: string;
  hits: number;
  close(): Promise<void>;
}

/** Serves one HTML page on 127.0.0.1 (free port). */
export async function startPageServer(): Promise<PageServer> {
  const state = { hits: 0 };
  const server: Server = createServer((req, res) => {
    state.hits++;
    const html = `<!doctype html><html><head><title>oclog page</title></head><body><main><h1>oclog harness</h1><p>${PAGE_MARKER}: a page served on loopback for the web_fetch SSRF check.</p></main></body></html>`;
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(html) });
    res.end(req.method === "HEAD" ? undefined : html);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/oclog-page.html`,
    get hits() {
      return state.hits;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// Runs in the Node 24 child (global WebSocket); the wrong token comes in via env.
const WS_PROBE_SCRIPT = `
const url = process.env.OCLOG_WS_URL;
const token = process.env.OCLOG_WS_TOKEN;
const out = { url, events: [], closed: null };
const ws = new WebSocket(url);
const done = (why) => { out.end = why; process.stdout.write(JSON.stringify(out)); process.exit(0); };
setTimeout(() => done("timeout"), 15000);
// The gateway opens with a connect.challenge event; answer it like a client.
const sendConnect = () => {
  ws.send(JSON.stringify({ type: "req", id: "oclog-probe-1", method: "connect", params: {
    minProtocol: 3, maxProtocol: 4,
    client: { id: "cli", version: "oclog-probe", platform: "linux", mode: "cli", instanceId: "oclog-ws-probe" },
    role: "operator", scopes: ["operator.read"], auth: { token } } }));
};
ws.addEventListener("message", (ev) => {
  let msg; try { msg = JSON.parse(String(ev.data)); } catch { msg = String(ev.data); }
  out.events.push(msg);
  if (msg && msg.event === "connect.challenge") sendConnect();
});
ws.addEventListener("close", (ev) => { out.closed = { code: ev.code, reason: ev.reason }; done("closed"); });
ws.addEventListener("error", () => {});
`;

/** What the wrong-token WebSocket client saw. */
export interface WsProbeResult {
  url: string;
  events: unknown[];
  closed: { code: number; reason: string } | null;
  end: string;
}

/** Connects to the gateway WebSocket with a wrong token (gateway should refuse and log it). */
export function probeWrongToken(install: OpenClawInstall, wsUrl: string): Promise<WsProbeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(install.nodeBin, ["--input-type=module", "-e", WS_PROBE_SCRIPT], {
      env: { PATH: process.env.PATH ?? "", OCLOG_WS_URL: wsUrl, OCLOG_WS_TOKEN: WRONG_TOKEN },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString("utf8")));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
    child.once("error", reject);
    child.once("close", () => {
      try {
        resolve(JSON.parse(stdout) as WsProbeResult);
      } catch {
        reject(new Error(`ws probe produced no result: ${stdout} ${stderr}`));
      }
    });
  });
}

/** Everything the scenario did, for the manifest and for debugging. */
export interface ScenarioResult {
  runs: Array<{ name: string; cli: CliResult; json: unknown }>;
  configSet: CliResult;
  wsProbe: WsProbeResult;
  offeredTools: string[];
  // JSON schemas OpenClaw sent for the tools the scenario calls.
  toolSchemas: Record<string, unknown>;
  // Scripted id -> the id OpenClaw echoed back to the model in later requests.
  providerToolCallIds: Record<string, string>;
  pageHits: number;
  notes: string[];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** The `openclaw agent` arguments of one turn, the same on every release of the matrix. */
export function agentTurnArgs(message: string): string[] {
  // `--agent main`: releases before 2026.9 refuse a turn that names no agent, session or recipient.
  return ["agent", "--agent", "main", "--message", message, "--json", "--timeout", "120"];
}

async function agentTurn(gateway: GatewayHandle, name: string, message: string): Promise<{ name: string; cli: CliResult; json: unknown }> {
  const cli = await gateway.cli(agentTurnArgs(message), { timeoutMs: 180_000 });
  if (cli.code !== 0) {
    throw new Error(`openclaw agent (${name}) failed: exit ${cli.code}\n${cli.stderr.slice(-3000)}\n${cli.stdout.slice(-3000)}`);
  }
  return { name, cli, json: parseJson(cli.stdout) };
}

/** Waits until predicate(logText) holds, polling the gateway file log with a deadline. */
export async function waitForLog(logFile: string, predicate: (text: string) => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    let text = "";
    try {
      text = readFileSync(logFile, "utf8");
    } catch {
      // Not created yet.
    }
    if (predicate(text)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/** Runs the whole scenario against a started gateway. */
export async function runScenario(ctx: {
  install: OpenClawInstall;
  gateway: GatewayHandle;
  model: ModelServer;
  page: PageServer;
  release?: OpenClawRelease;
}): Promise<ScenarioResult> {
  const { gateway, model, page } = ctx;
  const release = ctx.release ?? releaseOf(OPENCLAW_VERSION);
  const notes: string[] = [];
  const runs = [];

  runs.push(await agentTurn(gateway, "main", `${TRIGGERS.main} Run the oclog harness checks.`));
  const hitsAfterMain = page.hits;
  if (hitsAfterMain !== 0) notes.push(`local page was hit ${hitsAfterMain} time(s) during the main run although web_fetch should be blocked`);

  const configSet = await gateway.cli(["config", "set", release.fetchChange.key, JSON.stringify(release.fetchChange.value), "--strict-json"], { timeoutMs: 60_000 });
  if (configSet.code !== 0) throw new Error(`openclaw config set failed: ${configSet.stderr}\n${configSet.stdout}`);
  // Hot reload is asynchronous: wait for the gateway to report it applied.
  const reloaded = await waitForLog(gateway.dirs.logFile, (t) => t.includes(release.reloadLogText), 30_000);
  if (!reloaded) notes.push(`no '${release.reloadLogText}' gateway log line within 30 s after config set; ran the second turn anyway`);

  runs.push(await agentTurn(gateway, "fetch-allowed", `${TRIGGERS.fetchAllowed} Fetch the local page again.`));
  const wsProbe = await probeWrongToken(ctx.install, gateway.wsUrl);
  await waitForLog(gateway.dirs.logFile, (t) => t.includes("unauthorized conn="), 10_000);

  const expected = expectedToolCalls(page.url, release);
  return {
    runs,
    configSet,
    wsProbe,
    offeredTools: model.offeredTools(),
    toolSchemas: toolSchemasFrom(model, new Set(expected.map((c) => c.name))),
    providerToolCallIds: echoedToolCallIds(model, expected),
    pageHits: page.hits,
    notes,
  };
}

interface RequestBody {
  tools?: Array<{ function?: { name?: string; parameters?: unknown; description?: string } }>;
  messages?: Array<{ role?: string; tool_calls?: Array<{ id?: string; function?: { name?: string } }> }>;
}

function toolSchemasFrom(model: ModelServer, names: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of model.requests) {
    for (const t of (r.body as RequestBody | null)?.tools ?? []) {
      const name = t.function?.name;
      if (name && names.has(name) && !(name in out)) out[name] = { description: t.function?.description, parameters: t.function?.parameters };
    }
  }
  return out;
}

// The model never sees our ids again except as OpenClaw replays them in the
// conversation; pair them with the script by order of first appearance.
function echoedToolCallIds(model: ModelServer, expected: ExpectedToolCall[]): Record<string, string> {
  const seen: string[] = [];
  for (const r of model.requests) {
    for (const m of (r.body as RequestBody | null)?.messages ?? []) {
      for (const tc of m.role === "assistant" ? (m.tool_calls ?? []) : []) {
        if (tc.id && !seen.includes(tc.id)) seen.push(tc.id);
      }
    }
  }
  const out: Record<string, string> = {};
  expected.forEach((c, i) => {
    const echoed = seen[i];
    if (echoed !== undefined) out[c.id] = echoed;
  });
  return out;
}
