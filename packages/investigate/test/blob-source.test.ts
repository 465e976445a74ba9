// The Azure adapter against a real Azurite, with the real Fluent Bit sample blobs uploaded as
// they are (4.x and 5.x layouts): listing and pruning, verified and resumable downloads, wrong
// credentials, a missing container, blobs deleted or replaced mid-run, MD5 mismatches,
// transient failures through a loopback proxy, and secrets that never show.
import test from "ava";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { inspect } from "node:util";
import { BlobServiceClient } from "@azure/storage-blob";
import { UsageError } from "@oclog/errors";
import { acceptsConnections, startAzurite, mintContainerSas, uploadDirectory, type Azurite } from "@oclog/test-kit/azurite";
import { blobFilter } from "../src/source/blob-name.js";
import { asEvidenceSource, BlobSource, isTransient, verifyDownload, type DownloadResult, type ListedBlob } from "../src/source/blob-source.js";
import { openBlobSource } from "../src/source/open-blob-source.js";
import { BlobIntegrityError, ContainerNotFoundError, StorageAuthError, StorageError } from "../src/source/storage-errors.js";
import { EvidenceStore, sha256File } from "../src/evidence/evidence-store.js";
import { investigate, type DownloadOutcome, type EvidenceSource } from "../src/investigation.js";
import { REDACTED, scrub, Sensitive } from "../src/sensitive.js";

// ../shared beside the repository root, never an absolute path.
const samples = fileURLToPath(new URL("../../../../shared/fluent-bit/samples", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "oclog-blob-source-"));
const fast = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

let azurite: Azurite;
let admin: BlobServiceClient;
let containers = 0;

test.before(async () => {
  azurite = await startAzurite();
  admin = BlobServiceClient.fromConnectionString(azurite.connectionString);
});

test.after.always(async () => {
  await azurite?.stop();
});

/** Local sample files by the blob name they were uploaded as. */
function sampleFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const layout of ["fluent-bit-v4", "fluent-bit-v5"]) {
    const root = join(samples, layout);
    for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      files.set(relative(root, path).split(sep).join("/"), path);
    }
  }
  return files;
}
const SAMPLES = sampleFiles();

/** A fresh container holding both sample layouts exactly as Fluent Bit wrote them. */
async function sampleContainer(extra: Record<string, string> = {}): Promise<string> {
  const container = `t${++containers}-oclog-alice`;
  await uploadDirectory(azurite.connectionString, container, join(samples, "fluent-bit-v4"));
  await uploadDirectory(azurite.connectionString, container, join(samples, "fluent-bit-v5"));
  for (const [name, content] of Object.entries(extra)) await admin.getContainerClient(container).getBlockBlobClient(name).upload(content, Buffer.byteLength(content));
  return container;
}

async function listAll(source: BlobSource, prefix?: string): Promise<ListedBlob[]> {
  const out: ListedBlob[] = [];
  for await (const blob of source.listBlobs(prefix)) out.push(blob);
  return out;
}

const md5 = (path: string) => createHash("md5").update(readFileSync(path)).digest("base64");
const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

/** Everything a secret could leak through: message, hint, context, inspect (deep, hidden), JSON. */
function everyRendering(value: unknown): string {
  const e = value as { message?: string; hint?: string; context?: unknown; stack?: string };
  return [String(value), e?.message, e?.hint, e?.stack, JSON.stringify(e?.context), JSON.stringify(value), inspect(value, { depth: Infinity, showHidden: true })].join("\n");
}

