/**
 * A throwaway TLS identity for the local stand-ins (Logs Query API, Logs Ingestion API): a
 * self-signed certificate for 127.0.0.1 made with `openssl req -x509` in a temp directory. The
 * certificate is handed to the client under test as an extra CA, so nothing trusts it globally.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * A key and certificate for 127.0.0.1 (and `extraIps`, e.g. the address a QEMU guest reaches a
 * forwarded service at), valid for a day; `dispose` removes the temp directory.
 */
export async function selfSignedLoopbackCert(extraIps: string[] = []): Promise<{ key: string; cert: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "oclog-standin-tls-"));
  const keyPath = join(dir, "key.pem");
  const certPath = join(dir, "cert.pem");
  await run("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", keyPath, "-out", certPath, "-days", "1",
    "-subj", "/CN=127.0.0.1", "-addext", `subjectAltName=${["127.0.0.1", ...extraIps].map((ip) => `IP:${ip}`).join(",")}`,
  ]);
  const [key, cert] = await Promise.all([readFile(keyPath, "utf8"), readFile(certPath, "utf8")]);
  return { key, cert, dispose: () => rm(dir, { recursive: true, force: true }) };
}
