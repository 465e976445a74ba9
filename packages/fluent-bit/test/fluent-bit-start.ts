// Real Fluent Bit 5.1.1 reading a generated openclaw-vm pipeline: started in a directory of its own
// with the includes the VM would have (params, SAS), ready when its HTTP API answers, then stopped.
// Not `--dry-run`: 5.1.1's dry run dies with SIGSEGV on any azure_blob output (measured on the
// checked-in pipeline and on a three-property azure_blob), so only a real start says "accepted".
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@oclog/test-kit";
import { problemLines, startFluentBit } from "@oclog/test-kit/fluent-bit";
import { REDACT_LUA } from "./preset-fixture.js";

/**
 * Starts Fluent Bit on the pipeline `yamlIn(dir)` returns (its ${OCLOG_*} from a params include
 * of paths under `dir`, which `yamlIn` may also prepare); its warnings and errors once it ran.
 */
export async function startsOn(yamlIn: string | ((dir: string) => string)): Promise<Map<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), "oclog-fb-start-"));
  const httpPort = await freePort();
  for (const sub of ["logs", "lua", "state", "journal"]) mkdirSync(join(dir, sub));
  copyFileSync(REDACT_LUA, join(dir, "lua", "redact.lua"));
  for (const file of ["audit.jsonl", "access.log"]) writeFileSync(join(dir, file), "");
  const env: Record<string, string> = {
    OCLOG_USER: "alice",
    OCLOG_STORAGE_ACCOUNT: "devstoreaccount1",
    OCLOG_CONTAINER: "oclog-alice",
    // Loopback and closed: nothing is read, so nothing is flushed, and nothing leaves the machine.
    OCLOG_BLOB_ENDPOINT: "http://127.0.0.1:9",
    OCLOG_BLOB_EMULATOR: "on",
    OCLOG_TLS_CA_FILE: "/etc/ssl/certs/ca-certificates.crt",
    OCLOG_LUA_DIR: join(dir, "lua"),
    OCLOG_GATEWAY_LOGS: join(dir, "logs"),
    OCLOG_CONFIG_AUDIT: join(dir, "audit.jsonl"),
    OCLOG_NGINX_ACCESS_LOG: join(dir, "access.log"),
    OCLOG_FORWARD_SOCKET: join(dir, "forward.sock"),
    OCLOG_STATE_DIR: join(dir, "state"),
    OCLOG_JOURNAL_DIR: join(dir, "journal"),
    OCLOG_HTTP_PORT: String(httpPort),
  };
  writeFileSync(join(dir, "oclog-params.yaml"), `env:\n${Object.entries(env).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`).join("\n")}\n`);
  writeFileSync(join(dir, "oclog-sas.yaml"), `env:\n  OCLOG_SAS_TOKEN: "sv=2024-11-04&sp=cw&sig=test"\n`);
  writeFileSync(join(dir, "pipeline.yaml"), typeof yamlIn === "string" ? yamlIn : yamlIn(dir));
  try {
    const fluentBit = await startFluentBit({ pipelineFile: join(dir, "pipeline.yaml"), httpPort, logFile: join(dir, "fluent-bit.log"), readyTimeoutMs: 15_000 });
    await fluentBit.stop();
    return problemLines(fluentBit.log());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
