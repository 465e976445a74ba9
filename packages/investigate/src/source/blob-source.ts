/**
 * The Azure Blob Storage adapter: list one container, download blobs to files as evidence.
 *
 * - Opened by `openBlobSource` (open-blob-source.ts, the credential choice); secrets live in
 *   `Sensitive` wrappers and private fields; every message from the service is scrubbed. Its
 *   errors are in storage-errors.ts.
 * - Downloads go to a temporary file beside the destination and are renamed into place only
 *   after the size and Content-MD5 check, conditional on the etag seen at listing (If-Match),
 *   so a blob replaced after listing is reported, never silently mixed in.
 * - Transient failures (5xx, 408, 429, resets; @oclog/azure decides) are retried with capped
 *   exponential backoff and jitter;
 *   the SDK's own retries are off so the attempt bound here is the only one.
 * - `downloadAll` reports one result per blob (ok, skipped, vanished, changed, failed); only
 *   problems that would fail every blob (credentials, a missing container) stop it.
 */
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { inspect } from "node:util";
import type { ContainerClient } from "@azure/storage-blob";
import { backoffMs, isTransientNetworkError, isTransientStatus, type BackoffPolicy } from "@oclog/azure";
import { ExitCode, OclogError, UsageError } from "@oclog/errors";
import { unsafeBlobNameReason } from "./blob-name.js";
import { DEFAULT_CONCURRENCY, DEFAULT_SAS_ENV } from "../defaults.js";
import { BlobChangedError, BlobIntegrityError, BlobNameRefusedError, BlobVanishedError, ContainerNotFoundError, StorageAuthError, StorageError, type StorageErrorContext } from "./storage-errors.js";
import type { DownloadOutcome, EvidenceSource, ListedBlob } from "../investigation.js";
import { quoteUntrusted, scrub, Sensitive } from "../sensitive.js";

// The listing shape is the investigation port's (etag as listed, MD5 base64 or null).
export type { ListedBlob };

/** Bounded retries: `attempts` tries in all, waits doubling (with jitter) from `baseDelayMs` up to `maxDelayMs`. */
export interface RetryPolicy extends BackoffPolicy {
  attempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 8_000 };
export { DEFAULT_SAS_ENV };


/** How the adapter was given its credential (messages differ: a SAS can lack a permission, a login a role). */
export type AuthKind = "connection-string" | "sas" | "azure-login";

// ---------------------------------------------------------------------------------------------
// Pure helpers

/** A problem with received bytes, or undefined when size and MD5 (where known) agree. */
export function verifyDownload(check: { expectedSize?: number | undefined; actualSize: number; expectedMD5?: string | null | undefined; actualMD5: string }): string | undefined {
  if (check.expectedSize !== undefined && check.expectedSize !== check.actualSize) {
    return `received ${check.actualSize} bytes, expected ${check.expectedSize}`;
  }
  if (check.expectedMD5 && check.expectedMD5 !== check.actualMD5) {
    return `Content-MD5 mismatch: stored ${check.expectedMD5}, received bytes hash to ${check.actualMD5}`;
  }
  return undefined;
}

/**
 * True for failures worth another attempt: service overload, resets, a transfer cut or
 * corrupted mid-body. The statuses and network codes are @oclog/azure's, shared with the Logs
 * Query client; downloads also retry a refused connection (a storage front end or Azurite
 * restarting comes back within the attempts). The SDK reports a connection cut mid-body as an
 * AbortError, so callers check their own abort signal before asking.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof BlobIntegrityError) return true;
  if (error instanceof OclogError) return false;
  const e = error as { name?: string; message?: string; statusCode?: number };
  if (typeof e?.statusCode === "number") return isTransientStatus(e.statusCode);
  if (e?.name === "AbortError" || String(e?.message).startsWith("Data corruption failure")) return true;
  return isTransientNetworkError(error, { refusedIsTransient: true });
}

/** Azure lists etags bare and sends them quoted; If-Match wants the quoted form. */
function quotedEtag(etag: string): string {
  return etag.startsWith('"') || etag.startsWith('W/"') ? etag : `"${etag}"`;
}

// ---------------------------------------------------------------------------------------------
// The adapter

export interface DownloadOptions {
  /** The etag from the listing: the download fails with BlobChangedError if the blob changed since. */
  expectedEtag?: string;
  expectedSize?: number;
  /** Base64 Content-MD5 from the listing; the response's stored MD5 is used when this is absent. */
  expectedMD5?: string | null;
  signal?: AbortSignal;
}

