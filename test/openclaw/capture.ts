// Runs a real OpenClaw gateway through the scripted scenario and collects what
// it wrote, so oclog's log schemas are grounded in real output.
//
//   node --import tsx test/openclaw/capture.ts [--out DIR] [--no-scrub] [--keep-work-dir]
//
// writes (default DIR: test/fixtures/openclaw-<version>/, scrubbed):
//   gateway.log          the gateway file log (logging.file), tslog JSON lines
//   transcripts.jsonl    transcript entries, decoded (zstd) from transcript_events
//                        (agents/<agent>/agent/openclaw-agent.sqlite), one per line
//   trajectory-runtime.jsonl  runtime trajectory events from trajectory_runtime_events
//   sqlite-event-rows.jsonl   the raw rows of both tables (columns + decoded event), for
//                        readers of the SQLite stores
//   trajectory.jsonl     events.jsonl of `openclaw sessions export-trajectory`
//   audit-ledger.jsonl   rows of audit_events (state/openclaw.sqlite)
//   config-audit.jsonl   config audit records: payload_json of diagnostic_events rows with
//                        scope 'config-audit' (same db), the legacy config-audit.jsonl format
//   security-audit.json  `openclaw security audit --json`
//   config-validate.json `openclaw config validate --json`
//   scenario.json        the scripted tool calls and their expected outcomes
//   manifest.json        versions, file list with line counts, notes
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, hostname, release, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { makeGatewayDirs, startGateway, type CliResult, type GatewayDirs, type GatewayHandle } from "./gateway.js";
import { ensureOpenClaw, OPENCLAW_VERSION, type OpenClawInstall } from "./install.js";
import { startModelServer, type ModelServer } from "./model-server.js";
import { makeScrubber, type ScrubSpec, type Scrubber } from "./scrub.js";
import { createHash } from "node:crypto";
import { observedToolCalls, type TranscriptLine } from "./outcomes.js";
import { dumpOpenClawSqlite, type TableInventory } from "./sqlite-dump.js";
import { releaseOf, type OpenClawRelease } from "./releases.js";
import {
  expectedToolCalls,
  runScenario,
  scenarioConfig,
  scenarioModelScript,
  startPageServer,
  TRIGGERS,
  type ExpectedToolCall,
  type PageServer,
  type ScenarioResult,
} from "./scenario.js";

/** Options for captureOpenClaw. */
export interface CaptureOptions {
  outDir: string;
  scrub: boolean;
  version?: string;
  // Keep the OpenClaw instance directory (state, SQLite, workspace) for debugging.
  keepWorkDir?: boolean;
  // Copy the real databases the collector reads (agents/*/agent/openclaw-agent.sqlite,
  // state/openclaw.sqlite, with their -wal/-shm) here, in the state directory's layout.
  copyStateTo?: string;
}

/** A captured file and its size. */
export interface CapturedFile {
  name: string;
  lines: number;
  bytes: number;
}

/** What a capture produced. */
export interface CaptureResult {
  outDir: string;
  files: CapturedFile[];
  manifest: Manifest;
  expected: ExpectedToolCall[];
  // Only in memory, never written: lets tests prove they leaked nowhere.
  secrets: { gatewayToken: string; modelApiKey: string };
  workDir: string | null;
  durationMs: number;
}

/** manifest.json. */
export interface Manifest {
  openclawVersion: string;
  nodeVersion: string;
  harnessNodeVersion: string;
  capturedAt: string;
  durationMs: number;
  scrubbed: boolean;
  placeholders: Record<string, string>;
  files: CapturedFile[];
  offeredTools: string[];
  toolSchemas: Record<string, unknown>;
  // Per scripted call: what the transcript, the audit ledger and the provider requests showed.
  observations: ToolCallObservation[];
  runs: Array<{ name: string; runId: unknown; sessionId: unknown; status: unknown; durationMs: number }>;
  wsProbe: { closed: unknown; end: string };
  locations: Record<string, string>;
  timingsMs: Record<string, number>;
  // Every table of every OpenClaw database (columns and row counts only).
  sqliteTables: Array<Omit<TableInventory, "sql">>;
  // CREATE TABLE text of the tables the capture dumps.
  sqliteSchemas: Record<string, string>;
  notes: string[];
}

