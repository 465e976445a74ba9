/**
 * Thin adapter over `LogsQueryClient` (@azure/monitor-query-logs 1.0.0): one KQL query against
 * one Log Analytics workspace, with the SDK's outcomes mapped to a typed result (success,
 * partial) or a typed error (throttled, timed out, workspace, auth, service).
 *
 * Why it does more than call `queryWorkspace` (all read from the SDK's source in node_modules):
 * - The default pipeline retries by itself (core-rest-pipeline `defaultRetryPolicy`, 3 retries):
 *   a 429 or 503 with Retry-After is retried after exactly that delay, however long it is, and a
 *   504 (the API's query timeout) is retried with exponential back-off (~1 s, 2 s, 4 s), silently.
 *   Then the last 429/504 surfaces as a RestError. We switch that off (`maxRetries: 0`) and retry
 *   here, so the total wait is bounded and every retry is reported through `onRetry`.
 * - `queryWorkspace` keeps only `requestOptions` from its options: `abortSignal` and `onResponse`
 *   are dropped. A per-call pipeline policy (found through AsyncLocalStorage) puts the signal on
 *   the request and keeps the raw response (status, Retry-After, body).
 * - On a non-200 whose body has no `{error: ...}` (an empty 429, say) the SDK's deserializer
 *   throws a TypeError and the status is lost; the raw response kept above is classified instead.
 * - Which failures are transient, the backoff (with jitter) and Retry-After parsing are
 *   @oclog/azure's, shared with blob downloads. Differences, on purpose: Retry-After is honoured
 *   exactly (no jitter: the service chose the time); a 504 is the query's server timeout, not
 *   retried (the same query would time out again); a refused connection is not retried.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { rootCertificates } from "node:tls";
import { setTimeout as delay } from "node:timers/promises";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import { LogsQueryClient, LogsQueryResultStatus, type LogsTable } from "@azure/monitor-query-logs";
import { backoffMs, isTransientNetworkError, isTransientStatus, parseRetryAfterMs, type BackoffPolicy } from "@oclog/azure";
import { OclogError, Sensitive, UsageError, quoteUntrusted, scrub } from "@oclog/errors";
import { DEFAULT_SERVER_TIMEOUT_SECONDS } from "./defaults.js";

/** One table of a result: column descriptors and rows (datetime cells are Dates, dynamic cells parsed JSON). */
export interface ResultTable {
  name: string;
  columns: { name: string; type: string }[];
  rows: unknown[][];
}

/** What a query returned: everything, or some tables plus the service's reason it stopped short. */
export type QueryOutcome =
  | { status: "success"; tables: ResultTable[] }
  | { status: "partial"; tables: ResultTable[]; error: { code: string; message: string } };

/** The absolute time range a hunt covers. */
export interface Timespan {
  startTime: Date;
  endTime: Date;
}

/** Reported before each retry, so the CLI can show progress instead of a silent pause. */
export interface RetryEvent {
  workspaceId: string;
  /** 1 for the first retry. */
  attempt: number;
  delayMs: number;
  reason: "throttled" | "transient";
  /** What the service asked for (Retry-After), when it said. */
  retryAfterMs: number | null;
  /** The failure being retried. */
  error: HuntQueryError;
}

/** How long and how often to retry throttling and transient failures. */
export interface RetryBudget {
  /** Retries per query (not counting the first attempt). */
  maxRetries: number;
  /** Upper bound on the time one query spends waiting between attempts. */
  maxTotalWaitMs: number;
}

export const DEFAULT_RETRY_BUDGET: RetryBudget = { maxRetries: 3, maxTotalWaitMs: 60_000 };
export { DEFAULT_SERVER_TIMEOUT_SECONDS };
const MAX_SERVER_TIMEOUT_SECONDS = 600;
/** How much longer than the server timeout the client waits for an answer before giving up. */
const CLIENT_TIMEOUT_GRACE_MS = 30_000;

