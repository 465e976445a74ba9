/**
 * Hot reload through Fluent Bit's HTTP API: `POST /api/v2/reload` with a body (an empty POST is
 * rejected), then `GET /api/v2/reload` until `hot_reload_count` has moved. If it does not move
 * within the timeout, the service is restarted (the filesystem buffer keeps every record).
 */
import { OclogError } from "@oclog/errors";
import type { FluentBitReloader } from "./sas-install.js";

export interface HttpReloaderOptions {
  /** e.g. http://127.0.0.1:2020 (the openclaw-vm preset's http_listen/http_port). */
  baseUrl: string;
  timeoutMs?: number;
  /** Fallback: restarts the service (e.g. runs `systemctl restart fluent-bit`). */
  restart?: () => Promise<void>;
}

async function reloadCount(baseUrl: string): Promise<number> {
  const response = await fetch(`${baseUrl}/api/v2/reload`);
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
    const deadline = Date.now() + (this.#options.timeoutMs ?? 30_000);
    let problem: string;
    try {
      const before = await reloadCount(baseUrl);
      const posted = await fetch(`${baseUrl}/api/v2/reload`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      if (!posted.ok) throw new Error(`POST /api/v2/reload answered ${posted.status}`);
      // Poll the counter: the reload runs after the response. Bounded by the deadline.
      for (;;) {
        const now = await reloadCount(baseUrl);
        if (now > before) return { method: "hot-reload", detail: `hot_reload_count ${before} -> ${now}` };
        if (Date.now() > deadline) throw new Error(`hot_reload_count stayed at ${before}`);
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