export interface Downloaded {
  path: string;
  bytes: number;
  /** Base64 MD5 of the bytes written. */
  md5: string;
  /** Whether a stored Content-MD5 was there to compare with. */
  md5Verified: boolean;
  attempts: number;
}

export type DownloadResult =
  | ({ blob: ListedBlob; status: "ok" } & Downloaded)
  /** `alreadyHave` said the caller has this blob at this etag; nothing was fetched. */
  | { blob: ListedBlob; status: "skipped" }
  | { blob: ListedBlob; status: "vanished"; reason: string }
  | { blob: ListedBlob; status: "changed"; reason: string }
  /** The name would make the request reach another blob; nothing was requested. */
  | { blob: ListedBlob; status: "refused"; reason: string }
  | { blob: ListedBlob; status: "failed"; reason: string; code: string };

export interface DownloadAllOptions {
  /** Parallel downloads; default 8. */
  concurrency?: number;
  /**
   * Resume hook: true when the caller already holds this blob at this etag (e.g. the evidence
   * manifest records it), so it is reported `skipped` without any request.
   */
  alreadyHave?: (blob: ListedBlob) => boolean | Promise<boolean>;
  /** Called after each result, one call at a time, in completion order; awaited. Throwing stops the run. */
  onResult?: (result: DownloadResult) => void | Promise<void>;
  /**
   * Called in the download's own worker as soon as a blob is on disk, several at once; awaited
   * before its result is reported. Throwing makes that blob's result "failed".
   */
  onDownloaded?: (result: DownloadResult & { status: "ok" }) => Promise<unknown>;
  /** Called after each result with running totals. */
  onProgress?: (progress: { done: number; total: number; bytes: number }) => void;
  signal?: AbortSignal;
}

/** One container, ready to list and download. Create with `openBlobSource`. */
export class BlobSource {
  /** Account endpoint and container, never a secret: for custody records and messages. */
  readonly label: string;
  readonly container: string;
  readonly #client: ContainerClient;
  readonly #secrets: Sensitive<string>[];
  readonly #auth: AuthKind;
  readonly #retry: RetryPolicy;
  readonly #sasInfo: { permissions?: string; expiresOn?: Date } | undefined;

  /** @internal use openBlobSource */
  constructor(init: {
    client: ContainerClient;
    container: string;
    label: string;
    secrets: Sensitive<string>[];
    auth: AuthKind;
    retry: RetryPolicy;
    sasInfo?: { permissions?: string; expiresOn?: Date };
  }) {
    this.#client = init.client;
    this.container = init.container;
    this.label = init.label;
    this.#secrets = init.secrets;
    this.#auth = init.auth;
    this.#retry = init.retry;
    this.#sasInfo = init.sasInfo;
  }

  [inspect.custom](): string {
    return `BlobSource { ${this.label} }`;
  }

  toJSON(): { label: string; container: string } {
    return { label: this.label, container: this.container };
  }