/** What one scripted tool call turned into across OpenClaw's records. */
export interface ToolCallObservation {
  id: string;
  name: string;
  expectedOutcome: string;
  observedOutcome: string;
  transcript: { isError: boolean | null; detailsStatus: unknown; exitCode: unknown };
  audit: { status: unknown; error_code: unknown; tool_call_id: string } | null;
  idSentBackToModel: string | null;
}

/** Placeholders scrubbed paths are mapped to (an ordinary OpenClaw layout). */
export const PLACEHOLDERS = {
  home: "/home/oclog",
  stateDir: "/home/oclog/.openclaw",
  workspace: "/home/oclog/.openclaw/workspace",
  logDir: "/tmp/openclaw",
  tmp: "/tmp/oclog-tmp",
  workRoot: "/home/oclog/oclog-run",
  install: `/opt/oclog/openclaw-${OPENCLAW_VERSION}`,
  repo: "/home/oclog/oclog",
  realHome: "/home/oclog-user",
  hostname: "oclog-host",
  kernel: "0.0.0-oclog",
  secret: "<REDACTED>",
  gatewayPort: "18789",
  modelPort: "18801",
  pagePort: "18802",
} as const;

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Default fixture directory for a version. */
export function defaultFixtureDir(version = OPENCLAW_VERSION): string {
  return join(REPO_ROOT, "test", "fixtures", `openclaw-${version}`);
}

export function scrubSpec(p: {
  install: OpenClawInstall;
  dirs: GatewayDirs;
  token: string;
  apiKey: string;
  ports: { gateway: number; model: number; page: number };
}): ScrubSpec {
  return {
    paths: [
      { from: p.dirs.workspace, to: PLACEHOLDERS.workspace },
      { from: p.dirs.stateDir, to: PLACEHOLDERS.stateDir },
      { from: dirname(p.dirs.logFile), to: PLACEHOLDERS.logDir },
      { from: p.dirs.tmp, to: PLACEHOLDERS.tmp },
      { from: p.dirs.home, to: PLACEHOLDERS.home },
      { from: p.dirs.root, to: PLACEHOLDERS.workRoot },
      // The install's own version: a capture of another release must not claim 2026.9.6's path.
      { from: p.install.cacheDir, to: PLACEHOLDERS.install.replace(OPENCLAW_VERSION, p.install.version) },
      { from: REPO_ROOT, to: PLACEHOLDERS.repo },
      { from: homedir(), to: PLACEHOLDERS.realHome },
    ],
    secrets: [p.token, p.apiKey],
    hostname: hostname(),
    hostnameTo: PLACEHOLDERS.hostname,
    literals: [{ from: release(), to: PLACEHOLDERS.kernel }],
    ports: [
      { from: p.ports.gateway, to: Number(PLACEHOLDERS.gatewayPort) },
      { from: p.ports.model, to: Number(PLACEHOLDERS.modelPort) },
      { from: p.ports.page, to: Number(PLACEHOLDERS.pagePort) },
    ],
  };
}

function parseJsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

