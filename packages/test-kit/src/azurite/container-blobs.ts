/**
 * What tests do with a container in Azurite (or any blob endpoint a connection string names):
 * upload a folder tree as block blobs, plant a blob under a raw (hostile) path, create a
 * container, and download what is stored.
 */
import { readdir } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { join, relative, sep } from "node:path";
import { rootCertificates } from "node:tls";
import { BlobServiceClient, type StoragePipelineOptions } from "@azure/storage-blob";
import type { Azurite } from "./azurite.js";
import { mintContainerSas } from "./container-sas.js";

/**
 * Uploads every file under `localDir` as a block blob named `prefix` + its relative path (with
 * `/`), bytes unchanged; creates the container if needed. Returns the blob names, sorted.
 */
export async function uploadDirectory(connectionString: string, container: string, localDir: string, prefix = ""): Promise<string[]> {
  const containerClient = containerClientFor(connectionString, container);
  await containerClient.createIfNotExists();
  const names: string[] = [];
  for (const file of await filesUnder(localDir)) {
    const name = prefix + relative(localDir, file).split(sep).join("/");
    // uploadFile sends one Put Blob for small files, so the service records a Content-MD5 as Azure does.
    await containerClient.getBlockBlobClient(name).uploadFile(file);
    names.push(name);
  }
  return names.sort();
}

/** A client for one container; `ca` (PEM) is trusted for an Azurite started with a certificate. */
function containerClientFor(connectionString: string, container: string, ca?: string) {
  // tlsOptions reaches core-rest-pipeline's TLS policy; the storage SDK's options type omits it.
  const options = (ca === undefined ? {} : { tlsOptions: { ca: [...rootCertificates, ca] } }) as StoragePipelineOptions;
  return BlobServiceClient.fromConnectionString(connectionString, options).getContainerClient(container);
}

/** Creates a container (as onboarding a user does); `ca` as for an Azurite with a certificate. */
export async function createContainer(connectionString: string, container: string, options: { ca?: string } = {}): Promise<void> {
  await containerClientFor(connectionString, container, options.ca).createIfNotExists();
}

/** One blob as stored: its name and its bytes. */
export interface StoredBlob {
  name: string;
  bytes: Buffer;
}

/** Every blob in a container whose name starts with `prefix` and is not `skip`ped, downloaded, in listing order. */
export async function downloadContainer(connectionString: string, container: string, options: { ca?: string; prefix?: string; skip?: (name: string) => boolean } = {}): Promise<StoredBlob[]> {
  const client = containerClientFor(connectionString, container, options.ca);
  const blobs: StoredBlob[] = [];
  for await (const item of client.listBlobsFlat(options.prefix ? { prefix: options.prefix } : {})) {
    if (options.skip?.(item.name)) continue;
    blobs.push({ name: item.name, bytes: await client.getBlobClient(item.name).downloadToBuffer() });
  }
  return blobs;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/**
 * Uploads a block blob with its path exactly as given (already percent-encoded where it must be):
 * the SDK would resolve `..` segments away, so a name an attacker chose can only be planted raw.
 */
export async function uploadRawBlob(azurite: Azurite, container: string, pathAsSent: string, body: Buffer): Promise<void> {
  const url = new URL(azurite.blobEndpoint);
  const sas = mintContainerSas(azurite, container, "racwdl");
  const status = await new Promise<number>((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method: "PUT", path: `${url.pathname}/${container}/${pathAsSent}?${sas}`, headers: { "x-ms-blob-type": "BlockBlob", "content-length": body.length } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
  if (status !== 201) throw new Error(`raw upload of ${pathAsSent}: HTTP ${status}`);
}
