// Issue 20 end to end against a real Azurite: hostile blobs from test/hostile/corpus/investigate/
// planted in a user's container must not stop `investigate`, must not escape the container, and
// must not vanish; names that URL resolution would turn into another blob are refused before
// any request and kept as evidence of refusal in custody.
import test from "ava";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";
import { BlobServiceClient, ContainerClient } from "@azure/storage-blob";
import { buildDemoIncident, DEMO_FIXTURES } from "@oclog/test-kit/demo";
import { startAzurite, uploadRawBlob, type Azurite } from "@oclog/test-kit/azurite";
import { openBlobSource } from "../src/source/open-blob-source.js";
import { openCaseReadOnly } from "../src/case/case-database-reader.js";
import { runInvestigation } from "../src/run-investigation.js";
import { Sensitive } from "../src/sensitive.js";

const corpus = fileURLToPath(new URL("../../../test/hostile/corpus/investigate/", import.meta.url));
const good = readFileSync(fileURLToPath(new URL("../../../test/fixtures/openclaw-2026.9.6/gateway.log", import.meta.url)), "utf8").split("\n").filter(Boolean);
/** What an agent could name a blob so the SDK fetches another user's container instead. */
const ESCAPE = "oclog/mallory/../../../oclog-bob/secret.gz";
const BOB_MARKER = "bob-only-secret-record";
let azurite: Azurite;

/** Uploads with the name exactly as given (a plain-HTTP Azurite; the SDK would resolve `..`). */
const putRaw = (container: string, name: string, body: Buffer) => uploadRawBlob(azurite, container, name, body);

async function upload(container: string, name: string, body: Buffer): Promise<void> {
  const client = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(container);
  await client.createIfNotExists();
  await client.getBlockBlobClient(name).uploadData(body);
}

/** A real transcript blob of the demo whose harmless command became `rm -rf ~/projects`. */
function destructiveTranscript(): Buffer {
  const blob = buildDemoIncident(DEMO_FIXTURES).blobs.find((b) => gunzipSync(b.content).toString().includes("echo oclog-harness"))!;
  return gzipSync(gunzipSync(blob.content).toString().replaceAll("echo oclog-harness", "rm -rf ~/projects"));
}

const base = () => ({ connectionString: new Sensitive(azurite.connectionString), oclogVersion: "test", caseDir: join(mkdtempSync(join(tmpdir(), "oclog-hostile-e2e-")), "case") });

test.before(async () => {
  azurite = await startAzurite();
  await upload("oclog-bob", "secret.gz", gzipSync(`${JSON.stringify({ ...JSON.parse(good[0]!), message: BOB_MARKER })}\n`));
  const c = "oclog-mallory";
  await upload(c, "oclog/mallory/crlf-gateway.log", readFileSync(join(corpus, "crlf-gateway.log")));
  await upload(c, "oclog/mallory/crlf-gateway.log.gz", readFileSync(join(corpus, "crlf-gateway.log.gz")));
  await upload(c, "oclog/mallory/gzip-named-plain.log", readFileSync(join(corpus, "gzip-named-plain.log")));
  // Unsafe for a path (the evidence store renames it to a hash, without .gz): still read as gzip.
  await upload(c, "oclog/mallory/odd name ü\u202e.gz", readFileSync(join(corpus, "crlf-gateway.log.gz")));
  await upload(c, "oclog/mallory/newline-bomb-5k.gz", readFileSync(join(corpus, "newline-bomb-5k.gz")));
  await upload(c, "oclog/mallory/lone-cr.log", readFileSync(join(corpus, "lone-cr.log")));
  await putRaw(c, ESCAPE.replaceAll("..", "%2E%2E"), gzipSync("decoy\n"));
});
test.after.always(async () => {
  await azurite?.stop();
});