// CLI JSON output may be preceded by log lines; take the outermost JSON value.
function cliJson(r: CliResult): unknown {
  const direct = parseJsonOrNull(r.stdout.trim());
  if (direct !== null) return direct;
  const start = r.stdout.search(/^[{[]/m);
  return start >= 0 ? parseJsonOrNull(r.stdout.slice(start).trim()) : null;
}

function writeLines(path: string, lines: string[]): void {
  writeFileSync(path, lines.length ? `${lines.join("\n")}\n` : "");
}

function fileStats(outDir: string, names: string[]): CapturedFile[] {
  return names.map((name) => {
    const text = readFileSync(join(outDir, name), "utf8");
    return { name, lines: text.split("\n").filter((l) => l.length > 0).length, bytes: Buffer.byteLength(text) };
  });
}

const STATIC_NOTES = [
  "Tool names and argument shapes are the ones OpenClaw 2026.9.6 put in the `tools` array of its chat-completions requests (see offeredTools).",
  "tools.toolSearch=false: by default OpenClaw offers only ~12 tools and defers the rest (web_fetch included) behind tool_search/tool_describe/tool_call; switched off so web_fetch is called by its own name.",
  "tools.fs.workspaceOnly=true: its default is false (read/write may reach any path); with it on, read('/etc/passwd') fails with 'Path escapes sandbox root (<workspace>): /etc/passwd' (isError=true in the transcript, status=failed error_code=tool_failed in audit_events, an ERROR '[tools] read failed' line in the log).",
  "A non-zero exit is not a tool error for OpenClaw: the exec toolResult has isError=false, details.status='completed', details.exitCode=2 and the text ends '(Command exited with code 2)'; audit_events records it as status=succeeded.",
  "web_fetch of http://127.0.0.1 is refused by the SSRF guard (SsrFBlockedError, 'Blocked hostname or private/internal/special-use IP address', isError=true). After `openclaw config set tools.web.fetch.ssrfPolicy.allowedHostnames [\"127.0.0.1\"]` the gateway hot-reloads ('config hot reload applied (tools.web)') and the same fetch succeeds.",
  "Scripted tool-call ids (call_exec_ok, ...) are kept verbatim in transcripts and log lines; in requests sent back to the model OpenClaw rewrites them to alphanumerics (callexecok; see observations[].idSentBackToModel); audit_events.tool_call_id is 'sha256:' + sha256(id).",
  "Sandbox off (agents.defaults.sandbox.mode='off'): no container engine here, and with it on a run fails closed before any model call.",
  "Gateway token reaches OpenClaw only via OPENCLAW_GATEWAY_TOKEN, referenced from config as a SecretRef {source:'env',provider:'default',id:'OPENCLAW_GATEWAY_TOKEN'}.",
  "Config audit: OpenClaw 2026.9 writes it to SQLite (state/openclaw.sqlite, diagnostic_events, scope 'config-audit'); logs/config-audit.jsonl is only a legacy source imported by doctor migrations.",
  "Env for the instance skips auto-update, Bonjour, the browser-control server and the canvas host (OPENCLAW_NO_AUTO_UPDATE, OPENCLAW_DISABLE_BONJOUR, OPENCLAW_SKIP_BROWSER_CONTROL_SERVER, OPENCLAW_SKIP_CANVAS_HOST); config sets models.catalogRefresh.enabled=false, update.checkOnStart=false, discovery.mdns.mode='off' so nothing leaves loopback.",
];

/** Copies the SQLite stores `oclog collect` ships, unscrubbed (they stay in a temp dir, never in fixtures). */
function copyCollectorStores(stateDir: string, to: string): void {
  const agents = existsSync(join(stateDir, "agents")) ? readdirSync(join(stateDir, "agents")) : [];
  const dbs = ["state/openclaw.sqlite", ...agents.map((a) => `agents/${a}/agent/openclaw-agent.sqlite`)];
  for (const db of dbs) {
    for (const suffix of ["", "-wal", "-shm"]) {
      const from = join(stateDir, db + suffix);
      if (!existsSync(from)) continue;
      mkdirSync(dirname(join(to, db)), { recursive: true });
      copyFileSync(from, join(to, db + suffix));
    }
  }
}

/** Non-empty lines of a text file, or none when it does not exist. */
function fileLines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, "utf8").split("\n").filter((l) => l.length > 0) : [];
}