test("lists both layouts with etag, size and Content-MD5; prunes by upload time, never by --until", async (t) => {
  const container = await sampleContainer({ "oclog/alice/notes.txt": "not a Fluent Bit blob" });
  const source = await openBlobSource({ connectionString: azurite.connectionString, container });
  const blobs = await listAll(source);
  t.deepEqual(blobs.map((b) => b.name), [...[...SAMPLES.keys()], "oclog/alice/notes.txt"].sort());
  for (const blob of blobs) {
    t.regex(blob.etag, /^0x[0-9A-F]+$/);
    t.true(blob.lastModified instanceof Date);
    const local = SAMPLES.get(blob.name);
    if (!local) continue;
    t.is(blob.size, statSync(local).size, blob.name);
    t.is(blob.contentMD5, md5(local), blob.name);
  }
  t.is((await listAll(source, "oclog/alice/openclaw.gateway/")).length, 1, "prefix listing");

  // --since between the 4.x uploads (08:48) and the 5.x uploads (08:55).
  const since = blobFilter({ since: new Date("2026-11-25T08:50:00Z") });
  const kept = blobs.filter((b) => since(b.name).keep).map((b) => b.name);
  t.deepEqual(kept, [
    "oclog/alice/notes.txt",
    ...[...SAMPLES.keys()].filter((n) => n.includes("/2026/11/25/08/")).sort(),
  ]);
  t.regex(since("oclog/alice/notes.txt").reason!, /upload time unknown/);
  // --until long before every upload: the blobs may still hold old records, so all are kept.
  const until = blobFilter({ until: new Date("2020-01-01T00:00:00Z") });
  t.is(blobs.filter((b) => until(b.name).keep).length, blobs.length);
});

test("downloads are verified, land whole, and a rerun with the evidence manifest downloads nothing", async (t) => {
  const container = await sampleContainer();
  const source = await openBlobSource({ connectionString: azurite.connectionString, container });
  const blobs = await listAll(source);
  const caseDir = join(work, "case-resume");
  const init = { caseId: "c1", user: "alice", container, oclogVersion: "test" };

  const run = async () => {
    const store = await EvidenceStore.open(caseDir, init);
    const progress: number[] = [];
    const results = await source.downloadAll(blobs, (blob) => store.prepare(blob.name), {
      alreadyHave: (blob) => store.has(blob.name, blob.etag),
      onResult: async (result) => {
        if (result.status === "ok") await store.add(result.blob);
      },
      onProgress: (p) => progress.push(p.done),
    });
    await store.save();
    return { store, results, progress };
  };

  const first = await run();
  t.deepEqual(first.results.map((r) => r.status), blobs.map(() => "ok"));
  t.deepEqual(first.progress, [1, 2, 3, 4]);
  for (const result of first.results) {
    if (result.status !== "ok") continue;
    t.true(result.md5Verified, "Azurite stores a Content-MD5 for a single-shot upload");
    t.is(result.attempts, 1);
    t.is(result.md5, md5(SAMPLES.get(result.blob.name)!));
    t.is(await sha256File(result.path), sha256(SAMPLES.get(result.blob.name)!), "byte-for-byte the sample");
    t.is(first.store.manifest.evidence[result.blob.name]!.etag, result.blob.etag);
  }
  const leftovers = readdirSync(caseDir, { recursive: true }).map(String).filter((p) => p.endsWith(".part"));
  t.deepEqual(leftovers, [], "no temporary files left");

  // Real Fluent Bit gzip blobs get their line shape when added (the load then skips measuring
  // them); a store reopened without custody has none, and the manifest never carries one: a shape read back from
  // an edited manifest.json could wave a bad file past the measurement.
  const gzipped = first.results.filter((r) => r.status === "ok" && r.blob.name.endsWith(".gz"));
  t.true(gzipped.length > 0);
  for (const result of gzipped) t.true((first.store.shapeOf(result.blob.name)?.lines ?? 0) > 0, `${result.blob.name}: shape measured at download`);
  t.false(readFileSync(join(caseDir, "manifest.json"), "utf8").includes("longestLine"), "no shape in manifest.json");

  const second = await run();
  t.deepEqual(second.results.map((r) => r.status), blobs.map(() => "skipped"), "same etags: nothing fetched");
  for (const blob of blobs) t.is(second.store.shapeOf(blob.name), undefined, `${blob.name}: no shape from an earlier run`);

  // A blob replaced since (new etag) is fetched again; the rest are still skipped.
  const replaced = blobs[0]!.name;
  await admin.getContainerClient(container).getBlockBlobClient(replaced).uploadFile(SAMPLES.get(replaced)!);
  const relisted = await listAll(source);
  const store = await EvidenceStore.open(caseDir, init);
  const third = await source.downloadAll(relisted, (blob) => store.prepare(blob.name), { alreadyHave: (blob) => store.has(blob.name, blob.etag) });
  t.deepEqual(third.map((r) => `${r.blob.name === replaced ? "replaced" : "same"}:${r.status}`), relisted.map((b) => (b.name === replaced ? "replaced:ok" : "same:skipped")));
});

