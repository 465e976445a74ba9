/**
 * Real Fluent Bit 5.1.1 shipping records for the shipping guard to judge: a dummy input into an
 * `http` output aliased `ship` (as the VM pipeline's azure_blob output is), posting to a loopback
 * sink the test opens and closes. The sink is the storage end, not Fluent Bit: its metrics
 * (`GET /api/v1/metrics`, refreshed once a second) are those of real deliveries, failed
 * flushes and retries, and records it gave up on.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseFluentBitMetrics, type OutputCounters } from "@oclog/sas";
import { freePort } from "../free-port.js";
import { startSmallFluentBit, waitFor, type FluentBitProcess } from "./fluent-bit-process.js";


export interface ShippingOptions {
  /** `no_limits`: a failed flush is retried (errors and retries go up); `no_retries`: it is given up (dropped_records). */
  retryLimit: "no_limits" | "no_retries";
  /** Whether the sink takes deliveries from the start. */
  sink: "up" | "down";
  /** Only this many records in all (then nothing more to deliver: idle); default: 20 a second without end. */
  samples?: number;
}

export class ShippingFluentBit {
  readonly metricsUrl: string;
  readonly #dir: string;
  readonly #fluentBit: FluentBitProcess;
  readonly #sinkPort: number;
  #sink: Server | undefined;

  private constructor(dir: string, fluentBit: FluentBitProcess, sinkPort: number) {
    this.#dir = dir;
    this.#fluentBit = fluentBit;
    this.#sinkPort = sinkPort;
    this.metricsUrl = `${fluentBit.httpUrl}/api/v1/metrics`;
  }

  static async start(options: ShippingOptions): Promise<ShippingFluentBit> {
    const dir = mkdtempSync(join(tmpdir(), "oclog-guard-fluent-bit-"));
    const sinkPort = await freePort();
    // An up sink listens before Fluent Bit starts: its first flush (0.2 s in) could otherwise find
    // the port closed and, with no retries, drop records that the next metrics snapshot (once a
    // second) reports only after the test took its baseline. That made minute 1 of the
    // stop-gateway test "failing" in one fresh-clone run.
    const sink = options.sink === "up" ? await listeningSink(sinkPort) : undefined;
    const fluentBit = await startSmallFluentBit(dir, {
      // Short flushes and retry delays, so every state the guard judges arrives within seconds.
      service: { flush: 0.2, grace: 1, "scheduler.base": 1, "scheduler.cap": 2 },
      pipeline: [
        "pipeline:",
        "  inputs:",
        "    - name: dummy",
        "      rate: 20",
        ...(options.samples === undefined ? [] : [`      samples: ${options.samples}`]),
        "  outputs:",
        "    - name: http",
        "      alias: ship",
        "      match: \"*\"",
        "      host: 127.0.0.1",
        `      port: ${sinkPort}`,
        "      uri: /",
        "      format: json",
        `      retry_limit: ${options.retryLimit}`,
        "",
      ].join("\n"),
    });
    const shipping = new ShippingFluentBit(dir, fluentBit, sinkPort);
    shipping.#sink = sink;
    return shipping;
  }

  /** The sink answers every delivery with 200. */
  async sinkUp(): Promise<void> {
    if (this.#sink) return;
    this.#sink = await listeningSink(this.#sinkPort);
  }

  /** The sink goes away: new connections are refused, and kept-alive ones are cut (Fluent Bit reuses them). */
  async sinkDown(): Promise<void> {
    const sink = this.#sink;
    this.#sink = undefined;
    if (!sink) return;
    const closed = new Promise<void>((resolve) => sink.close(() => resolve()));
    sink.closeAllConnections();
    await closed;
  }

  /** The `ship` output's counters in Fluent Bit's current metrics snapshot (after its first one). */
  counters(): Promise<OutputCounters> {
    return this.waitFor("Fluent Bit's first metrics snapshot", () => true);
  }

  /** Polls the metrics until `ready` holds for the `ship` counters; returns them. */
  waitFor(what: string, ready: (ship: OutputCounters) => boolean, timeoutMs = 30_000): Promise<OutputCounters> {
    return waitFor(`${what} in Fluent Bit's metrics`, timeoutMs, async () => {
      const text = await (await fetch(this.metricsUrl)).text();
      // An empty body until the first snapshot.
      const reading = text ? parseFluentBitMetrics(JSON.parse(text) as unknown) : undefined;
      const ship = reading?.ok ? reading.outputs.ship : undefined;
      return ship && ready(ship) ? ship : undefined;
    }, 100);
  }

  /** Fluent Bit itself stops: its metrics endpoint refuses from then on. */
  async stopFluentBit(): Promise<void> {
    await this.#fluentBit.stop();
  }

  async close(): Promise<void> {
    await this.sinkDown();
    await this.#fluentBit.stop();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** A loopback server that answers every delivery with 200, listening on `port`. */
async function listeningSink(port: number): Promise<Server> {
  const sink = createServer((req, res) => req.resume().on("end", () => res.writeHead(200).end()));
  // Node closes a kept-alive connection after 5 s idle; Fluent Bit reuses its kept-alive
  // connections, and a flush sent as the server closes one fails. With no retries that loses
  // records while the sink is "up". An up sink never closes them.
  sink.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => sink.listen(port, "127.0.0.1", resolve));
  return sink;
}