export interface LogsClientOptions {
  credential: TokenCredential;
  /** API endpoint including the version, e.g. https://api.loganalytics.io/v1 (the SDK's `endpoint`). */
  endpoint?: string;
  /** Token audience, e.g. https://api.loganalytics.azure.cn for Azure China (the SDK ignores its own `audience`). */
  audience?: string;
  /** Extra CA certificate (PEM) to trust besides the public roots: a local stand-in or a TLS-inspecting proxy. */
  extraCa?: string;
  retry?: Partial<RetryBudget>;
}

export interface QueryWorkspaceOptions {
  /** Server-side limit (Prefer: wait); 1..600, default 180. */
  serverTimeoutInSeconds?: number;
  /** Client-side limit per attempt; default the server timeout plus 30 s. */
  clientTimeoutMs?: number;
  abortSignal?: AbortSignal;
  onRetry?: (event: RetryEvent) => void;
}

// ---------------------------------------------------------------------------------------------
// Errors

/** Base of every query failure: which workspace, plus what the service said when it said something. */
export class HuntQueryError extends OclogError {
  readonly workspaceId: string;
  readonly status: number | undefined;
  constructor(
    code: string,
    message: string,
    options: { workspaceId: string; status?: number; hint?: string; context?: Record<string, unknown>; cause?: unknown },
  ) {
    super(code, message, {
      hint: options.hint,
      cause: options.cause,
      context: { workspaceId: options.workspaceId, ...(options.status === undefined ? {} : { status: options.status }), ...options.context },
    });
    this.workspaceId = options.workspaceId;
    this.status = options.status;
  }
}

/** 429 (or 503 with Retry-After) that outlasted the retry budget. */
export class ThrottledError extends HuntQueryError {
  /** What the service last asked us to wait, or null when it did not say. */
  readonly retryAfterMs: number | null;
  readonly attempts: number;
  readonly serviceText: string;
  constructor(workspaceId: string, status: number, retryAfterMs: number | null, attempts: number, serviceText: string) {
    const wait = retryAfterMs === null ? "" : `; it asks to wait ${formatMs(retryAfterMs)}`;
    super("E_HUNT_THROTTLED", `Log Analytics throttled queries to workspace ${workspaceId} (HTTP ${status}) after ${attempts} attempt(s)${wait}: ${serviceText}`, {
      workspaceId,
      status,
      hint: `wait${retryAfterMs === null ? " a minute" : ` ${formatMs(retryAfterMs)}`} and run the hunt again, or run fewer detections at once (--detection, lower concurrency).`,
      context: { retryAfterMs, attempts },
    });
    this.retryAfterMs = retryAfterMs;
    this.attempts = attempts;
    this.serviceText = serviceText;
  }

  /** The same throttle, counting every attempt the retry loop made. */
  afterAttempts(attempts: number): ThrottledError {
    return new ThrottledError(this.workspaceId, this.status ?? 429, this.retryAfterMs, attempts, this.serviceText);
  }
}

/** The query outran a time limit: the server's (504 GatewayTimeout) or ours (no answer in time). */
export class QueryTimeoutError extends HuntQueryError {
  readonly side: "server" | "client";
  readonly timeoutMs: number;
  constructor(workspaceId: string, side: "server" | "client", timeoutMs: number, serviceText?: string) {
    const message =
      side === "server"
        ? `The query against workspace ${workspaceId} ran past the server timeout of ${formatMs(timeoutMs)} (HTTP 504): ${serviceText ?? "no detail"}`
        : `No answer from Log Analytics for workspace ${workspaceId} within ${formatMs(timeoutMs)}; the request was cancelled.`;
    super("E_HUNT_TIMEOUT", message, {
      workspaceId,
      ...(side === "server" ? { status: 504 } : {}),
      hint:
        side === "server"
          ? `narrow the hunt (a shorter --since, or --users) or raise the server timeout (the API allows at most ${MAX_SERVER_TIMEOUT_SECONDS} s).`
          : "the service or the network is slow: run the hunt again, or narrow it with a shorter --since.",
      context: { side, timeoutMs },
    });
    this.side = side;
    this.timeoutMs = timeoutMs;
  }
}

