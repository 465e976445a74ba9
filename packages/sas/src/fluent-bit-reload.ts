/**
 * Hot reload through Fluent Bit's HTTP API: `POST /api/v2/reload` with a body (an empty POST is
 * rejected), then `GET /api/v2/reload` until `hot_reload_count` has moved, which happens when the
 * new pipeline has started. If it does not move within the timeout, the service is restarted (the
 * filesystem buffer keeps every record).
 */
import { OclogError } from "@oclog/errors";
import type { FluentBitReloader } from "./sas-install.js";

/**
 * Seconds the new pipeline may take to start once the old one has stopped. Measured with the
 * openclaw-vm pipeline against Azurite: well under one second, backlog included.
 */
const START_ALLOWANCE_SECONDS = 25;

/**
 * How long a hot reload of a pipeline with this service `grace` may take: the old pipeline waits
 * up to the grace for flushes in progress (after an expired SAS its retries never succeed, so it
 * waits all of it), then the new one starts. A shorter wait restarts Fluent Bit mid-reload.
 */
export function reloadTimeoutMs(graceSeconds: number): number {
  return (graceSeconds + START_ALLOWANCE_SECONDS) * 1000;
}

export interface HttpReloaderOptions {
  /** e.g. http://127.0.0.1:2020 (the openclaw-vm preset's http_listen/http_port). */
  baseUrl: string;
  /** Default reloadTimeoutMs(5), for the openclaw-vm pipeline's grace of 5 s. */
  timeoutMs?: number;
  /** Fallback: restarts the service (e.g. runs `systemctl restart fluent-bit`). */
  restart?: () => Promise<void>;
}

async function reloadCount(baseUrl: string): Promise<number> {
  const response = await fetch(`${baseUrl}/api/v2/reload`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`GET /api/v2/reload answered ${response.status}`);
  const body = (await response.json()) as { hot_reload_count?: number };
  if (typeof body.hot_reload_count !== "number") throw new Error("GET /api/v2/reload has no hot_reload_count");
  return body.hot_reload_count;
}

export class HttpReloader implements FluentBitReloader {
  readonly #options: HttpReloaderOptions;

  constructor(options: HttpReloaderOptions) {
    this.#options = options;
  }

  async reload(): Promise<{ method: "hot-reload" | "restart"; detail: string }> {
    const { baseUrl } = this.#options;
    const started = Date.now();
    const deadline = started + (this.#options.timeoutMs ?? reloadTimeoutMs(5));
    let problem: string;
    try {
      const before = await reloadCount(baseUrl);
      const posted = await fetch(`${baseUrl}/api/v2/reload`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      if (!posted.ok) throw new Error(`POST /api/v2/reload answered ${posted.status}`);
      // Poll the counter: the reload runs after the response. While the old pipeline stops and
      // the new one starts the HTTP server can be away for a moment, so a failed poll is no
      // verdict; the deadline is.
      let last = `hot_reload_count stayed at ${before}`;
      for (;;) {
        try {
          const now = await reloadCount(baseUrl);
          if (now > before) return { method: "hot-reload", detail: `hot_reload_count ${before} -> ${now} after ${((Date.now() - started) / 1000).toFixed(1)} s` };
          last = `hot_reload_count stayed at ${before}`;
        } catch (error) {
          last = `the reload did not finish: ${(error as Error).message}`;
        }
        if (Date.now() > deadline) throw new Error(`${last} for ${((Date.now() - started) / 1000).toFixed(0)} s`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } catch (error) {
      problem = (error as Error).message;
    }
    if (!this.#options.restart) {
      throw new OclogError("E_FLUENT_BIT_RELOAD", `Fluent Bit did not reload: ${problem}`, { hint: "restart it (systemctl restart fluent-bit); the new SAS is installed and the buffer keeps every record" });
    }
    await this.#options.restart();
    return { method: "restart", detail: `hot reload failed (${problem}); service restarted` };
  }
}