/**
 * Transcript and trajectory lines of a release that keeps sessions as JSONL files
 * (agents/<agent>/sessions/<session>.jsonl and <session>.trajectory.jsonl), in the shape the
 * SQLite rows are captured in: `table` says which kind of file, `db` the file.
 */
function sessionFileLines(stateDir: string, release: OpenClawRelease): TranscriptLine[] {
  if (release.stores.transcripts !== "jsonl") return [];
  const agentsDir = join(stateDir, "agents");
  const lines: TranscriptLine[] = [];
  for (const agent of existsSync(agentsDir) ? readdirSync(agentsDir).sort() : []) {
    const sessions = join(agentsDir, agent, "sessions");
    for (const name of existsSync(sessions) ? readdirSync(sessions).sort() : []) {
      if (!name.endsWith(".jsonl")) continue;
      const table = name.endsWith(".trajectory.jsonl") ? "trajectory_runtime_events" : "transcript_events";
      fileLines(join(sessions, name)).forEach((text, index) => {
        lines.push({ db: `agents/${agent}/sessions/${name}`, table, row: { line: index + 1 }, compressedColumns: [], event: parseJsonOrNull(text) });
      });
    }
  }
  return lines;
}

/** Config-audit records of a release that appends them to logs/config-audit.jsonl. */
function configAuditFileRecords(stateDir: string, release: OpenClawRelease): unknown[] {
  if (release.stores.configAudit !== "jsonl") return [];
  return fileLines(join(stateDir, "logs", "config-audit.jsonl")).map(parseJsonOrNull);
}

