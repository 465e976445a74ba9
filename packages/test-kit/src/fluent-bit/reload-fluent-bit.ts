/**
 * Real Fluent Bit 5.1.1 for `oclog sas install` to hot-reload through its HTTP API (POST
 * `/api/v2/reload`, then GET until `hot_reload_count` moves): a dummy input into a null output,
 * since what is under test here is the reload itself. That a reload makes the VM's pipeline ship
 * with the new SAS is test/pipeline/pipeline-faults.test.ts, on the shipping rig.
 *
 * `hotReload: false` starts it without `service.hot_reload`: it answers the POST (200,
 * `{"reload":"not enabled","status":-1}`) and never reloads, so its counter never moves, the
 * real way a reload does not take.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hotReloadCount, startSmallFluentBit } from "./fluent-bit-process.js";

export interface ReloadableFluentBit {
  /** http://127.0.0.1:<port>, what `--reload-url` takes. */
  url: string;
  /** Its `hot_reload_count`. */
  reloads(): Promise<number>;
  close(): Promise<void>;
}

export async function startReloadableFluentBit(options: { hotReload?: boolean } = {}): Promise<ReloadableFluentBit> {
  const dir = mkdtempSync(join(tmpdir(), "oclog-reload-fluent-bit-"));
  const fluentBit = await startSmallFluentBit(dir, {
    service: { hot_reload: options.hotReload === false ? "off" : "on" },
    pipeline: ["pipeline:", "  inputs:", "    - name: dummy", "      rate: 1", "  outputs:", "    - name: \"null\"", "      match: \"*\"", ""].join("\n"),
  });
  return {
    url: fluentBit.httpUrl,
    reloads: () => hotReloadCount(fluentBit),
    async close() {
      await fluentBit.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
