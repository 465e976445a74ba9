/**
 * Thin adapter over `LogsIngestionClient` (@azure/monitor-ingestion 1.2.0): sends rows to one
 * stream of one data collection rule and says which rows did not arrive, and why, instead of
 * one aggregate error.
 *
 * What the SDK does by itself (read from its source in node_modules): it splits the rows into
 * requests of under 1 MB of JSON, gzips each, sends up to 5 at once, and retries 429/503 (after
 * Retry-After) and other 5xx (exponential back-off) up to 3 times. A row of 1 MB or more still
 * goes out alone and is refused (413), so such rows are set aside here before sending. Retries
 * are reported through `onRetry` (a policy after the retry phase sees every attempt).
 */
import { rootCertificates } from "node:tls";
import type { TokenCredential } from "@azure/identity";
import { LogsIngestionClient } from "@azure/monitor-ingestion";
import { OclogError, UsageError, quoteUntrusted } from "@oclog/errors";
import { INGEST_CONCURRENCY } from "./defaults.js";

/** Where rows go: a data collection endpoint (or a DCR's own ingestion endpoint), a rule and a stream. */
export interface IngestTarget {
  endpoint: string;
  /** The DCR's immutable id, `dcr-` and 32 hex digits. */
  ruleId: string;
  stream: string;
}

/** The Logs Ingestion API takes at most 1 MB per request (documented service limit). */
export const MAX_REQUEST_BYTES = 1_000_000;
/** Field values longer than this are truncated by the service (documented limit); reported, not changed. */
export const MAX_FIELD_BYTES = 64 * 1024;

export const DCR_IMMUTABLE_ID = /^dcr-[0-9a-f]{32}$/;

/** Why a batch of rows did not arrive; `status` is the HTTP status when there was an answer. */
export class IngestError extends OclogError {
  readonly status: number | undefined;
  constructor(target: IngestTarget, status: number | undefined, serviceText: string, cause?: unknown) {
    super("E_INGEST", `Logs Ingestion API refused rows for ${target.stream} (rule ${target.ruleId})${status === undefined ? "" : ` with HTTP ${status}`}: ${serviceText}`, {
      hint: hintFor(status, serviceText),
      context: { ruleId: target.ruleId, stream: target.stream, ...(status === undefined ? {} : { status }) },
      cause,
    });
    this.status = status;
  }
}

function hintFor(status: number | undefined, text: string): string {
  if (status === 401 || (status === undefined && /credential|token|login/i.test(text))) {
    return "run `az login` (or set AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET for a service principal) and try again.";
  }
  if (status === 403) return "the login needs the Monitoring Metrics Publisher role on the data collection rule.";
  if (status === 404) return "check --rule-id (the DCR's immutable id, `dcr-...`, on its JSON view) and --endpoint (the data collection endpoint's logs ingestion URL).";
  if (status === 400) return "check that the DCR declares this stream with the columns of `oclog schema export --format dcr`.";
  if (status === 413) return "a request over 1 MB; this is a bug in batching, please report it.";
  if (status === 429 || (status !== undefined && status >= 500)) return "the service is busy or failing; run the same command again later (already sent rows are not sent twice).";
  return "check the network path to the data collection endpoint and run the same command again.";
}

/** Rows that did not arrive and the reason. */
export interface RowFailure<Row> {
  rows: Row[];
  error: IngestError;
}

export interface IngestClientOptions {
  credential: TokenCredential;
  /** Token audience for sovereign clouds, e.g. https://monitor.azure.cn (default Azure public). */
  audience?: string;
  /** Extra CA (PEM) besides the public roots: a local stand-in or a TLS-inspecting proxy. */
  extraCa?: string;
  /** Requests in flight at once (the SDK's default is 5). */
  concurrency?: number;
  onRetry?: (event: { status: number; retryAfter: string | undefined }) => void;
}

/** Sends rows to a DCR stream; never throws for a refused batch, returns it. */
export class IngestClient {
  readonly target: IngestTarget;
  readonly #sdk: LogsIngestionClient;
  readonly #concurrency: number;

  constructor(target: IngestTarget, options: IngestClientOptions) {
    if (!/^https:\/\//i.test(target.endpoint)) throw new UsageError(`the data collection endpoint must be https: ${quoteUntrusted(target.endpoint, 120)}`);
    if (!DCR_IMMUTABLE_ID.test(target.ruleId)) {
      throw new UsageError(`--rule-id ${quoteUntrusted(target.ruleId, 80)} is not a DCR immutable id`, { hint: "it looks like dcr-0123456789abcdef0123456789abcdef (the rule's JSON view, `immutableId`), not the rule's name" });
    }
    this.target = target;
    this.#concurrency = options.concurrency ?? INGEST_CONCURRENCY;
    this.#sdk = new LogsIngestionClient(target.endpoint, options.credential, {
      ...(options.audience === undefined ? {} : { audience: options.audience.replace(/\/+$/, "") }),
      retryOptions: { maxRetries: 3, maxRetryDelayInMs: 30_000 },
      // `ca` replaces the default roots in Node, so the public roots are listed alongside.
      ...(options.extraCa === undefined ? {} : { tlsOptions: { ca: [...rootCertificates, options.extraCa] } }),
    });
    const onRetry = options.onRetry;
    if (onRetry) {
      this.#sdk.pipeline.addPolicy(
        {
          name: "oclogReportRetries",
          async sendRequest(request, next) {
            const response = await next(request);
            if (response.status === 429 || response.status >= 500) onRetry({ status: response.status, retryAfter: response.headers.get("retry-after") });
            return response;
          },
        },
        { afterPhase: "Retry" },
      );
    }
  }

  /** Uploads rows (the SDK batches them); resolves to the batches that failed, empty when all arrived. */
  async upload<Row extends Record<string, unknown>>(rows: Row[], signal?: AbortSignal): Promise<RowFailure<Row>[]> {
    const failures: RowFailure<Row>[] = [];
    if (rows.length === 0) return failures;
    try {
      await this.#sdk.upload(this.target.ruleId, this.target.stream, rows, {
        maxConcurrency: this.#concurrency,
        ...(signal ? { abortSignal: signal } : {}),
        onError: ({ failedLogs, cause }) => failures.push({ rows: failedLogs as Row[], error: this.#classify(cause) }),
      });
    } catch (error) {
      // With onError set the SDK still throws an aggregate of the same failures; anything else is new.
      if (!(error instanceof Error && error.name === "AggregateLogsUploadError")) failures.push({ rows, error: this.#classify(error) });
    }
    return failures;
  }

  #classify(error: unknown): IngestError {
    const e = error as { statusCode?: number; message?: string; response?: { bodyAsText?: string | null } };
    const status = typeof e?.statusCode === "number" ? e.statusCode : undefined;
    let text = e?.message ?? String(error);
    try {
      const body = JSON.parse(e?.response?.bodyAsText ?? "") as { error?: { code?: string; message?: string } };
      if (body.error?.message) text = `${body.error.code ? `${body.error.code}: ` : ""}${body.error.message}`;
    } catch {
      // Not JSON: keep the SDK's message.
    }
    return new IngestError(this.target, status, quoteUntrusted(text, 400), error);
  }
}