test("a wrong account key is an auth error with a hint, and the key is nowhere in it", async (t) => {
  const container = await sampleContainer();
  const wrongKey = Buffer.alloc(64, 7).toString("base64");
  const connectionString = azurite.connectionString.replace(/AccountKey=[^;]+/, `AccountKey=${wrongKey}`);
  const source = await openBlobSource({ connectionString, container, retry: fast });
  const error = await t.throwsAsync(listAll(source), { instanceOf: StorageAuthError });
  t.regex(error.message, /refused while trying to list blobs \(403 AuthorizationFailure\)/);
  t.regex(error.hint ?? "", /the SAS\/credential is wrong or expired, or lacks read\/list permission/);
  t.regex(error.hint ?? "", /AccountKey/);
  t.is(error.exitCode, 2);
  t.truthy(error.context.requestId, "the request id is kept for support");
  for (const secret of [wrongKey, azurite.accountKey]) {
    t.false(everyRendering(error).includes(secret));
    t.false(everyRendering(source).includes(secret));
  }
});

test("a SAS without read permission: listing works, downloading is an auth error; the SAS never shows", async (t) => {
  const container = await sampleContainer();
  const sas = mintContainerSas(azurite, container, "l");
  const signature = new URLSearchParams(sas).get("sig")!;
  const source = await openBlobSource({ accountUrl: azurite.blobEndpoint, sas, container, retry: fast });
  const blobs = await listAll(source);
  t.is(blobs.length, 4);
  const dir = mkdtempSync(join(work, "noread-"));
  const error = await t.throwsAsync(source.downloadAll(blobs, (b) => join(dir, createHash("sha1").update(b.name).digest("hex"))), { instanceOf: StorageAuthError });
  t.regex(error.message, /403 AuthorizationPermissionMismatch/);
  t.regex(error.hint ?? "", /lacks read\/list permission.*needs sp to include r \(read\) and l \(list\); this SAS has sp="l"/);
  t.deepEqual(readdirSync(dir), [], "nothing written, not even temporary files");
  for (const rendering of [everyRendering(error), everyRendering(source), inspect(source, { showHidden: true, depth: Infinity }), JSON.stringify(source)]) {
    t.false(rendering.includes(sas));
    t.false(rendering.includes(signature));
    t.false(rendering.includes(decodeURIComponent(signature)));
  }
});

test("a SAS without list permission fails the listing; read+list from the environment works", async (t) => {
  const container = await sampleContainer();
  const readOnly = mintContainerSas(azurite, container, "r");
  const source = await openBlobSource({ accountUrl: azurite.blobEndpoint, sas: new Sensitive(readOnly), container, retry: fast });
  const error = await t.throwsAsync(listAll(source), { instanceOf: StorageAuthError });
  t.regex(error.hint ?? "", /sp="r"/);
  t.false(everyRendering(error).includes(new URLSearchParams(readOnly).get("sig")!));

  const env = { MY_SAS: `?${mintContainerSas(azurite, container, "rl")}` };
  const good = await openBlobSource({ accountUrl: `${azurite.blobEndpoint}/`, container, env, sasEnv: "MY_SAS" });
  const blobs = await listAll(good);
  t.is(blobs.length, 4);
  const dir = mkdtempSync(join(work, "env-sas-"));
  const results = await good.downloadAll(blobs, (b) => join(dir, String(blobs.indexOf(b))));
  t.deepEqual(results.map((r) => r.status), ["ok", "ok", "ok", "ok"]);
  t.is(good.label, `${azurite.blobEndpoint}/${container}`);
});