  /** Lists the container's blobs (optionally under a prefix), page by page, each page retried. */
  async *listBlobs(prefix?: string): AsyncGenerator<ListedBlob> {
    let continuationToken: string | undefined;
    do {
      const token = continuationToken;
      const { value: page } = await this.#withRetry({ operation: "list blobs" }, async () => {
        const iterator = this.#client.listBlobsFlat(prefix ? { prefix } : {}).byPage({ maxPageSize: 5000, ...(token ? { continuationToken: token } : {}) });
        return (await iterator.next()).value;
      });
      if (!page) return;
      for (const item of page.segment.blobItems) {
        const md5 = item.properties.contentMD5;
        yield {
          name: item.name,
          etag: item.properties.etag ?? "",
          size: item.properties.contentLength ?? 0,
          contentMD5: md5 && md5.length > 0 ? Buffer.from(md5).toString("base64") : null,
          lastModified: item.properties.lastModified,
        };
      }
      continuationToken = page.continuationToken || undefined;
    } while (continuationToken);
  }

  /**
   * Downloads one blob to `destPath` (replacing it) through a temporary file beside it, with
   * If-Match on `expectedEtag`, size and MD5 verification, and bounded retries.
   */
  async download(name: string, destPath: string, options: DownloadOptions = {}): Promise<Downloaded> {
    const unsafe = unsafeBlobNameReason(name);
    if (unsafe !== undefined) throw new BlobNameRefusedError(name, unsafe, { source: this.label, container: this.container, blob: name, operation: "download" });
    const { value, attempts } = await this.#withRetry({ operation: "download", blob: name, etag: options.expectedEtag, signal: options.signal }, () =>
      this.#downloadOnce(name, destPath, options),
    );
    return { ...value, attempts };
  }

  /**
   * Downloads many blobs with bounded parallelism; one result per blob, in input order. Throws
   * only for what would fail every blob (StorageAuthError, ContainerNotFoundError), an abort, or
   * an error thrown by `onResult`; in-flight downloads finish first.
   */
  async downloadAll(blobs: readonly ListedBlob[], destFor: (blob: ListedBlob) => string | Promise<string>, options: DownloadAllOptions = {}): Promise<DownloadResult[]> {
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new UsageError(`--concurrency: expected a positive integer, got ${quoteUntrusted(concurrency)}`);
    }
    const results: DownloadResult[] = new Array(blobs.length);
    let next = 0;
    let done = 0;
    let bytes = 0;
    let stop: { error: unknown } | undefined;
    // Results are handed over one at a time so callers can append to a hash-chained log safely.
    let handOver: Promise<void> = Promise.resolve();
    const report = (index: number, result: DownloadResult): Promise<void> => {
      results[index] = result;
      handOver = handOver.then(async () => {
        done++;
        if (result.status === "ok") bytes += result.bytes;
        options.onProgress?.({ done, total: blobs.length, bytes });
        await options.onResult?.(result);
      });
      return handOver;
    };
    const worker = async (): Promise<void> => {
      while (!stop && next < blobs.length) {
        if (options.signal?.aborted) {
          stop ??= { error: abortError(options.signal.reason) };
          return;
        }
        const index = next++;
        const blob = blobs[index]!;
        let result: DownloadResult;
        try {
          if (await options.alreadyHave?.(blob)) {
            result = { blob, status: "skipped" };
          } else {
            const dest = await destFor(blob);
            const downloaded = await this.download(blob.name, dest, {
              expectedEtag: blob.etag,
              expectedSize: blob.size,
              expectedMD5: blob.contentMD5,
              ...(options.signal ? { signal: options.signal } : {}),
            });
            result = { blob, status: "ok", ...downloaded };
            // In the worker, so that hashing and checking the file runs for many blobs at once.
            await options.onDownloaded?.(result);
          }
        } catch (error) {
          if (options.signal?.aborted) {
            stop ??= { error: abortError(options.signal.reason) };
            return;
          }
          if (error instanceof StorageAuthError || error instanceof ContainerNotFoundError) {
            stop ??= { error };
            return;
          }
          result = failedResult(blob, error, this.#secrets);
        }
        try {
          await report(index, result);
        } catch (error) {
          stop ??= { error };
          return;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, blobs.length) }, worker));
    await handOver.catch(() => undefined);
    if (stop) throw stop.error;
    return results;
  }

  async #downloadOnce(name: string, destPath: string, options: DownloadOptions): Promise<Omit<Downloaded, "attempts">> {
    const temp = join(dirname(destPath), `.${basename(destPath).slice(0, 100)}.${randomBytes(6).toString("hex")}.part`);
    try {
      const response = await this.#client.getBlobClient(name).download(0, undefined, {
        ...(options.expectedEtag ? { conditions: { ifMatch: quotedEtag(options.expectedEtag) } } : {}),
        ...(options.signal ? { abortSignal: options.signal } : {}),
        // The SDK resumes a broken body from where it stopped (with If-Match); bounded here too.
        maxRetryRequests: 3,
      });
      const body = response.readableStreamBody;
      if (!body) throw new StorageError(`the service sent no body for ${quoteUntrusted(name, 300)}`, "run again", this.#context("download", name));
      const md5 = createHash("md5");
      let size = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          md5.update(chunk);
          size += chunk.length;
          callback(null, chunk);
        },
      });
      // 0o600 while incomplete; the evidence store decides the final mode.
      await pipeline(body, meter, createWriteStream(temp, { flags: "wx", mode: 0o600 }), { signal: options.signal });
      // The file must be on disk before it is called evidence.
      const handle = await open(temp, "r");
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      const actualMD5 = md5.digest("base64");
      const stored = options.expectedMD5 ?? base64(response.blobContentMD5) ?? base64(response.contentMD5) ?? null;
      const problem = verifyDownload({
        expectedSize: options.expectedSize ?? response.contentLength,
        actualSize: size,
        expectedMD5: stored,
        actualMD5,
      });
      if (problem) throw new BlobIntegrityError(name, problem, { ...this.#context("download", name), bytes: size });
      await rename(temp, destPath);
      return { path: destPath, bytes: size, md5: actualMD5, md5Verified: stored !== null };
    } catch (error) {
      await rm(temp, { force: true });
      if ((error as { statusCode?: number }).statusCode === 412) throw await this.#whyConditionFailed(name, options.expectedEtag ?? "(none)", error);
      throw error;
    }
  }

  /**
   * If-Match failed: the blob was replaced, or deleted (Azurite answers 412 for a deleted blob
   * too). A metadata request tells which.
   */
  async #whyConditionFailed(name: string, listedEtag: string, error: unknown): Promise<OclogError> {
    const context = this.#context("download", name, error);
    try {
      const now = await this.#client.getBlobClient(name).getProperties();
      return new BlobChangedError(name, listedEtag, { ...context, currentEtag: now.etag ?? null });
    } catch (probe) {
      if ((probe as { statusCode?: number }).statusCode === 404) return new BlobVanishedError(name, context);
      return new BlobChangedError(name, listedEtag, context);
    }
  }

  async #withRetry<T>(
    where: { operation: string; blob?: string; etag?: string | undefined; signal?: AbortSignal | undefined },
    fn: () => Promise<T>,
  ): Promise<{ value: T; attempts: number }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return { value: await fn(), attempts: attempt };
      } catch (error) {
        if (where.signal?.aborted) throw abortError(where.signal.reason);
        if (!isTransient(error) || attempt >= this.#retry.attempts) throw this.#translate(error, where, attempt);
        await delay(backoffMs(attempt, this.#retry), where.signal);
      }
    }
  }

  #context(operation: string, blob?: string, error?: unknown): StorageErrorContext {
    const e = error as
      | { statusCode?: number; code?: string; details?: { errorCode?: string; requestId?: string; "x-ms-request-id"?: string }; response?: { headers?: { get?(name: string): string | undefined } } }
      | undefined;
    const context: StorageErrorContext = { source: this.label, container: this.container, operation };
    if (blob !== undefined) context.blob = blob;
    if (typeof e?.statusCode === "number") context.status = e.statusCode;
    // Bodiless answers (HEAD, a bare 503) carry the Azure error code only in a header.
    const azureCode = e?.code ?? e?.details?.errorCode ?? e?.response?.headers?.get?.("x-ms-error-code");
    if (azureCode) context.azureCode = scrub(String(azureCode), this.#secrets);
    const requestId = e?.details?.["x-ms-request-id"] ?? e?.details?.requestId ?? e?.response?.headers?.get?.("x-ms-request-id");
    if (requestId) context.requestId = String(requestId);
    return context;
  }

  /** Turns an SDK error into a typed error whose message and context are free of secrets. */
  #translate(error: unknown, where: { operation: string; blob?: string; etag?: string | undefined }, attempts: number): Error {
    if (error instanceof OclogError) return error;
    const { operation, blob } = where;
    const local = error as { path?: unknown; syscall?: unknown; code?: unknown };
    if (typeof local?.path === "string" && typeof local.syscall === "string") {
      // A local file failure (disk full, permissions), not the storage service.
      return new OclogError("E_LOCAL_IO", `cannot write the download of ${quoteUntrusted(blob ?? "", 300)}: ${String(local.code)} on ${quoteUntrusted(local.path, 300)}`, {
        hint: "check free space and permissions of the case folder",
        context: { operation, blob, code: String(local.code) },
      });
    }
    const context = this.#context(operation, blob, error);
    if (attempts > 1) context.attempts = attempts;
    const status = context.status;
    const message = (error as Error)?.name === "AbortError" ? "the connection was cut mid-transfer" : serviceSays(error, this.#secrets);
    const said = message ? `: ${message}` : "";
    if (status === 401 || status === 403 || isCredentialFailure(error)) {
      return new StorageAuthError(
        `access to ${this.label} was refused while trying to ${operation}${status ? ` (${status}${context.azureCode ? ` ${context.azureCode}` : ""})` : ""}${said}`,
        this.#authHint(),
        context,
      );
    }
    if (status === 404 && (context.azureCode === "ContainerNotFound" || blob === undefined)) {
      return new ContainerNotFoundError(this.container, context);
    }
    if (status === 404 && blob !== undefined) return new BlobVanishedError(blob, context);
    if (status === 412 && blob !== undefined) return new BlobChangedError(blob, where.etag ?? "(unknown)", context);
    if (status === undefined) {
      return new StorageError(`cannot reach ${this.label} to ${operation}${attempts > 1 ? ` after ${attempts} attempts` : ""}${said}`, "check the account URL or connection string, the network and any proxy; then run again", context);
    }
    return new StorageError(
      `storage error while trying to ${operation}${blob ? ` ${quoteUntrusted(blob, 300)}` : ""}: ${status}${context.azureCode ? ` ${context.azureCode}` : ""}${attempts > 1 ? ` after ${attempts} attempts` : ""}${said}`,
      isTransientStatus(status) ? "the service is busy or failing; run again later (downloads already preserved are kept)" : "see the status and Azure error code; run again with a corrected setup",
      context,
    );
  }

  #authHint(): string {
    const base = "the SAS/credential is wrong or expired, or lacks read/list permission";
    if (this.#auth === "sas") {
      const parts = [`${base}: a container SAS needs sp to include r (read) and l (list)`];
      if (this.#sasInfo?.permissions !== undefined) parts.push(`this SAS has sp=${quoteUntrusted(this.#sasInfo.permissions, 20)}`);
      if (this.#sasInfo?.expiresOn && this.#sasInfo.expiresOn.getTime() < Date.now()) parts.push(`it expired at ${this.#sasInfo.expiresOn.toISOString()}`);
      return `${parts.join("; ")}. Mint a new read+list SAS for this container and put it in the SAS environment variable.`;
    }
    if (this.#auth === "connection-string") return `${base}: check the AccountKey (or SAS) in the connection string against the storage account's current keys.`;
    return `${base}: sign in (az login) or use a managed identity with the Storage Blob Data Reader role on this container, or use a SAS.`;
  }
}

/** What the service said, first line only (request id and time go to the context), scrubbed; "" if nothing. */
function serviceSays(error: unknown, secrets: readonly Sensitive<string>[]): string {
  const message = error instanceof Error ? error.message : String(error);
  const first = message.split(/\r?\n/)[0]!.trim();
  return scrub(first.length > 300 ? `${first.slice(0, 300)}...` : first, secrets);
}

function isCredentialFailure(error: unknown): boolean {
  // @azure/identity's failures when no login is available or a token is refused.
  return /^(CredentialUnavailableError|AuthenticationRequiredError|AuthenticationError|AggregateAuthenticationError)$/.test(String((error as Error)?.name));
}

function failedResult(blob: ListedBlob, error: unknown, secrets: readonly Sensitive<string>[]): DownloadResult {
  const reason = error instanceof OclogError ? error.message : `unexpected: ${serviceSays(error, secrets) || String((error as Error)?.name)}`;
  if (error instanceof BlobVanishedError) return { blob, status: "vanished", reason };
  if (error instanceof BlobChangedError) return { blob, status: "changed", reason };
  if (error instanceof BlobNameRefusedError) return { blob, status: "refused", reason };
  return { blob, status: "failed", reason: scrub(reason, secrets), code: error instanceof OclogError ? error.code : "E_INTERNAL" };
}

function base64(bytes: Uint8Array | undefined): string | undefined {
  return bytes && bytes.length > 0 ? Buffer.from(bytes).toString("base64") : undefined;
}

/** An Error named AbortError (a signal's reason may be a DOMException or anything else). */
function abortError(reason?: unknown): Error {
  const error = new Error("the downloads were aborted", reason === undefined ? undefined : { cause: reason });
  error.name = "AbortError";
  return error;
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal.reason));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The investigation's EvidenceSource port over this adapter. */
export function asEvidenceSource(source: BlobSource, options: { concurrency?: number; prefix?: string; signal?: AbortSignal } = {}): EvidenceSource {
  return {
    label: source.label,
    list: () => source.listBlobs(options.prefix),
    async downloadAll(blobs, destFor, onDone, downloaded) {
      await source.downloadAll(blobs, destFor, {
        ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        onResult: (result) => onDone(result.blob, toOutcome(result)),
        ...(downloaded ? { onDownloaded: (result: DownloadResult) => downloaded(result.blob) } : {}),
      });
    },
  };
}

function toOutcome(result: DownloadResult): DownloadOutcome {
  switch (result.status) {
    case "ok":
    case "skipped":
      return { status: "ok" };
    case "vanished":
      return { status: "vanished" };
    case "refused":
      return { status: "refused", reason: result.reason };
    default:
      return { status: "failed", reason: result.reason };
  }
}

