// `oclog investigate` over hostile blobs (issue 20), through the CLI against a real Azurite: the
// run finishes with exit 3 (something was set aside) instead of 70, every line that names a
// blob from storage reaches the terminal without its escapes, and the limits are flags.
import test from "ava";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BlobServiceClient } from "@azure/storage-blob";
import { DEFAULT_BLOB_LIMITS } from "@oclog/investigate";
import { startAzurite, uploadRawBlob, type Azurite } from "@oclog/test-kit/azurite";
import { runCli } from "./run-cli.js";

const corpus = fileURLToPath(new URL("../../../test/hostile/corpus/investigate/", import.meta.url));
// C1 escapes (CSI 0x9b: colour, clear screen) in names an agent can choose. Azurite cannot list
// names with C0 controls (ESC, BEL): it answers 500, so those reach oclog only from elsewhere.
const HOSTILE = "\u009b31mpwned\u009b2J\u009b]0;title";
let azurite: Azurite;

/** Uploads with the name exactly as given (a plain-HTTP Azurite; the SDK would resolve `..`). */
const putRaw = (container: string, name: string, body: Buffer) => uploadRawBlob(azurite, container, name, body);

test.before(async () => {
  azurite = await startAzurite();
  const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient("oclog-mallory");
  await container.createIfNotExists();
  await container.getBlockBlobClient(`oclog/mallory/${HOSTILE}crlf.log`).uploadData(readFileSync(join(corpus, "crlf-gateway.log")));
  await container.getBlockBlobClient(`oclog/mallory/${HOSTILE}bomb.gz`).uploadData(readFileSync(join(corpus, "newline-bomb-5k.gz")));
  await putRaw("oclog-mallory", `oclog/${encodeURIComponent(HOSTILE)}/%2E%2E/%2E%2E/oclog-bob/x.gz`, Buffer.from("decoy"));
  process.env.AZURE_STORAGE_CONNECTION_STRING = azurite.connectionString;
});
test.after.always(async () => {
  delete process.env.AZURE_STORAGE_CONNECTION_STRING;
  await azurite?.stop();
});

test.serial("hostile names and blobs: exit 3 with a report, refusals and limits printed without escapes", async (t) => {
  const caseDir = join(mkdtempSync(join(tmpdir(), "oclog-cli-hostile-")), "case");
  const { code, stdout, stderr } = await runCli("investigate", "--user", "mallory", "--case-dir", caseDir, "--no-progress", "--max-blob-lines", "2000", "--max-quarantine-per-blob", "50");
  t.is(code, 3, stderr);
  t.regex(stdout, /report\.html/);
  t.regex(stdout, /1 refused \(unsafe name\)/);
  t.regex(stderr, /^refused: oclog\/.*pwned.*\/\.\.\/\.\.\/oclog-bob\/x\.gz: the name has a '\.' or '\.\.' segment/m);
  t.regex(stderr, /^limit: oclog\/mallory\/.*bomb\.gz: blob over the 2000-line limit \(--max-blob-lines\)/m);
  t.regex(stderr, /1950 rows over the per-blob cap were counted, not stored/);
  // No ESC, BEL or C1 control reaches the terminal, whichever stream.
  t.notRegex(stdout + stderr, /[\u001b\u0007\u0080-\u009f]/);
});

test.serial("--json carries refusals, blob problems and the rows not stored", async (t) => {
  const caseDir = join(mkdtempSync(join(tmpdir(), "oclog-cli-hostile-")), "case");
  const { code, stdout } = await runCli("investigate", "--user", "mallory", "--case-dir", caseDir, "--json", "--max-blob-lines", "2000", "--max-quarantine-per-blob", "50");
  t.is(code, 3);
  const summary = JSON.parse(stdout) as Record<string, any>;
  t.is(summary.refused.length, 1);
  t.deepEqual(summary.blob_problems.map((p: { kind: string }) => p.kind), ["limit"]);
  t.is(summary.quarantine_not_stored, 1950);
  t.is(summary.records, 5, "the CRLF blob's lines are records");
  // Every one of these blobs is odd: none may take the typed fast path.
  t.is(summary.load.files_read_typed, 0, JSON.stringify(summary.load));
});

test("--help shows the per-blob limits with their defaults and an example", async (t) => {
  const { stdout } = await runCli("investigate", "--help");
  // The CLI's defaults are the library's: commander always passes them on.
  t.regex(stdout, new RegExp(`--max-blob-bytes <n>[^]*?\\(default: ${DEFAULT_BLOB_LIMITS.maxBlobBytes}\\)`));
  t.regex(stdout, new RegExp(`--max-blob-lines <n>[^]*?\\(default: ${DEFAULT_BLOB_LIMITS.maxBlobLines}\\)`));
  t.regex(stdout, new RegExp(`--max-quarantine-per-blob <n>[^]*?\\(default: ${DEFAULT_BLOB_LIMITS.maxQuarantinePerBlob}\\)`));
  t.regex(stdout, /oclog investigate --user alice --max-blob-lines \d+/);
});