/** 404 or 403: the workspace does not exist here, or this login may not read it. */
export class WorkspaceError extends HuntQueryError {
  readonly reason: "not-found" | "forbidden";
  constructor(workspaceId: string, status: 404 | 403, serviceText: string) {
    const reason = status === 404 ? "not-found" : "forbidden";
    super(
      "E_HUNT_WORKSPACE",
      status === 404
        ? `Log Analytics workspace ${workspaceId} was not found (HTTP 404): ${serviceText}`
        : `Your login may not query Log Analytics workspace ${workspaceId} (HTTP 403): ${serviceText}`,
      {
        workspaceId,
        status,
        hint:
          "check the workspace id (a GUID: Log Analytics workspace > Overview > Workspace ID) and that your login has " +
          "the Log Analytics Reader role on it (`az role assignment list --assignee <you> --scope <workspace resource id>`).",
        context: { reason },
      },
    );
    this.reason = reason;
  }
}

/** No usable Azure token: the credential failed, or the API refused the token (401). */
export class AuthError extends HuntQueryError {
  constructor(workspaceId: string, message: string, options: { status?: number; cause?: unknown } = {}) {
    super("E_HUNT_AUTH", message, {
      workspaceId,
      ...options,
      hint:
        "run `az login` (add `--tenant <tenant id>` when the workspace lives in another tenant) and try again; " +
        "a service principal needs AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET.",
    });
  }
}

/** The caller cancelled (Ctrl-C): not a service failure, but reported like one so nothing is lost. */
export class QueryAbortedError extends HuntQueryError {
  constructor(workspaceId: string) {
    super("E_HUNT_ABORTED", `The query against workspace ${workspaceId} was cancelled.`, { workspaceId });
  }
}

/** Any other failure: a rejected query (400), a service error, the network, an unreadable answer. */
export class LogsServiceError extends HuntQueryError {
  /** Worth retrying (500/502/503, a reset connection); the retry loop reads this. */
  readonly transient: boolean;
  constructor(
    code: string,
    message: string,
    options: { workspaceId: string; status?: number; hint?: string; transient?: boolean; context?: Record<string, unknown>; cause?: unknown },
  ) {
    super(code, message, options);
    this.transient = options.transient ?? false;
  }
}

// ---------------------------------------------------------------------------------------------
// The client

/** What the per-call policy saw of the last HTTP response (the SDK may lose it on failure). */
interface RawResponse {
  status: number;
  headers: { get(name: string): string | undefined };
  bodyText: string | null | undefined;
}

interface CallContext {
  signal: AbortSignal;
  response?: RawResponse;
}

type PipelinePolicy = Parameters<LogsQueryClient["pipeline"]["addPolicy"]>[0];

/** Queries Log Analytics workspaces with bounded, reported retries and typed outcomes. */
export class LogsClient {
  readonly #sdk: LogsQueryClient;
  readonly #calls = new AsyncLocalStorage<CallContext>();
  readonly #retry: RetryBudget;
  // Every token handed to the SDK, so a service message that echoes one is scrubbed.
  readonly #tokens: Sensitive<string>[] = [];

