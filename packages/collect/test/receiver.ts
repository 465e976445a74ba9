/** The real forward-protocol server of @fluent-org/logger on a unix socket, restartable on the same path. */
import { FluentServer } from "@fluent-org/logger";

export interface Received {
  tag: string;
  /** The forward protocol's event time (what Fluent Bit would put in its date_key). */
  time: Date;
  record: Record<string, unknown>;
}

/** EventTime (`{epoch, nano}`) or integer seconds, as the forward protocol carries it. */
function eventTime(value: unknown): Date {
  if (typeof value === "number") return new Date(value * 1000);
  const t = value as { epoch?: number; nano?: number };
  return new Date((t?.epoch ?? 0) * 1000 + Math.floor((t?.nano ?? 0) / 1e6));
}

export class Receiver {
  readonly path: string;
  readonly entries: Received[] = [];
  #server: FluentServer | undefined;
  #waiters: { count: number; resolve: () => void }[] = [];

  constructor(path: string) {
    this.path = path;
  }

  async start(): Promise<void> {
    const server = new FluentServer({ listenOptions: { path: this.path } });
    server.on("entry", (tag: string, time: unknown, record: Record<string, unknown>) => {
      this.entries.push({ tag, time: eventTime(time), record });
      this.#waiters = this.#waiters.filter((w) => (this.entries.length >= w.count ? (w.resolve(), false) : true));
    });
    await server.listen();
    this.#server = server;
  }

  async stop(): Promise<void> {
    await this.#server?.close();
    this.#server = undefined;
  }

  /** Resolves once at least `count` entries arrived (event-driven, no polling). */
  waitFor(count: number): Promise<void> {
    if (this.entries.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  ids(): string[] {
    return this.entries.map((e) => String(e.record.oclog_id));
  }
}

/** Ids received more than once. */
export function duplicates(ids: string[]): string[] {
  const seen = new Set<string>();
  return ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
}