/** Runs install + model server + gateway + scenario and writes the captured artifacts to outDir. */
export async function captureOpenClaw(opts: CaptureOptions): Promise<CaptureResult> {
  const started = Date.now();
  const version = opts.version ?? OPENCLAW_VERSION;
  const release = releaseOf(version);
  const install = await ensureOpenClaw({ version });
  const token = randomBytes(32).toString("hex");
  const apiKey = `sk-oclog-${randomBytes(24).toString("hex")}`;
  const workDir = mkdtempSync(join(tmpdir(), "oclog-openclaw-"));
  const dirs = makeGatewayDirs(workDir);
  const notes = [...STATIC_NOTES];
  const timingsMs: Record<string, number> = {};
  let mark = Date.now();
  const lap = (name: string): void => {
    const now = Date.now();
    timingsMs[name] = now - mark;
    mark = now;
  };
  lap("install");

  let page: PageServer | null = null;
  let model: ModelServer | null = null;
  let gateway: GatewayHandle | null = null;
  try {
    page = await startPageServer();
    model = await startModelServer(scenarioModelScript(page.url));
    const expected = expectedToolCalls(page.url, release);
    gateway = await startGateway({
      install,
      dirs,
      token,
      config: scenarioConfig({ model, workspace: dirs.workspace, logFile: dirs.logFile, apiKey, release }),
    });
    lap("gatewayStart");

    let scenario: ScenarioResult;
    try {
      scenario = await runScenario({ install, gateway, model, page, release });
    } catch (err) {
      const tail = gateway.output().slice(-3000);
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- gateway console (tail) ---\n${tail}`);
    }
    notes.push(...scenario.notes);
    lap("scenario");

    // While the gateway is up, so the audit can resolve secrets through it.
    const [securityAudit, configValidate] = await Promise.all([
      gateway.cli(["security", "audit", "--json"], { timeoutMs: 120_000 }),
      gateway.cli(["config", "validate", "--json"], { timeoutMs: 60_000 }),
    ]);
    // Stop before reading SQLite: the audit ledger writer is asynchronous and
    // a graceful shutdown flushes it and checkpoints the WAL.
    lap("securityAuditAndValidate");
    await gateway.stop();
    lap("gatewayStop");

    const exportRes = await gateway.cli(
      ["sessions", "export-trajectory", "--session-key", "agent:main:main", "--workspace", dirs.workspace, "--output", "oclog-export", "--json"],
      { timeoutMs: 60_000 },
    );
    const dump = await dumpOpenClawSqlite(install, dirs.stateDir);
    for (const e of dump.errors) notes.push(`sqlite: ${e}`);
    if (opts.copyStateTo) copyCollectorStores(dirs.stateDir, opts.copyStateTo);
    lap("trajectoryExportAndSqliteDump");

    // ---- write outputs ----
    const scrubber: Scrubber = makeScrubber(
      opts.scrub ? scrubSpec({ install, dirs, token, apiKey, ports: { gateway: gateway.port, model: model.port, page: Number(new URL(page.url).port) } }) : null,
    );
    mkdirSync(opts.outDir, { recursive: true });
    const out = (name: string): string => join(opts.outDir, name);
    const files: string[] = [];

    // gateway.log: copied verbatim when not scrubbing; else line by line through JSON.
    const logText = existsSync(dirs.logFile) ? readFileSync(dirs.logFile, "utf8") : "";
    if (!logText) notes.push(`gateway log ${dirs.logFile} missing or empty`);
    if (opts.scrub) writeLines(out("gateway.log"), logText.split("\n").filter((l) => l.length > 0).map((l) => scrubber.jsonLine(l)));
    else writeFileSync(out("gateway.log"), logText);
    files.push("gateway.log");

    const transcriptLines: TranscriptLine[] = [
      ...dump.rows
        .filter((r) => r.kind === "event")
        .map((r) => {
          const eventText = r.decoded.event_zstd ?? (typeof r.row.event_json === "string" ? r.row.event_json : null);
          return { db: r.db, table: r.table, row: r.row, compressedColumns: r.compressedColumns, event: eventText === null ? null : parseJsonOrNull(eventText) };
        }),
      ...sessionFileLines(dirs.stateDir, release),
    ];
    writeLines(out("sqlite-event-rows.jsonl"), transcriptLines.map((l) => JSON.stringify(scrubber.value(l))));
    files.push("sqlite-event-rows.jsonl");
    // The decoded events alone, one per line, as the collector ships them: what schemas validate.
    const eventsOf = (table: string) =>
      transcriptLines.filter((l) => l.table === table && l.event !== null).map((l) => JSON.stringify(scrubber.value(l.event)));
    writeLines(out("transcripts.jsonl"), eventsOf("transcript_events"));
    files.push("transcripts.jsonl");
    writeLines(out("trajectory-runtime.jsonl"), eventsOf("trajectory_runtime_events"));
    files.push("trajectory-runtime.jsonl");

    const observedById = new Map(observedToolCalls(transcriptLines).map((c) => [c.id, c]));
    const auditRows = dump.rows.filter((r) => r.kind === "audit").map((r) => r.row);
    const observations: ToolCallObservation[] = expected.map((c) => {
      const o = observedById.get(c.id);
      const hashed = `sha256:${createHash("sha256").update(c.id).digest("hex")}`;
      const a = auditRows.find((r) => r.tool_call_id === hashed && r.action === "tool.action.finished");
      return {
        id: c.id,
        name: c.name,
        expectedOutcome: c.expectedOutcome,
        observedOutcome: o?.outcome ?? "missing",
        transcript: { isError: o?.result?.isError ?? null, detailsStatus: o?.result?.details?.status, exitCode: o?.result?.details?.exitCode },
        audit: a ? { status: a.status, error_code: a.error_code, tool_call_id: "sha256:<sha256 of id>" } : null,
        idSentBackToModel: scenario.providerToolCallIds[c.id] ?? null,
      };
    });
    for (const ob of observations) {
      if (ob.observedOutcome !== ob.expectedOutcome) notes.push(`UNEXPECTED: ${ob.id} expected ${ob.expectedOutcome}, observed ${ob.observedOutcome}`);
      if (!ob.audit && release.stores.ledger !== "none") notes.push(`no audit_events tool.action.finished row for ${ob.id} (looked for sha256 of the id)`);
    }
    if (release.stores.ledger === "none") notes.push(`OpenClaw ${version} keeps no audit ledger (no audit_events table): audit-ledger.jsonl is empty`);

    writeLines(
      out("audit-ledger.jsonl"),
      dump.rows.filter((r) => r.kind === "audit").map((r) => JSON.stringify(scrubber.value(r.row))),
    );
    files.push("audit-ledger.jsonl");

    const configAudit = [
      ...dump.rows.filter((r) => r.kind === "config-audit").map((r) => (typeof r.row.payload_json === "string" ? parseJsonOrNull(r.row.payload_json) : null)),
      ...configAuditFileRecords(dirs.stateDir, release),
    ];
    if (configAudit.length === 0) notes.push(`no config-audit records found (${release.stores.configAudit === "sqlite" ? "diagnostic_events" : "logs/config-audit.jsonl"})`);
    writeLines(
      out("config-audit.jsonl"),
      configAudit.map((r) => JSON.stringify(scrubber.value(r))),
    );
    files.push("config-audit.jsonl");

    const exportInfo = cliJson(exportRes) as { outputDir?: string } | null;
    const eventsPath = exportInfo?.outputDir ? join(exportInfo.outputDir, "events.jsonl") : "";
    if (exportRes.code === 0 && eventsPath && existsSync(eventsPath)) {
      const lines = readFileSync(eventsPath, "utf8").split("\n").filter((l) => l.length > 0);
      writeLines(out("trajectory.jsonl"), lines.map((l) => scrubber.jsonLine(l)));
      files.push("trajectory.jsonl");
    } else {
      notes.push(
        `trajectory export unavailable: openclaw sessions export-trajectory exit ${exportRes.code}: ${scrubber.string((exportRes.stderr || exportRes.stdout).slice(-800))}`,
      );
    }

    const jsonOrError = (r: CliResult): unknown =>
      cliJson(r) ?? { error: "command produced no JSON", exitCode: r.code, stdout: r.stdout.slice(-4000), stderr: r.stderr.slice(-4000) };
    writeFileSync(out("security-audit.json"), `${JSON.stringify(scrubber.value(jsonOrError(securityAudit)), null, 2)}\n`);
    files.push("security-audit.json");
    if (securityAudit.code !== 0) notes.push(`openclaw security audit --json exited ${securityAudit.code}`);
    writeFileSync(out("config-validate.json"), `${JSON.stringify(scrubber.value(jsonOrError(configValidate)), null, 2)}\n`);
    files.push("config-validate.json");

    const scenarioDoc = {
      triggers: TRIGGERS,
      pageUrl: page.url,
      wrongTokenProbe: { expected: "gateway logs 'unauthorized conn=... reason=token_mismatch' (subsystem gateway/ws) and closes with 1008" },
      toolCalls: expected,
    };
    writeFileSync(out("scenario.json"), `${JSON.stringify(scrubber.value(scenarioDoc), null, 2)}\n`);
    files.push("scenario.json");

    const runs = scenario.runs.map((r) => {
      const j = (r.json ?? {}) as { runId?: unknown; status?: unknown; result?: { meta?: { agentMeta?: { sessionId?: unknown } } } };
      return { name: r.name, runId: j.runId, sessionId: j.result?.meta?.agentMeta?.sessionId, status: j.status, durationMs: r.cli.durationMs };
    });
    const durationMs = Date.now() - started;
    const stats = fileStats(opts.outDir, files);
    const manifest: Manifest = {
      openclawVersion: version,
      nodeVersion: install.nodeVersion,
      harnessNodeVersion: process.versions.node,
      capturedAt: new Date().toISOString(),
      durationMs,
      scrubbed: opts.scrub,
      placeholders: opts.scrub ? { ...PLACEHOLDERS, install: PLACEHOLDERS.install.replace(OPENCLAW_VERSION, version) } : {},
      files: stats,
      offeredTools: scenario.offeredTools,
      toolSchemas: scenario.toolSchemas,
      observations,
      runs,
      wsProbe: { closed: scenario.wsProbe.closed, end: scenario.wsProbe.end },
      locations: {
        gatewayLog: "logging.file (default /tmp/openclaw/openclaw-YYYY-MM-DD.log), tslog JSON lines",
        transcripts:
          release.stores.transcripts === "sqlite"
            ? "<stateDir>/agents/<agentId>/agent/openclaw-agent.sqlite: transcript_events (event_json TEXT or event_zstd BLOB + navigation_json), trajectory_runtime_events (event_json)"
            : "<stateDir>/agents/<agentId>/sessions/<sessionId>.jsonl (transcript) and <sessionId>.trajectory.jsonl (runtime trajectory)",
        auditLedger: "<stateDir>/state/openclaw.sqlite: audit_events",
        configAudit:
          release.stores.configAudit === "sqlite"
            ? "<stateDir>/state/openclaw.sqlite: diagnostic_events WHERE scope='config-audit' (payload_json); legacy <stateDir>/logs/config-audit.jsonl is import-only"
            : "<stateDir>/logs/config-audit.jsonl",
        config: "$OPENCLAW_CONFIG_PATH, default <stateDir>/openclaw.json (`openclaw config file`)",
        trajectoryExport: "<workspace>/.openclaw/trajectory-exports/<name>/events.jsonl (+ manifest/metadata/artifacts/prompts/session-branch .json)",
      },
      timingsMs,
      sqliteTables: dump.inventory.map(({ sql: _sql, ...t }) => t),
      sqliteSchemas: Object.fromEntries(
        dump.inventory
          .filter((t) => ["transcript_events", "trajectory_runtime_events", "audit_events", "diagnostic_events"].includes(t.table))
          .map((t) => [`${t.db}:${t.table}`, t.sql]),
      ),
      notes,
    };
    writeFileSync(out("manifest.json"), `${JSON.stringify(scrubber.value(manifest), null, 2)}\n`);
    const allFiles = [...stats, ...fileStats(opts.outDir, ["manifest.json"])];

    return {
      outDir: opts.outDir,
      files: allFiles,
      manifest,
      expected,
      secrets: { gatewayToken: token, modelApiKey: apiKey },
      workDir: opts.keepWorkDir ? workDir : null,
      durationMs,
    };
  } finally {
    await gateway?.stop();
    await model?.close();
    await page?.close();
    if (!opts.keepWorkDir) rmSync(workDir, { recursive: true, force: true });
  }
}

function parseArgs(argv: string[]): CaptureOptions {
  const opts: CaptureOptions = { outDir: defaultFixtureDir(), scrub: true };
  let explicitOut = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--out") {
      opts.outDir = resolve(argv[++i] ?? "");
      explicitOut = true;
    }
    else if (a === "--no-scrub") opts.scrub = false;
    else if (a === "--keep-work-dir") opts.keepWorkDir = true;
    else if (a === "--version") {
      opts.version = argv[++i] ?? "";
      if (!explicitOut) opts.outDir = defaultFixtureDir(opts.version);
    } else throw new Error(`unknown argument ${a}; usage: capture.ts [--version X.Y.Z] [--out DIR] [--no-scrub] [--keep-work-dir]`);
  }
  return opts;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  captureOpenClaw(parseArgs(process.argv.slice(2)))
    .then((r) => {
      for (const f of r.files) console.log(`${f.name.padEnd(22)} ${String(f.lines).padStart(6)} lines ${String(f.bytes).padStart(9)} bytes`);
      console.log(`captured into ${r.outDir} in ${(r.durationMs / 1000).toFixed(1)} s`);
      if (r.workDir) console.log(`work dir kept: ${r.workDir}`);
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exitCode = 1;
    });
}