test("an expired SAS: auth error whose hint says when it expired", async (t) => {
  const container = await sampleContainer();
  const expiresOn = new Date(Date.now() - 60 * 60_000);
  const sas = mintContainerSas(azurite, container, "rl", { startsOn: new Date(Date.now() - 2 * 60 * 60_000), expiresOn });
  const source = await openBlobSource({ accountUrl: azurite.blobEndpoint, sas, container, retry: fast });
  const error = await t.throwsAsync(listAll(source), { instanceOf: StorageAuthError });
  t.true((error.hint ?? "").includes(`it expired at ${new Date(Math.floor(expiresOn.getTime() / 1000) * 1000).toISOString()}`), error.hint);
  t.false(everyRendering(error).includes(new URLSearchParams(sas).get("sig")!));
});

test("a missing container is named, with --container / --users suggested", async (t) => {
  const source = await openBlobSource({ connectionString: azurite.connectionString, container: "oclog-nobody", retry: fast });
  const error = await t.throwsAsync(listAll(source), { instanceOf: ContainerNotFoundError });
  t.regex(error.message, /^container "oclog-nobody" does not exist in http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
  t.regex(error.hint ?? "", /--container NAME.*--users FILE/);
  t.is(error.code, "E_CONTAINER_NOT_FOUND");
  // Downloading from it is the same error, for the whole run.
  const blob = { name: "x.gz", etag: "0x1", size: 1, contentMD5: null, lastModified: new Date() };
  await t.throwsAsync(source.downloadAll([blob], () => join(work, "never")), { instanceOf: ContainerNotFoundError });
});

test("a blob deleted between listing and download is `vanished`; the others arrive", async (t) => {
  const container = await sampleContainer();
  const source = await openBlobSource({ connectionString: azurite.connectionString, container, retry: fast });
  const blobs = await listAll(source);
  const gone = blobs[2]!.name;
  await admin.getContainerClient(container).deleteBlob(gone);
  const dir = mkdtempSync(join(work, "vanish-"));
  const dest = (b: ListedBlob) => join(dir, String(blobs.indexOf(b)));
  const results = await source.downloadAll(blobs, dest, { concurrency: 2 });
  t.deepEqual(results.map((r) => r.status), ["ok", "ok", "vanished", "ok"]);
  const vanished = results[2] as Extract<DownloadResult, { status: "vanished" }>;
  t.regex(vanished.reason, /was listed but no longer exists/);
  t.deepEqual(readdirSync(dir).sort(), ["0", "1", "3"]);

  // Through the investigation's port, the same outcome.
  const outcomes: [string, DownloadOutcome][] = [];
  await asEvidenceSource(source).downloadAll(blobs, async (b) => join(dir, `port-${blobs.indexOf(b)}`), async (blob, outcome) => {
    outcomes.push([blob.name, outcome]);
  });
  t.deepEqual(outcomes.filter(([, o]) => o.status !== "ok"), [[gone, { status: "vanished" }]]);
});

test("the port's `downloaded` hook runs in the download workers, several at once, before each blob's one-at-a-time outcome; its failure fails that blob", async (t) => {
  const container = await sampleContainer();
  const source = await openBlobSource({ connectionString: azurite.connectionString, container, retry: fast });
  const blobs = await listAll(source);
  const dir = mkdtempSync(join(work, "hook-"));
  let running = 0;
  let most = 0;
  const order: string[] = [];
  const release: (() => void)[] = [];
  const outcomes: [string, DownloadOutcome][] = [];
  await asEvidenceSource(source, { concurrency: 4 }).downloadAll(
    blobs,
    async (b) => join(dir, String(blobs.indexOf(b))),
    async (blob, outcome) => {
      order.push(`done ${blobs.indexOf(blob)}`);
      outcomes.push([blob.name, outcome]);
    },
    async (blob) => {
      order.push(`hook ${blobs.indexOf(blob)}`);
      running++;
      most = Math.max(most, running);
      // Each hook waits until every download has reached its hook: only parallel hooks get there.
      await new Promise<void>((resolve) => {
        release.push(resolve);
        if (release.length === blobs.length) for (const r of release) r();
      });
      running--;
      if (blob === blobs[1]) throw new Error("ENOENT: the file went away");
    },
  );
  t.is(most, blobs.length, "all hooks ran at once");
  for (const [i] of blobs.entries()) t.true(order.indexOf(`hook ${i}`) < order.indexOf(`done ${i}`), `blob ${i}: hook before outcome`);
  t.deepEqual(outcomes.find(([name]) => name === blobs[1]!.name)?.[1].status, "failed");
  t.is(outcomes.filter(([, o]) => o.status === "ok").length, blobs.length - 1);
});

test("an investigation examines each blob in the download workers: every downloaded blob goes through the hook, and its manifest hash is the file's", async (t) => {
  const container = await sampleContainer();
  const port = asEvidenceSource(await openBlobSource({ connectionString: azurite.connectionString, container, retry: fast }));
  const hooked: string[] = [];
  const spy: EvidenceSource = {
    label: port.label,
    list: () => port.list(),
    downloadAll: (blobs, destFor, onDone, downloaded) =>
      port.downloadAll(blobs, destFor, onDone, downloaded && (async (blob) => {
        hooked.push(blob.name);
        await downloaded(blob);
      })),
  };
  const caseDir = join(work, "examined-case");
  const result = await investigate({
    user: "alice", container, caseDir, caseId: "examined", oclogVersion: "test", maxLineBytes: 1 << 20,
    source: spy, filter: () => ({ keep: true }), analysis: { run: async () => ({ findings: [], detectionErrors: [], reports: {} }) },
  });
  t.is(result.blobs.downloaded, 4);
  const manifest = JSON.parse(readFileSync(join(caseDir, "manifest.json"), "utf8")) as { evidence: Record<string, { path: string; sha256: string }> };
  t.deepEqual(hooked.sort(), Object.keys(manifest.evidence).sort());
  for (const entry of Object.values(manifest.evidence)) t.is(entry.sha256, await sha256File(join(caseDir, entry.path)));
});

test("a blob replaced between listing and download is `changed` (If-Match), not mixed in", async (t) => {
  const container = await sampleContainer();
  const source = await openBlobSource({ connectionString: azurite.connectionString, container, retry: fast });
  const blobs = await listAll(source);
  const target = blobs[1]!;
  await admin.getContainerClient(container).getBlockBlobClient(target.name).upload("tampered", 8);
  const dir = mkdtempSync(join(work, "changed-"));
  const results = await source.downloadAll(blobs, (b) => join(dir, String(blobs.indexOf(b))));
  t.deepEqual(results.map((r) => r.status), ["ok", "changed", "ok", "ok"]);
  const changed = results[1] as Extract<DownloadResult, { status: "changed" }>;
  t.true(changed.reason.includes(`changed after it was listed (listed etag ${target.etag})`));
  t.false(existsSync(join(dir, "1")));
  t.deepEqual(readdirSync(dir).filter((f) => f.includes(".part")), []);
});

test("a stored Content-MD5 that does not match the bytes fails that blob after bounded retries", async (t) => {
  const container = await sampleContainer();
  const victim = [...SAMPLES.keys()].sort()[0]!;
  await admin
    .getContainerClient(container)
    .getBlobClient(victim)
    .setHTTPHeaders({ blobContentMD5: createHash("md5").update("something else").digest() });
  const source = await openBlobSource({ connectionString: azurite.connectionString, container, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
  const blobs = await listAll(source);
  const dir = mkdtempSync(join(work, "md5-"));
  const results = await source.downloadAll(blobs, (b) => join(dir, String(blobs.indexOf(b))));
  const bad = results.find((r) => r.blob.name === victim)!;
  t.is(bad.status, "failed");
  if (bad.status === "failed") {
    t.is(bad.code, "E_BLOB_INTEGRITY");
    t.regex(bad.reason, /Content-MD5 mismatch: stored \S+, received bytes hash to \S+/);
  }
  t.is(results.filter((r) => r.status === "ok").length, 3);
  t.is(readdirSync(dir).length, 3, "the bad blob left no file, complete or partial");
});

test("verifyDownload: size first, then MD5 when one is stored", (t) => {
  t.is(verifyDownload({ actualSize: 10, expectedSize: 10, actualMD5: "a", expectedMD5: "a" }), undefined);
  t.is(verifyDownload({ actualSize: 10, expectedSize: 10, actualMD5: "a", expectedMD5: null }), undefined);
  t.is(verifyDownload({ actualSize: 10, actualMD5: "a" }), undefined);
  t.is(verifyDownload({ actualSize: 9, expectedSize: 10, actualMD5: "a", expectedMD5: "a" }), "received 9 bytes, expected 10");
  t.regex(verifyDownload({ actualSize: 10, expectedSize: 10, actualMD5: "b", expectedMD5: "a" })!, /Content-MD5 mismatch/);
});

// The backoff itself (jitter, cap) is @oclog/azure's and tested there; this pins what downloads retry.
test("downloads retry their nine network codes (a refused connection too), the transient statuses and a corrupted transfer, nothing else", (t) => {
  const nine = ["REQUEST_SEND_ERROR", "ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ESOCKETTIMEDOUT", "ERR_STREAM_PREMATURE_CLOSE", "UND_ERR_SOCKET"];
  for (const code of nine) {
    t.true(isTransient(Object.assign(new Error(code), { code })), code);
    t.true(isTransient(new Error("fetch failed", { cause: Object.assign(new Error(code), { code }) })), `${code} as the cause`);
  }
  for (const code of ["ENOTFOUND", "EACCES", "ERR_INVALID_URL"]) t.false(isTransient(Object.assign(new Error(code), { code })), code);
  for (const statusCode of [408, 429, 500, 502, 503, 504]) t.true(isTransient({ statusCode }), String(statusCode));
  for (const statusCode of [400, 401, 403, 404, 409, 412]) t.false(isTransient({ statusCode }), String(statusCode));
  t.true(isTransient(Object.assign(new Error("cut"), { name: "AbortError" })), "a connection cut mid-body");
  t.true(isTransient(new BlobIntegrityError("b", "received 1 bytes, expected 2", {})), "bytes that do not verify are fetched again");
  t.false(isTransient(new ContainerNotFoundError("c", { source: "s", container: "c", operation: "list blobs" })), "our own typed errors are final");
});

/** A loopback proxy in front of Azurite that can fail or cut requests, and counts concurrency. */
async function faultyProxy(decide: (req: IncomingMessage, count: number) => "pass" | "503" | "cut"): Promise<{ server: Server; connectionString: string; maxInFlight: () => number; close: () => Promise<void> }> {
  const upstream = new URL(azurite.blobEndpoint);
  const counts = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req, res) => {
    const key = `${req.method} ${req.url?.split("?")[0]}`;
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    const action = decide(req, count);
    if (action === "503") {
      req.resume();
      res.writeHead(503, { "x-ms-error-code": "ServerBusy", "content-length": "0" });
      res.end();
      return;
    }
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const forward = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      if (action === "cut") {
        // Send part of the body, then drop the connection: a broken transfer mid-stream.
        up.once("data", (chunk: Buffer) => {
          res.write(chunk.subarray(0, Math.max(1, chunk.length >> 1)), () => res.socket?.destroy());
          up.destroy();
        });
      } else {
        up.pipe(res);
      }
      res.on("close", () => inFlight--);
    });
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    connectionString: azurite.connectionString.replace(/BlobEndpoint=[^;]+/, `BlobEndpoint=http://127.0.0.1:${port}/${azurite.accountName}`),
    maxInFlight: () => maxInFlight,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

test("transient 503s and cut connections are retried; a blob that keeps failing fails alone, after bounded attempts", async (t) => {
  const container = await sampleContainer();
  const names = [...SAMPLES.keys()].sort();
  const alwaysFailing = names[3]!;
  const proxy = await faultyProxy((req, count) => {
    const path = decodeURIComponent(req.url?.split("?")[0] ?? "");
    if (req.method === "GET" && path.endsWith(alwaysFailing)) return "503";
    if (req.method === "GET" && path.endsWith(names[0]!) && count === 1) return "cut";
    if (count === 1) return "503"; // first try of every other request, the listing included
    return "pass";
  });
  t.teardown(proxy.close);
  const source = await openBlobSource({ connectionString: proxy.connectionString, container, retry: fast });
  const blobs = await listAll(source);
  t.deepEqual(blobs.map((b) => b.name), names);
  const dir = mkdtempSync(join(work, "flaky-"));
  const results = await source.downloadAll(blobs, (b) => join(dir, String(blobs.indexOf(b))));
  t.deepEqual(results.map((r) => r.status), ["ok", "ok", "ok", "failed"]);
  for (const result of results.slice(0, 3)) {
    if (result.status !== "ok") continue;
    t.is(result.md5, md5(SAMPLES.get(result.blob.name)!), "whole and correct despite the fault");
  }
  const cut = results[0]!;
  t.true(cut.status === "ok" && cut.attempts === 2, "cut mid-body once, then whole on the second attempt");
  t.true(results[1]!.status === "ok" && (results[1] as { attempts: number }).attempts === 2, "one 503, then success");
  const failed = results[3]!;
  t.true(failed.status === "failed" && /503 ServerBusy after 3 attempts/.test(failed.reason), JSON.stringify(failed));
  t.deepEqual(readdirSync(dir).sort(), ["0", "1", "2"]);
});

test("downloadAll keeps to its concurrency and returns results in input order", async (t) => {
  const container = `t${++containers}-many`;
  const containerClient = admin.getContainerClient(container);
  await containerClient.create();
  const names = Array.from({ length: 12 }, (_, i) => `oclog/alice/openclaw.gateway.${String(i).padStart(64, "x")}.17955964858${String(i).padStart(2, "0")}.gz`);
  for (const name of names) await containerClient.getBlockBlobClient(name).upload(name, name.length);
  const proxy = await faultyProxy(() => "pass");
  t.teardown(proxy.close);
  const source = await openBlobSource({ connectionString: proxy.connectionString, container });
  const blobs = (await listAll(source)).reverse();
  const dir = mkdtempSync(join(work, "many-"));
  const results = await source.downloadAll(blobs, (b) => join(dir, String(blobs.indexOf(b))), { concurrency: 3 });
  t.deepEqual(results.map((r) => r.blob.name), blobs.map((b) => b.name));
  t.true(results.every((r) => r.status === "ok"));
  t.true(proxy.maxInFlight() <= 3, `max in flight ${proxy.maxInFlight()}`);
  t.true(proxy.maxInFlight() >= 2, "it does run in parallel");
  for (const [i, blob] of blobs.entries()) t.is(readFileSync(join(dir, String(i)), "utf8"), blob.name);
  await t.throwsAsync(source.downloadAll(blobs, () => "x", { concurrency: 0 }), { instanceOf: UsageError });
});

test("an error thrown by onResult stops the run; an aborted run rejects", async (t) => {
  const container = await sampleContainer();
  const source = await openBlobSource({ connectionString: azurite.connectionString, container });
  const blobs = await listAll(source);
  const dir = mkdtempSync(join(work, "stop-"));
  let calls = 0;
  await t.throwsAsync(
    source.downloadAll(blobs, (b) => join(dir, String(blobs.indexOf(b))), {
      concurrency: 1,
      onResult: () => {
        calls++;
        throw new Error("disk full in the evidence store");
      },
    }),
    { message: "disk full in the evidence store" },
  );
  t.is(calls, 1);
  const controller = new AbortController();
  controller.abort();
  await t.throwsAsync(source.downloadAll(blobs, (b) => join(dir, `a${blobs.indexOf(b)}`), { signal: controller.signal }), { name: "AbortError" });
});

test("an unreachable endpoint is a StorageError after bounded attempts", async (t) => {
  // A port that was free a moment ago and has nothing listening.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const connectionString = azurite.connectionString.replace(/BlobEndpoint=[^;]+/, `BlobEndpoint=http://127.0.0.1:${port}/${azurite.accountName}`);
  const source = await openBlobSource({ connectionString, container: "oclog-alice", retry: fast });
  const error = await t.throwsAsync(listAll(source), { instanceOf: StorageError });
  t.regex(error.message, /^cannot reach http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1\/oclog-alice to list blobs after 3 attempts/);
  t.is(error.context.attempts, 3);
  t.false(everyRendering(error).includes(azurite.accountKey));
});

test("unsafe or malformed settings are refused without echoing secrets", async (t) => {
  const sas = mintContainerSas(azurite, "oclog-alice", "rl");
  const sig = new URLSearchParams(sas).get("sig")!;
  const inUrl = await t.throwsAsync(openBlobSource({ accountUrl: `${azurite.blobEndpoint}?${sas}`, container: "oclog-alice" }), { instanceOf: UsageError });
  t.regex(inUrl.message, /must not carry a query string/);
  t.regex(inUrl.hint ?? "", /AZURE_STORAGE_SAS/);
  t.false(everyRendering(inUrl).includes(sig));
  await t.throwsAsync(openBlobSource({ accountUrl: "http://example.com", sas, container: "oclog-alice" }), { instanceOf: UsageError, message: /must use https/ });
  await t.throwsAsync(openBlobSource({ accountUrl: "https://user:pw@example.com", sas, container: "oclog-alice" }), { instanceOf: UsageError });
  await t.throwsAsync(openBlobSource({ accountUrl: "not a url", sas, container: "oclog-alice" }), { instanceOf: UsageError, message: /is not a URL/ });
  const noSig = await t.throwsAsync(openBlobSource({ accountUrl: azurite.blobEndpoint, env: { AZURE_STORAGE_SAS: "sv=2020&sp=rl&secretish=hunter2hunter2" }, container: "oclog-alice" }), { instanceOf: UsageError });
  t.is(noSig.message, "the SAS in AZURE_STORAGE_SAS does not look like a SAS token (it has no sig= parameter)");
  t.false(everyRendering(noSig).includes("hunter2hunter2"));
  await t.throwsAsync(openBlobSource({ connectionString: azurite.connectionString, container: "../oclog-alice" }), { instanceOf: UsageError, message: /is not a valid container name/ });
  const badCs = await t.throwsAsync(openBlobSource({ connectionString: "AccountKey=topsecretvalue123;Nonsense", container: "oclog-alice" }), { instanceOf: UsageError });
  t.is(badCs.message, "the storage connection string is malformed");
  t.false(everyRendering(badCs).includes("topsecretvalue123"));
});

test("DefaultAzureCredential is only constructed for an account URL without a SAS, and makes no request to open", async (t) => {
  const source = await openBlobSource({ accountUrl: "https://example.blob.core.windows.net", container: "oclog-alice", env: {} });
  t.is(source.label, "https://example.blob.core.windows.net/oclog-alice");
  t.is(inspect(source), "BlobSource { https://example.blob.core.windows.net/oclog-alice }");
  const explicit = await openBlobSource({ accountUrl: "https://example.blob.core.windows.net", container: "c-1", credential: "default", env: { AZURE_STORAGE_SAS: "sig=x" } });
  t.is(explicit.label, "https://example.blob.core.windows.net/c-1");
});

test("Sensitive and scrub: secrets print as **REDACTED** in every form", (t) => {
  const secret = new Sensitive("sv=2024&sp=rl&sig=abc%2Bdef%3D%3Dxyz");
  t.is(String(secret), REDACTED);
  t.is(`${secret}`, REDACTED);
  t.is(JSON.stringify({ secret }), `{"secret":"${REDACTED}"}`);
  t.is(inspect(secret), REDACTED);
  t.is(inspect({ nested: { secret } }, { depth: 5, showHidden: true }), `{ nested: { secret: ${REDACTED} } }`);
  t.deepEqual(Object.keys(secret), []);
  t.is(secret.reveal(), "sv=2024&sp=rl&sig=abc%2Bdef%3D%3Dxyz");
  t.is(Sensitive.wrap(secret), secret);
  t.is(
    scrub("GET https://a.blob.core.windows.net/c/b?sv=1&sig=zzzzzzzz failed; sig abc+def==xyz", [secret]),
    `GET https://a.blob.core.windows.net/c/b?${REDACTED} failed; sig ${REDACTED}`,
  );
});

test("startAzurite: stop() ends the service and removes its folder", async (t) => {
  const other = await startAzurite();
  const port = Number(new URL(other.blobEndpoint).port);
  t.true(existsSync(other.location));
  await other.stop();
  await other.stop(); // twice is fine
  t.false(existsSync(other.location));
  t.false(await acceptsConnections(port), "nothing listens on its port any more");
});
