/**
 * Which failures of an Azure call are worth another attempt: one list for every adapter, so
 * blob downloads and Log Analytics queries cannot drift apart again. The one choice a caller
 * makes is whether a refused connection counts (see `TransientOptions`).
 */

/** HTTP statuses that mean "busy or briefly failing": timeout, throttling, 5xx gateway trouble. */
export const TRANSIENT_HTTP_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Error codes of a connection cut, timed out or never answered, as Node, undici and the Azure
 * core pipeline (REQUEST_SEND_ERROR) report them. ECONNREFUSED is kept apart: see REFUSED_CODE.
 */
export const TRANSIENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  "REQUEST_SEND_ERROR",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ESOCKETTIMEDOUT",
  "ERR_STREAM_PREMATURE_CLOSE",
  "UND_ERR_SOCKET",
]);

/** Nobody listens at the address: a restarting service, or a wrong endpoint. */
export const REFUSED_CODE = "ECONNREFUSED";

export interface TransientOptions {
  /**
   * Whether a refused connection is retried. Required, so each caller states its reason: blob
   * downloads say yes (a storage front end or Azurite restarting comes back within the
   * attempts), the Logs Query client says no (a refused connection to that public API is a wrong
   * endpoint or a proxy, and the hunt reports it at once instead of spending its wait budget).
   */
  refusedIsTransient: boolean;
}

/** True for an HTTP status worth retrying. */
export function isTransientStatus(status: number): boolean {
  return TRANSIENT_HTTP_STATUSES.has(status);
}

/** True for a network error code (as reported, or on its `cause`) worth retrying. */
export function isTransientNetworkError(error: unknown, options: TransientOptions): boolean {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | null | undefined;
  return [e?.code, e?.cause?.code].some(
    (code) => typeof code === "string" && (TRANSIENT_NETWORK_CODES.has(code) || (options.refusedIsTransient && code === REFUSED_CODE)),
  );
}
