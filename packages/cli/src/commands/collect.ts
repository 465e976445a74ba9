/** `oclog collect`: ship OpenClaw's SQLite stores to Fluent Bit's forward input until stopped (or once). */
import { statSync } from "node:fs";
import { setTimeout as delay } from "node:timers/promises";
import { Collector, SQLITE_DRIVER, ZSTD_DECODER, type CycleResult } from "@oclog/collect";
import { ExitCode, ExitError, UsageError } from "@oclog/errors";
import { Emitter, loadRedactionLiterals, type ForwardEndpoint } from "@oclog/schema";
import type { Output } from "../output.js";

export interface CollectOptions {
  stateDir: string;
  socket?: string;
  host: string;
  port?: number;
  collectorState: string;
  once: boolean;
  json: boolean;
  batchSize: number;
  spoolLimitMb: number;
  pollMs: number;
  ackTimeoutMs: number;
  redactLiterals?: string;
}

/**
 * True when `path` is a directory, false while it does not exist yet. Anything else (no
 * permission, a file in its place) throws: waiting would never end.
 */
function stateDirReady(path: string): boolean {
  try {
    if (statSync(path).isDirectory()) return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return false;
    throw new UsageError(`cannot read the OpenClaw state directory ${JSON.stringify(path)} (${code ?? String(error)})`, {
      hint: "the collector reads it as its own user: on the VM, oclog-collect.service grants CAP_DAC_READ_SEARCH for that",
    });
  }
  throw new UsageError(`OpenClaw state directory ${JSON.stringify(path)} is not a directory`, { hint: "pass the gateway's state dir (the one holding agents/ and state/)" });
}

function endpointFrom(options: CollectOptions): ForwardEndpoint {
  if (options.socket && options.port !== undefined) throw new UsageError("give either --socket or --port, not both");
  if (options.socket) return { path: options.socket };
  if (options.port !== undefined) return { host: options.host, port: options.port };
  throw new UsageError("no Fluent Bit forward input given", { hint: "pass --socket /run/fluent-bit/forward.sock (the openclaw-vm pipeline's) or --port N" });
}

/** Runs cycles until SIGTERM/SIGINT (or, with --once, until everything is sent or sending fails). */
export async function collectCommand(options: CollectOptions, output: Output, signal?: AbortSignal): Promise<void> {
  const endpoint = endpointFrom(options);
  if (!stateDirReady(options.stateDir)) {
    const missing = new UsageError(`OpenClaw state directory ${JSON.stringify(options.stateDir)} not found`, { hint: "pass the gateway's state dir (the one holding agents/ and state/), e.g. /var/lib/openclaw/.openclaw" });
    if (options.once) throw missing;
    // At a VM's first boot the collector starts before the gateway has made its state
    // directory: wait for it instead of exiting into a restart loop.
    output.err(`collect: waiting for ${options.stateDir} (the gateway creates it on its first start)`);
    while (!stateDirReady(options.stateDir)) {
      if (signal?.aborted) return;
      await delay(Math.max(options.pollMs, 250), undefined, { signal }).catch(() => undefined);
    }
  }
  const literals = loadRedactionLiterals(options.redactLiterals);
  const emitter = new Emitter({ endpoint, ackTimeoutMs: options.ackTimeoutMs });
  const log = (event: string, fields: Record<string, unknown>) => {
    // Counts and store names only; record contents never reach the log.
    if (options.json) output.err(JSON.stringify({ event, ...fields }));
    else if (event !== "cycle" || (fields.read as number) + (fields.sent as number) > 0 || fields.pending) output.err(`collect: ${event} ${Object.entries(fields).map(([k, v]) => `${k}=${v}`).join(" ")}`);
  };
  const collector = new Collector({
    stateDir: options.stateDir,
    workDir: options.collectorState,
    sender: emitter,
    batchSize: options.batchSize,
    spoolLimitBytes: options.spoolLimitMb * 1024 * 1024,
    redactionLiterals: literals,
    log,
  });
  log("start", { stateDir: options.stateDir, endpoint: "path" in endpoint ? `unix:${endpoint.path}` : `${endpoint.host}:${endpoint.port}`, zstd: ZSTD_DECODER, sqlite: SQLITE_DRIVER, literals: literals.length, spooled: collector.spool.records });
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  signal?.addEventListener("abort", onSignal, { once: true });
  const total: CycleResult = { read: 0, sent: 0, invalid: 0, truncated: 0, redacted: 0, pending: 0 };
  let failures = 0;
  try {
    while (!stop.signal.aborted) {
      const result = await collector.cycle();
      total.read += result.read;
      total.sent += result.sent;
      total.invalid += result.invalid;
      total.truncated += result.truncated;
      total.redacted += result.redacted;
      total.pending = result.pending;
      if (result.sendError !== undefined) total.sendError = result.sendError;
      else delete total.sendError;
      if (options.once && (result.sendError !== undefined || (result.read === 0 && result.pending === 0))) break;
      // Back off while Fluent Bit is away (up to 30 s); poll at the normal pace otherwise.
      failures = result.sendError === undefined ? 0 : failures + 1;
      const wait = failures ? Math.min(30_000, 500 * 2 ** Math.min(failures, 6)) : result.read > 0 ? 0 : options.pollMs;
      await delay(wait, undefined, { signal: stop.signal }).catch(() => undefined);
    }
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
    collector.close();
    await emitter.close();
  }
  const summary = { read: total.read, sent: total.sent, invalid: total.invalid, truncated: total.truncated, redacted: total.redacted, pending: total.pending, cursors: collector.cursors.snapshot(), ...(total.sendError ? { error: total.sendError } : {}) };
  if (options.json) output.out(JSON.stringify(summary));
  else output.out(`collected ${total.read} record(s), sent ${total.sent}, ${total.invalid} marked invalid (${total.truncated} with truncated raw text), ${total.redacted} redacted, ${total.pending} waiting in the spool`);
  if (total.sendError !== undefined) {
    output.err(`oclog: Fluent Bit did not take the records: ${total.sendError}`);
    output.err("hint: check that Fluent Bit runs and its forward input listens there; the records wait in the spool and are sent on the next run");
    throw new ExitError(ExitCode.environment);
  }
}