test.serial("hostile blobs: the investigation finishes, every blob is read or refused, nothing crosses containers; a rerun is the same", async (t) => {
  // The premise: without the guard, the SDK would request bob's blob for this name.
  t.regex(new ContainerClient(`${azurite.blobEndpoint}/oclog-mallory`).getBlobClient(ESCAPE).url, /\/oclog-bob\/secret\.gz$/);
  const options = { ...base(), user: "mallory", limits: { maxBlobLines: 100_000 } };
  for (const run of ["first", "rerun"]) {
    const result = await runInvestigation(options);
    t.deepEqual(result.blobs.refused.map((r) => r.blob), [ESCAPE], run);
    t.regex(result.blobs.refused[0]!.reason, /'\.' or '\.\.' segment/);
    t.deepEqual(result.blobs.failed, [], run);
    const reader = await openCaseReadOnly(options.caseDir);
    try {
      // Blob names are data: a Map, never an object's keys.
      const perBlob = new Map(
        (await reader.connection.runAndReadAll("SELECT blob, count(*)::INTEGER AS n FROM records GROUP BY blob")).getRowObjectsJson().map((r) => [String(r.blob), Number(r.n)]),
      );
      for (const name of ["crlf-gateway.log", "crlf-gateway.log.gz", "gzip-named-plain.log", "odd name ü\u202e.gz"]) t.is(perBlob.get(`oclog/mallory/${name}`), 5, `${run}: ${name}`);
      t.is(perBlob.get("oclog/mallory/lone-cr.log"), 2);
      t.is(Number((await reader.connection.runAndReadAll(`SELECT count(*) FROM records WHERE r::VARCHAR LIKE '%${BOB_MARKER}%'`)).getRows()[0]![0]), 0, "bob's record never reached mallory's case");
    } finally {
      reader.close();
    }
    t.deepEqual(result.load.blobProblems, [{ blob: "oclog/mallory/newline-bomb-5k.gz", kind: "limit", reason: "blob over the 100000-line limit (--max-blob-lines): this line and the rest were not read" }]);
    t.is(result.load.quarantineNotStored, 100_000 - 10_000);
  }
  const custody = readFileSync(join(options.caseDir, "custody.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
  const refusals = custody.filter((e) => JSON.stringify(e).includes("evidence.refused"));
  t.is(refusals.length, 2, "one refusal per run, kept in custody");
  t.true(refusals.every((e) => JSON.stringify(e).includes(JSON.stringify(ESCAPE).slice(1, -1)) && /segment/.test(JSON.stringify(e))));
  // The limit a blob hit is part of the record of the analysis too.
  const analyses = custody.filter((e) => JSON.stringify(e).includes("investigation.analyse"));
  t.is(analyses.length, 2);
  t.true(analyses.every((e) => /"blobProblems":\[\{"blob":"oclog\/mallory\/newline-bomb-5k\.gz","kind":"limit"/.test(JSON.stringify(e))));
});

test.serial("the adapter refuses a '..' name itself, before any request (defence in depth)", async (t) => {
  const source = await openBlobSource({ connectionString: azurite.connectionString, container: "oclog-mallory" });
  const dest = join(mkdtempSync(join(tmpdir(), "oclog-refuse-")), "x.gz");
  const [result] = await source.downloadAll([{ name: "../oclog-bob/secret.gz", etag: "", size: 0, contentMD5: null, lastModified: new Date() }], () => dest);
  t.is(result!.status, "refused");
  t.false(existsSync(dest), "nothing was downloaded");
});

// Two helpers' work meets here: this branch keeps a blob named __proto__ on every path it owns
// (listing, download, custody, the load); the evidence store's manifest keying is the case
// helper's fix. Until both are merged this test fails at the manifest (the blob is missing from it).
test.serial("a blob named __proto__ holding `rm -rf` is analysed and raises the destructive-command finding", async (t) => {
  const body = destructiveTranscript();
  await upload("oclog-proto", "__proto__", body);
  await upload("oclog-control", "oclog/alice/openclaw.transcript.AAAAAAAAAAAAAAAA.1795600227872.gz", body);
  const control = await runInvestigation({ ...base(), user: "alice", container: "oclog-control" });
  t.true(control.findings.some((f) => f.detection.file.endsWith("tool_destructive_command.yml")), "control: the same bytes under a plain name raise it");
  const result = await runInvestigation({ ...base(), user: "alice", container: "oclog-proto" });
  t.true(result.findings.some((f) => f.detection.file.endsWith("tool_destructive_command.yml")), result.findings.map((f) => f.detection.file).join(", "));
  t.true(result.load.records > 0);
});
