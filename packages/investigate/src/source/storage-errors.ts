/**
 * The typed errors of reading a container: what went wrong (credentials, a missing container, a
 * blob that vanished, changed or arrived damaged, a name refused before any request), with the
 * context an investigator needs and never a secret.
 */
import { ExitCode, OclogError } from "@oclog/errors";
import { quoteUntrusted } from "../sensitive.js";

/** Common context of storage errors: where, and what the service said (never a secret). */
export interface StorageErrorContext extends Record<string, unknown> {
  source: string;
  container: string;
  blob?: string;
  operation: string;
  status?: number;
  azureCode?: string;
  requestId?: string;
}

/** The credential was refused (401/403) or could not be obtained. */
export class StorageAuthError extends OclogError {
  constructor(message: string, hint: string, context: StorageErrorContext) {
    super("E_STORAGE_AUTH", message, { hint, context, exitCode: ExitCode.usage });
  }
}

/** The container does not exist (404 on the container). */
export class ContainerNotFoundError extends OclogError {
  constructor(container: string, context: StorageErrorContext) {
    super("E_CONTAINER_NOT_FOUND", `container ${quoteUntrusted(container)} does not exist in ${context.source.replace(/\/[^/]*$/, "")}`, {
      hint: "check the user id and the account; pass --container NAME, or a --users FILE mapping users to containers, if the container is named differently",
      context,
      exitCode: ExitCode.usage,
    });
  }
}

/** The blob was listed but is gone now (404 on the blob): deleted, or its container was emptied. */
export class BlobVanishedError extends OclogError {
  constructor(blob: string, context: StorageErrorContext) {
    super("E_BLOB_VANISHED", `blob ${quoteUntrusted(blob, 300)} was listed but no longer exists`, {
      hint: "a retention policy or someone deleted it after listing; the other blobs are unaffected",
      context,
    });
  }
}

/** The blob was replaced after listing (If-Match failed, 412). */
export class BlobChangedError extends OclogError {
  constructor(blob: string, etag: string, context: StorageErrorContext) {
    super("E_BLOB_CHANGED", `blob ${quoteUntrusted(blob, 300)} changed after it was listed (listed etag ${etag})`, {
      hint: "Fluent Bit never rewrites a block blob, so find out who did; run again to preserve the current version",
      context,
    });
  }
}

/** The bytes received do not match the blob's size or Content-MD5. */
export class BlobIntegrityError extends OclogError {
  constructor(blob: string, problem: string, context: Record<string, unknown>) {
    super("E_BLOB_INTEGRITY", `blob ${quoteUntrusted(blob, 300)}: ${problem}`, {
      hint: "the download was corrupted or the stored Content-MD5 is wrong; run again, and if it persists compare with the Azure portal",
      context,
    });
  }
}

/** The blob's name would make the request reach some other blob: refused before any request. */
export class BlobNameRefusedError extends OclogError {
  constructor(blob: string, reason: string, context: Record<string, unknown>) {
    super("E_BLOB_NAME_REFUSED", `blob ${quoteUntrusted(blob, 300)} was not requested: ${reason}`, {
      hint: "Fluent Bit never writes such a name; find out who did (it is kept in the case's custody log), and look at the blob with the Azure portal if you need its content",
      context,
    });
  }
}

/** Any other storage failure (network, service error) after the retries. */
export class StorageError extends OclogError {
  constructor(message: string, hint: string, context: StorageErrorContext) {
    super("E_STORAGE", message, { hint, context });
  }
}