  constructor(options: LogsClientOptions) {
    if (options.endpoint !== undefined && !/^https:\/\//i.test(options.endpoint)) {
      // The SDK's bearer policy refuses plain http with a bare Error; say it up front.
      throw new UsageError(`The Log Analytics endpoint must be https: ${quoteUntrusted(options.endpoint, 120)}`);
    }
    this.#retry = { ...DEFAULT_RETRY_BUDGET, ...options.retry };
    this.#sdk = new LogsQueryClient(this.#recordingCredential(options.credential), {
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.audience === undefined ? {} : { credentials: { scopes: [`${options.audience.replace(/\/+$/, "")}/.default`] } }),
      // Retries happen in queryWorkspace, bounded and reported; see the header comment.
      retryOptions: { maxRetries: 0 },
      // `ca` replaces the default roots in Node, so the public roots are listed alongside.
      ...(options.extraCa === undefined ? {} : { tlsOptions: { ca: [...rootCertificates, options.extraCa] } }),
    });
    // Serialize runs before every other phase, so the signal is on the request before the token is fetched.
    this.#sdk.pipeline.addPolicy(this.#callPolicy(), { phase: "Serialize" });
  }

  /** Runs one query; resolves to success or partial, throws a HuntQueryError subclass otherwise. */
  async queryWorkspace(workspaceId: string, query: string, timespan: Timespan, options: QueryWorkspaceOptions = {}): Promise<QueryOutcome> {
    const serverTimeoutInSeconds = options.serverTimeoutInSeconds ?? DEFAULT_SERVER_TIMEOUT_SECONDS;
    if (!Number.isInteger(serverTimeoutInSeconds) || serverTimeoutInSeconds < 1 || serverTimeoutInSeconds > MAX_SERVER_TIMEOUT_SECONDS) {
      throw new UsageError(`The server timeout must be a whole number of seconds from 1 to ${MAX_SERVER_TIMEOUT_SECONDS}, not ${serverTimeoutInSeconds}.`);
    }
    const clientTimeoutMs = options.clientTimeoutMs ?? serverTimeoutInSeconds * 1000 + CLIENT_TIMEOUT_GRACE_MS;
    let waitedMs = 0;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#attempt(workspaceId, query, timespan, serverTimeoutInSeconds, clientTimeoutMs, options.abortSignal);
      } catch (error) {
        const next = nextRetry(error, attempt, waitedMs, this.#retry);
        if (next === null) throw error instanceof ThrottledError ? error.afterAttempts(attempt + 1) : error;
        options.onRetry?.({ workspaceId, attempt: attempt + 1, ...next, error: error as HuntQueryError });
        try {
          await delay(next.delayMs, undefined, options.abortSignal ? { signal: options.abortSignal } : {});
        } catch {
          throw new QueryAbortedError(workspaceId);
        }
        waitedMs += next.delayMs;
      }
    }
  }

  async #attempt(
    workspaceId: string,
    query: string,
    timespan: Timespan,
    serverTimeoutInSeconds: number,
    clientTimeoutMs: number,
    callerSignal: AbortSignal | undefined,
  ): Promise<QueryOutcome> {
    if (callerSignal?.aborted) throw new QueryAbortedError(workspaceId);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, clientTimeoutMs);
    const onAbort = () => controller.abort();
    callerSignal?.addEventListener("abort", onAbort, { once: true });
    const call: CallContext = { signal: controller.signal };
    try {
      const result = await this.#calls.run(call, () =>
        this.#sdk.queryWorkspace(workspaceId, query, { startTime: timespan.startTime, endTime: timespan.endTime }, { serverTimeoutInSeconds }),
      );
      if (result.status === LogsQueryResultStatus.Success) return { status: "success", tables: result.tables.map(toResultTable) };
      // The SDK's deserializer drops `innererror` from details, and that is where the reason is
      // ("results exceed the set limit ..."), so the raw body is preferred when it parses.
      const partialError = parseServiceError(call.response?.bodyText) ?? result.partialError;
      const text = this.#serviceText(partialError);
      return { status: "partial", tables: result.partialTables.map(toResultTable), error: { code: partialError.code ?? "PartialError", message: text } };
    } catch (error) {
      if (error instanceof HuntQueryError) throw error;
      if (error instanceof CredentialFailure) throw new AuthError(workspaceId, error.message, { cause: error.cause });
      if (callerSignal?.aborted) throw new QueryAbortedError(workspaceId);
      if (timedOut) throw new QueryTimeoutError(workspaceId, "client", clientTimeoutMs);
      throw this.#classify(workspaceId, call.response, error, serverTimeoutInSeconds);
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener("abort", onAbort);
    }
  }

  /** Maps an HTTP failure (from the raw response when there is one) to a typed error. */
  #classify(workspaceId: string, raw: RawResponse | undefined, error: unknown, serverTimeoutInSeconds: number): HuntQueryError {
    if (raw === undefined || raw.status === 200) {
      const code = (error as { code?: unknown })?.code;
      // System error codes (ECONNREFUSED, ENOTFOUND...) pass through the SDK's http client as is.
      if (typeof code === "string" && (/^E[A-Z]+$/.test(code) || code === "REQUEST_SEND_ERROR")) {
        return new LogsServiceError("E_HUNT_NETWORK", `Could not reach Log Analytics for workspace ${workspaceId}: ${code}`, {
          workspaceId,
          // A refused connection to the public API is a wrong endpoint or a proxy: report it at once.
          transient: isTransientNetworkError(error, { refusedIsTransient: false }),
          hint: "check the network (proxy, firewall, DNS) and the endpoint; then run the hunt again.",
          cause: error,
        });
      }
      return new LogsServiceError("E_HUNT_RESPONSE", `Log Analytics sent an answer for workspace ${workspaceId} that could not be read: ${this.#scrub(errorMessage(error))}`, {
        workspaceId,
        ...(raw ? { status: raw.status } : {}),
        cause: error,
      });
    }
    const { status } = raw;
    const serviceError = parseServiceError(raw.bodyText);
    const text = serviceError ? this.#serviceText(serviceError) : `HTTP ${status} with no error detail`;
    const requestId = raw.headers.get("x-ms-request-id") ?? raw.headers.get("x-ms-client-request-id");
    const context = { serviceCode: serviceError?.code ?? null, ...(requestId ? { requestId } : {}) };
    const retryAfterMs = parseRetryAfterMs(raw.headers);
    if (status === 429 || (status === 503 && retryAfterMs !== null)) return new ThrottledError(workspaceId, status, retryAfterMs, 1, text);
    if (status === 504) return new QueryTimeoutError(workspaceId, "server", serverTimeoutInSeconds * 1000, text);
    if (status === 404 || status === 403) return new WorkspaceError(workspaceId, status, text);
    if (status === 401) return new AuthError(workspaceId, `Log Analytics refused the Azure token for workspace ${workspaceId} (HTTP 401): ${text}`, { status });
    if (status === 400) {
      return new LogsServiceError("E_HUNT_QUERY", `Log Analytics rejected the query for workspace ${workspaceId} (HTTP 400): ${text}`, {
        workspaceId,
        status,
        hint: "the detection's KQL (or its bound parameters) is invalid for this workspace; check the tables it uses exist here.",
        context,
      });
    }
    return new LogsServiceError("E_HUNT_SERVICE", `Log Analytics failed the query for workspace ${workspaceId} (HTTP ${status}): ${text}`, {
      workspaceId,
      status,
      // 429 and 504 were taken above (throttled, server timeout); 408, 500, 502 and 503 remain.
      transient: isTransientStatus(status),
      hint: "a service-side failure: run the hunt again later; quote the requestId if you open a support case.",
      context,
    });
  }

  /** The service's code and message, plus the innermost detail (the informative part), scrubbed and quoted. */
  #serviceText(error: ServiceErrorBody): string {
    const parts = [error.message, ...innerMessages(error)].filter((m): m is string => typeof m === "string" && m.length > 0);
    const joined = [...new Set(parts)].join(" / ");
    return `${error.code ?? "Error"} ${quoteUntrusted(this.#scrub(joined), 400)}`;
  }

  #scrub(text: string): string {
    return scrub(text, this.#tokens);
  }

  /** Wraps the caller's credential: keeps issued tokens for scrubbing, turns failures into AuthError. */
  #recordingCredential(inner: TokenCredential): TokenCredential {
    return {
      getToken: async (scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> => {
        let token: AccessToken | null;
        try {
          token = await inner.getToken(scopes, options);
        } catch (error) {
          if (options?.abortSignal?.aborted) throw error;
          throw new CredentialFailure(`Could not get an Azure token for Log Analytics: ${this.#scrub(firstLine(errorMessage(error)))}`, error);
        }
        if (!token) throw new CredentialFailure("The Azure credential returned no token for Log Analytics.", undefined);
        this.#tokens.push(new Sensitive(token.token));
        if (this.#tokens.length > 8) this.#tokens.shift();
        return token;
      },
    };
  }

  #callPolicy(): PipelinePolicy {
    return {
      name: "oclogCallContext",
      sendRequest: async (request, next) => {
        const call = this.#calls.getStore();
        if (call) request.abortSignal = call.signal;
        const response = await next(request);
        if (call) call.response = { status: response.status, headers: response.headers, bodyText: response.bodyAsText };
        return response;
      },
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Pure helpers

/** Backoff when the service gave no Retry-After: about 1 s, 2 s, 4 s ... up to 30 s, jittered. */
export const QUERY_BACKOFF: BackoffPolicy = { baseDelayMs: 1000, maxDelayMs: 30_000 };

/** When and why to retry `error` after `attempt` (0-based) with `waitedMs` spent, or null to give up. */
export function nextRetry(
  error: unknown,
  attempt: number,
  waitedMs: number,
  budget: RetryBudget,
  random: () => number = Math.random,
): { delayMs: number; reason: RetryEvent["reason"]; retryAfterMs: number | null } | null {
  if (attempt >= budget.maxRetries) return null;
  let delayMs: number;
  let reason: RetryEvent["reason"];
  let retryAfterMs: number | null = null;
  if (error instanceof ThrottledError) {
    retryAfterMs = error.retryAfterMs;
    delayMs = retryAfterMs ?? backoffMs(attempt + 1, QUERY_BACKOFF, random);
    reason = "throttled";
  } else if (error instanceof LogsServiceError && error.transient) {
    delayMs = backoffMs(attempt + 1, QUERY_BACKOFF, random);
    reason = "transient";
  } else {
    return null;
  }
  // A wait the budget cannot cover is not started: better to report now than to stall the hunt.
  if (waitedMs + delayMs > budget.maxTotalWaitMs) return null;
  return { delayMs, reason, retryAfterMs };
}

/**
 * Thrown by the wrapped credential. The token cycler shares one refresh between concurrent
 * calls, so the failure cannot know its workspace; #attempt turns it into an AuthError that does.
 */
class CredentialFailure extends Error {
  constructor(message: string, cause: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "CredentialFailure";
  }
}

interface ServiceErrorBody {
  code?: string;
  message?: string;
  details?: { code?: string; message?: string; innererror?: ServiceErrorBody }[];
  innererror?: ServiceErrorBody;
}

function parseServiceError(bodyText: string | null | undefined): ServiceErrorBody | undefined {
  if (!bodyText) return undefined;
  try {
    const parsed = JSON.parse(bodyText) as { error?: unknown };
    return typeof parsed?.error === "object" && parsed.error !== null ? (parsed.error as ServiceErrorBody) : undefined;
  } catch {
    return undefined;
  }
}

function innerMessages(error: ServiceErrorBody, depth = 0): string[] {
  if (depth > 4) return [];
  const out: string[] = [];
  for (const detail of error.details ?? []) {
    if (detail.message) out.push(detail.message);
    if (detail.innererror) out.push(...innerMessages(detail.innererror, depth + 1), detail.innererror.message ?? "");
  }
  if (error.innererror) out.push(error.innererror.message ?? "", ...innerMessages(error.innererror, depth + 1));
  return out;
}

function toResultTable(table: LogsTable): ResultTable {
  return { name: table.name, columns: table.columnDescriptors.map((c) => ({ name: c.name ?? "", type: String(c.type ?? "") })), rows: table.rows };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function firstLine(text: string): string {
  const line = text.split("\n", 1)[0] ?? "";
  return line.length > 300 ? `${line.slice(0, 300)}...` : line;
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
