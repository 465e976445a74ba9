/**
 * A STAND-IN for the Azure Monitor Logs Ingestion API (a data collection endpoint). There is no
 * emulator for it, so this local HTTPS server speaks only the request and response shapes that
 * `LogsIngestionClient.upload` (@azure/monitor-ingestion 1.2.0) uses:
 *
 *   POST /dataCollectionRules/{ruleId}/streams/{stream}?api-version=2023-01-01
 *        Authorization: Bearer <token>, Content-Encoding: gzip, body: a JSON array of rows
 *   204                                         accepted
 *   4xx/5xx {error: {code, message}}            refused (429/503 may carry Retry-After)
 *
 * It stores what it accepted, per stream, so a test can compare rows with what it sent. It does
 * not run the DCR's transformation and does not check rows against the stream declaration (the
 * tests do that against @oclog/schema's DCR). Error code strings are illustrative; the client
 * classifies on HTTP status.
 */
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { gunzipSync } from "node:zlib";
import { STANDIN_TOKEN } from "./logs-api-standin.js";
import { selfSignedLoopbackCert } from "./standin-tls.js";

/** A refusal the stand-in gives to the next request instead of accepting it. */
export interface IngestFailure {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
}

export interface IngestRequest {
  ruleId: string;
  stream: string;
  apiVersion: string | null;
  contentEncoding: string | undefined;
  authorized: boolean;
  rows: number;
  /** Status the stand-in answered with. */
  status: number;
}

export interface LogsIngestionStandIn {
  /** The data collection endpoint to pass to the client. */
  endpoint: string;
  ca: string;
  /** Data collection rules (immutable ids) and the streams each declares; anything else answers 404. */
  rules: Map<string, Set<string>>;
  /** Answers for the next requests, in turn (each used once); empty means accept. */
  failNext: IngestFailure[];
  /** Accepted rows by `<ruleId>/<stream>`. */
  accepted: Map<string, Record<string, unknown>[]>;
  requests: IngestRequest[];
  close(): Promise<void>;
}

/** A 429 as the ingestion API throttles (Retry-After in seconds). */
export function throttled(retryAfterSeconds: number): IngestFailure {
  return { status: 429, code: "TooManyRequests", message: "Rate limit exceeded; retry after the time given in Retry-After.", headers: { "retry-after": String(retryAfterSeconds) } };
}

/** Starts the stand-in on 127.0.0.1, on a port the OS picks. */
export async function startLogsIngestionStandIn(options: { token?: string } = {}): Promise<LogsIngestionStandIn> {
  const { key, cert, dispose } = await selfSignedLoopbackCert();
  const expected = `Bearer ${options.token ?? STANDIN_TOKEN}`;
  const rules = new Map<string, Set<string>>();
  const failNext: IngestFailure[] = [];
  const accepted = new Map<string, Record<string, unknown>[]>();
  const requests: IngestRequest[] = [];

  const send = (res: ServerResponse, failure: IngestFailure) =>
    res.writeHead(failure.status, { "content-type": "application/json", ...failure.headers }).end(JSON.stringify({ error: { code: failure.code, message: failure.message } }));

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const url = new URL(req.url ?? "/", "https://127.0.0.1");
    const match = /^\/dataCollectionRules\/([^/]+)\/streams\/([^/]+)$/.exec(url.pathname);
    const ruleId = match ? decodeURIComponent(match[1]!) : "";
    const stream = match ? decodeURIComponent(match[2]!) : "";
    const authorized = req.headers.authorization === expected;
    const entry: IngestRequest = { ruleId, stream, apiVersion: url.searchParams.get("api-version"), contentEncoding: req.headers["content-encoding"], authorized, rows: 0, status: 0 };
    requests.push(entry);
    const answer = (failure: IngestFailure) => {
      entry.status = failure.status;
      send(res, failure);
    };
    if (!authorized) return answer({ status: 401, code: "InvalidToken", message: "The provided authentication is not valid for this resource." });
    if (req.method !== "POST" || !match) return answer({ status: 404, code: "NotFound", message: `The stand-in serves only POST /dataCollectionRules/{id}/streams/{stream}: ${req.method} ${url.pathname}` });
    if (!rules.has(ruleId)) return answer({ status: 404, code: "NotFound", message: `Data collection rule with immutable Id '${ruleId}' not found.` });
    if (!rules.get(ruleId)!.has(stream)) return answer({ status: 400, code: "InvalidStream", message: `Stream '${stream}' is not declared in data collection rule '${ruleId}'.` });
    const failure = failNext.shift();
    if (failure) return answer(failure);
    let rows: unknown;
    try {
      rows = JSON.parse((entry.contentEncoding === "gzip" ? gunzipSync(body) : body).toString("utf8"));
    } catch (error) {
      return answer({ status: 400, code: "InvalidContent", message: `The body is not (gzipped) JSON: ${(error as Error).message}` });
    }
    if (!Array.isArray(rows)) return answer({ status: 400, code: "InvalidContent", message: "The body must be a JSON array of rows." });
    if (body.length > 1_000_000) return answer({ status: 413, code: "ContentLengthLimitExceeded", message: "The request body exceeds 1 MB." });
    entry.rows = rows.length;
    entry.status = 204;
    const keyName = `${ruleId}/${stream}`;
    accepted.set(keyName, [...(accepted.get(keyName) ?? []), ...(rows as Record<string, unknown>[])]);
    res.writeHead(204).end();
  };

  const server: Server = createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => handle(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    endpoint: `https://127.0.0.1:${port}`,
    ca: cert,
    rules,
    failNext,
    accepted,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dispose();
    },
  };
}
