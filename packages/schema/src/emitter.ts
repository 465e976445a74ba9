/**
 * A typed emitter over the Fluent forward protocol: `emit(source, record)` validates the record
 * against its source schema and sends it to Fluent Bit's forward input with acks, resolving only
 * when Fluent Bit has acknowledged it. An invalid record is rejected before anything is sent.
 */
import { FluentClient, FluentSocketEvent } from "@fluent-org/logger";
import { OclogError, ValidationError } from "@oclog/errors";
import { nestsDeeperThan } from "./record-depth.js";
import { parseRecord } from "./source-definition.js";
import { SOURCES, type SourceName } from "./sources.js";

export type ForwardEndpoint = { path: string } | { host: string; port: number };

export interface EmitterOptions {
  endpoint: ForwardEndpoint;
  /** First tag part; the second is the pipeline source name (`openclaw.gateway`). */
  tagPrefix?: string;
  /** How long to wait for Fluent Bit's ack before `emit` rejects. */
  ackTimeoutMs?: number;
}

/** Fluent Bit did not take a record: not reachable, or no ack in time. */
export class EmitError extends OclogError {
  constructor(message: string, context: Record<string, unknown>, cause?: unknown) {
    super("E_EMIT", message, {
      context,
      cause,
      hint: "Check that Fluent Bit's forward input is running and reachable (oclog fluentbit validate).",
    });
  }
}

/** The tag a record of `source` is sent with (`openclaw.gateway`, `openclaw.transcript`, ...). */
export function tagFor(source: SourceName, prefix = "openclaw"): string {
  return `${prefix}.${SOURCES[source].pipelineName}`;
}

/**
 * The record itself cannot go over the forward protocol (nested deeper than Fluent Bit decodes):
 * nothing was sent and Fluent Bit is not to blame. Re-sending the same record fails the same
 * way; send it marked invalid instead.
 */
export class RecordEncodingError extends OclogError {
  constructor(tag: string, problem: string, cause?: unknown) {
    super("E_RECORD_ENCODE", `the ${tag} record cannot be encoded for the forward protocol: ${problem}`, {
      context: { tag },
      cause,
      hint: "the record is at fault, not the connection: send it marked invalid (oclog_invalid) with its raw text truncated instead",
    });
  }
}

// How deep a record's objects and arrays may nest (the record itself is level 1). The encoder
// (@msgpack/msgpack) refuses values past its level 100, but Fluent Bit 5.1.1 fails first, and
// silently: a record whose containers nest 64 deep is acknowledged, then its whole chunk is lost,
// with every record that reached the same chunk (other messages of the same flush interval too;
// "Log event decoder error : -11" in its outputs). 63 arrives. Measured against its forward
// input; packages/collect/test/collect-hostile.test.ts holds both sides.
const MAX_FORWARD_DEPTH = 63;

export class Emitter {
  #client: FluentClient;
  #connectStarted = false;
  readonly #endpoint: ForwardEndpoint;
  readonly #tags: Record<SourceName, string>;
  readonly #ackTimeoutMs: number;
  readonly #endpointLabel: string;

  constructor(options: EmitterOptions) {
    this.#ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.#endpointLabel = "path" in options.endpoint ? `unix:${options.endpoint.path}` : `${options.endpoint.host}:${options.endpoint.port}`;
    // Tags are computed once, not per record (the emit path stays allocation-light).
    this.#tags = Object.fromEntries(
      Object.keys(SOURCES).map((name) => [name, tagFor(name as SourceName, options.tagPrefix)]),
    ) as Record<SourceName, string>;
    this.#endpoint = options.endpoint;
    this.#client = this.#connect();
  }

  #connect(): FluentClient {
    const client = new FluentClient(null, {
      socket: {
        ...this.#endpoint,
        timeout: this.#ackTimeoutMs,
        reconnect: { delay: 200, maxDelay: 2_000 },
      },
      ack: { ackTimeout: this.#ackTimeoutMs },
      eventMode: "PackedForward",
      milliseconds: true,
      // Errors surface through emit's promise; the client must not throw on its own.
      eventRetry: { attempts: 0 },
      // Connect on the first record, not at construction: an emitter closed unused (a
      // rotation that found nothing to do) must leave no half-open socket keeping the process alive.
      disableAutoconnect: true,
    });
    client.socketOn(FluentSocketEvent.ERROR, () => {});
    return client;
  }

  /**
   * Drops every record not yet acknowledged and starts a fresh connection. A caller that
   * re-sends after a failure calls this first: the old client would otherwise deliver its
   * queued copies when Fluent Bit returns, and the receiver would get them twice.
   */
  async reset(): Promise<void> {
    const old = this.#client;
    this.#client = this.#connect();
    this.#connectStarted = false;
    await Promise.race([old.shutdown().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, this.#ackTimeoutMs).unref())]);
  }

  /** Validates `record` as `source` and sends it; resolves when Fluent Bit acknowledged it. */
  async emit(source: SourceName, record: Record<string, unknown>, time: Date = new Date()): Promise<void> {
    const parsed = parseRecord(SOURCES[source], record);
    if (!parsed.ok) {
      throw new ValidationError(`refusing to emit an invalid ${source} record: ${parsed.reason}`, [parsed.reason], {
        context: { source },
      });
    }
    await this.#send(this.#tags[source], record, time);
  }

  /** Sends `record` as it is (the caller validated it, and marked it when invalid); resolves on ack. */
  async send(source: SourceName, record: Record<string, unknown>, time: Date = new Date()): Promise<void> {
    await this.#send(this.#tags[source], record, time);
  }

  async #send(tag: string, record: Record<string, unknown>, time: Date): Promise<void> {
    if (!this.#connectStarted) {
      // First record: connect now (failures are retried by the client's reconnect logic).
      this.#connectStarted = true;
      this.#client.connect().catch(() => {});
    }
    // Checked here: Fluent Bit would acknowledge the record and then lose it with its chunk.
    if (nestsDeeperThan(record, MAX_FORWARD_DEPTH)) throw new RecordEncodingError(tag, `it nests deeper than the ${MAX_FORWARD_DEPTH} levels Fluent Bit's forward input decodes`);
    const acked = this.#client.emit(tag, record, time);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new EmitError(`no ack from Fluent Bit at ${this.#endpointLabel} within ${this.#ackTimeoutMs} ms`, { tag })),
        this.#ackTimeoutMs,
      );
    });
    try {
      await Promise.race([acked, deadline]);
    } catch (error) {
      if (error instanceof EmitError) throw error;
      throw new EmitError(`Fluent Bit at ${this.#endpointLabel} did not take the record: ${(error as Error).message}`, { tag }, error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits for pending acks (bounded by the ack timeout), then closes the connection. */
  async close(): Promise<void> {
    await Promise.race([
      this.#client.shutdown(),
      new Promise((resolve) => setTimeout(resolve, this.#ackTimeoutMs).unref()),
    ]);
  }
}
