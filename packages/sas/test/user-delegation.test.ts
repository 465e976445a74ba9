// User delegation SAS against Azurite over HTTPS with `--oauth basic` (STACK.md): a
// self-signed certificate made with openssl, trusted by the client through NODE_EXTRA_CA_CERTS.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import test from "ava";
import { startAzurite } from "@oclog/test-kit/azurite";

test("a user delegation SAS from an Azure login writes, and cannot read", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "oclog-sas-ud-"));
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
  const azurite = await startAzurite({ tls: { cert, key, oauth: true } });
  try {
    t.regex(azurite.blobEndpoint, /^https:/);
    const child = spawnSync(process.execPath, ["--import", "tsx", "--conditions=oclog-source", fileURLToPath(new URL("./user-delegation-child.ts", import.meta.url))], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: cert, OCLOG_TEST_BLOB_ENDPOINT: azurite.blobEndpoint, OCLOG_TEST_CONNECTION_STRING: azurite.connectionString },
      encoding: "utf8",
      timeout: 60_000,
    });
    t.is(child.status, 0, child.stderr);
    const result = JSON.parse(child.stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
    t.like(result, { wrote: true, readStatus: 403, userDelegation: true, objectId: "0b6d0c9e-0000-4000-8000-00000000000b", protocol: "https", permissions: "cw" });
  } finally {
    await azurite.stop();
  }
});
