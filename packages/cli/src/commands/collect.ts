/** `oclog collect`: ship OpenClaw's stores (SQLite, or the session files of releases before 2026.8) to Fluent Bit's forward input until stopped (or once). */
import { statSync } from "node:fs";
import { setTimeout as delay } from "node:timers/promises";
import { Collector, SQLITE_DRIVER, ZSTD_DECODER, type CycleResult, type StoreKind } from "@oclog/collect";
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

/** What the collector looks for, for the message when it finds none of it. */
const STORE_LAYOUT =
  "agents/<agent>/agent/openclaw-agent.sqlite and state/openclaw.sqlite (OpenClaw 2026.8 and later), or agents/<agent>/sessions/<session>.jsonl (2026.6, 2026.7)";

function noStoresError(stateDir: string): UsageError {
  return new UsageError(`no OpenClaw store found under ${JSON.stringify(stateDir)}: none of ${STORE_LAYOUT}`, {
    hint: "pass the gateway's state dir (the one holding agents/ and state/; `openclaw config file` prints the config beside it); a gateway that never ran an agent turn has written none yet",
  });
}

/** "<kind> N store(s) M row(s)" per kind found, for the summary line. */
function describeKinds(byKind: CycleResult["byKind"]): string {
  return Object.entries(byKind)
    .map(([kind, c]) => `${kind} ${c.stores} store(s) ${c.read} row(s)`)
    .join(", ");
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
  const total: CycleResult = { read: 0, sent: 0, invalid: 0, truncated: 0, redacted: 0, pending: 0, byKind: {} };
  let failures = 0;
  let saidNoStores = false;
  try {
    while (!stop.signal.aborted) {
      const result = await collector.cycle();
      // Stores found in this cycle; rows read over the whole run.
      for (const [kind, counts] of Object.entries(result.byKind) as [StoreKind, { stores: number; read: number }][]) {
        const sum = (total.byKind[kind] ??= { stores: 0, read: 0 });
        sum.stores = counts.stores;
        sum.read += counts.read;
      }
      if (Object.keys(result.byKind).length === 0) {
        // Nothing recognisable is not a success: once, it is an error; running on, it is said once.
        if (options.once) throw noStoresError(options.stateDir);
        if (!saidNoStores) output.err(`collect: ${noStoresError(options.stateDir).message}; waiting for the gateway to write one`);
        saidNoStores = true;
      }
      total.read += result.read;
      total.sent += result.sent;
      total.invalid += result.invalid;
      total.truncated += result.truncated;
      total.redacted += result.redacted;
      total.pending = result.pending;
      if (result.sendError !== undefined) total.sendError = result.sendError;
      else delete total.sendError;
      // The stores failing now (one that reads again drops out); the others were read all the same.
      if (result.failedStores !== undefined) total.failedStores = result.failedStores;
      else delete total.failedStores;
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
  const failed = Object.entries(total.failedStores ?? {});
  const summary = { read: total.read, sent: total.sent, invalid: total.invalid, truncated: total.truncated, redacted: total.redacted, pending: total.pending, stores: total.byKind, cursors: collector.cursors.snapshot(), ...(failed.length > 0 ? { failedStores: total.failedStores } : {}), ...(total.sendError ? { error: total.sendError } : {}) };
  if (options.json) output.out(JSON.stringify(summary));
  else output.out(`collected ${total.read} record(s), sent ${total.sent}, ${total.invalid} marked invalid (${total.truncated} with truncated raw text), ${total.redacted} redacted, ${total.pending} waiting in the spool; found ${describeKinds(total.byKind) || "no store"}`);
  for (const [store, reason] of failed) output.err(`oclog: store ${store} could not be read: ${reason}`);
  if (failed.length > 0 && total.sendError === undefined) {
    output.err("hint: the other stores were read and sent; the collector's log (store.failed) says what to do for each");
    throw new ExitError(ExitCode.environment);
  }
  if (total.sendError !== undefined) {
    output.err(`oclog: Fluent Bit did not take the records: ${total.sendError}`);
    output.err("hint: check that Fluent Bit runs and its forward input listens there; the records wait in the spool and are sent on the next run");
    throw new ExitError(ExitCode.environment);
  }
}
