/**
 * A STAND-IN for the Azure Monitor Logs Query API (api.loganalytics.io). There is no emulator
 * for Log Analytics, so this local HTTPS server speaks only the request and response shapes
 * that `LogsQueryClient.queryWorkspace` (@azure/monitor-query-logs 1.0.0) uses:
 *
 *   POST /v1/workspaces/{workspaceId}/query   body {query, timespan, workspaces?}
 *   200 {tables: [{name, columns: [{name, type}], rows: [[...]]}]}            success
 *   200 {tables: [...], error: {code, message, details?}}                     partial result
 *   4xx/5xx {error: {code, message, ...}}                                     failure
 *
 * (queryWorkspace never calls /$batch; only queryBatch does, and oclog does not use it.)
 *
 * It does NOT evaluate KQL: each answer is canned, keyed by the exact query text received, so
 * a test that gets its canned rows back has also proved that text arrived byte for byte. Error
 * envelopes follow the documented `{error: {code, message}}` shape; the specific code strings
 * are illustrative, which is why the client classifies on HTTP status rather than on them.
 *
 * TLS: a throwaway self-signed certificate for 127.0.0.1 (standin-tls.ts); `ca` is handed to the
 * client under test, so nothing trusts it globally.
 */
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import { selfSignedLoopbackCert } from "./standin-tls.js";

/** A column as the API describes it (`datetime` and `dynamic` are converted by the SDK). */
export interface StandInColumn {
  name: string;
  type: "string" | "datetime" | "dynamic" | "int" | "long" | "real" | "bool" | "guid" | "timespan" | "decimal";
}

/** One table of a query response, as it travels on the wire. */
export interface StandInTable {
  name: string;
  columns: StandInColumn[];
  rows: unknown[][];
}

/** The API's error envelope body (`{error: ...}` on the wire). */
export interface StandInError {
  code: string;
  message: string;
  details?: { code: string; message: string; innererror?: { code: string; message: string } }[];
  innererror?: { code: string; message: string };
}

/** One canned answer. `hold` never answers: the request stays open until the client gives up. */
export type CannedResponse =
  | { kind: "tables"; tables: StandInTable[]; error?: StandInError }
  | { kind: "error"; status: number; error?: StandInError; rawBody?: string; headers?: Record<string, string> }
  | { kind: "hold" };

/** What the stand-in saw, with the Authorization value redacted so records are safe to print. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** Parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  headers: Record<string, string>;
  /** Whether a bearer token was present and equal to the expected one. */
  authorized: boolean;
  /** performance.now() when the request arrived, to measure the gap between retries. */
  receivedAtMs: number;
}

export interface LogsApiStandIn {
  /** Pass as the client's `endpoint` (it includes the /v1 API version, as the SDK expects). */
  endpoint: string;
  /** The self-signed certificate (PEM) for the client to trust. */
  ca: string;
  /** Canned answers by exact query text. An array answers successive requests in turn; its last entry repeats. */
  canned: Map<string, CannedResponse | CannedResponse[]>;
  /** Workspace ids that exist; any other id answers 404. */
  workspaces: Set<string>;
  /** Workspace ids that exist but refuse the caller (403). */
  forbidden: Set<string>;
  requests: RecordedRequest[];
  /** Resolves when `count` requests have arrived (lets a test act on a held request without sleeping). */
  waitForRequests(count: number): Promise<void>;
  close(): Promise<void>;
}

/** The fake token the stand-in credential issues and the stand-in server accepts. */
export const STANDIN_TOKEN = "standin-fake-token-7f3a9c2e41d8b6a5";

/** A named stand-in TokenCredential: returns a fixed fake token, counting calls and scopes asked for. */
export class StandInCredential implements TokenCredential {
  calls = 0;
  scopes: string[] = [];
  constructor(private readonly token: string = STANDIN_TOKEN) {}
  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
    this.calls++;
    this.scopes.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    return { token: this.token, expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

/** Tables for a successful answer. */
export function tablesResponse(...tables: StandInTable[]): CannedResponse {
  return { kind: "tables", tables };
}

/** A 429 with Retry-After in seconds, as Log Analytics throttles. */
export function throttledResponse(retryAfterSeconds: number): CannedResponse {
  return {
    kind: "error",
    status: 429,
    headers: { "retry-after": String(retryAfterSeconds) },
    error: { code: "ThrottledError", message: "Your request was throttled. Please retry after the time given in Retry-After." },
  };
}

/** The 504 the API returns when a query outruns its server-side timeout (Prefer: wait=N). */
export function gatewayTimeoutResponse(): CannedResponse {
  return {
    kind: "error",
    status: 504,
    error: { code: "GatewayTimeout", message: "The gateway did not receive a response from 'Microsoft.OperationalInsights' within the specified time period." },
  };
}

/** Starts the stand-in on 127.0.0.1, on a port the OS picks. */
export async function startLogsApiStandIn(options: { workspaces?: string[]; token?: string } = {}): Promise<LogsApiStandIn> {
  const { key, cert, dispose } = await selfSignedLoopbackCert();
  const expectedToken = options.token ?? STANDIN_TOKEN;

  const canned = new Map<string, CannedResponse | CannedResponse[]>();
  const served = new Map<string, number>();
  const requests: RecordedRequest[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const held = new Set<ServerResponse>();
  const workspaces = new Set(options.workspaces ?? []);
  const forbidden = new Set<string>();

  const record = (entry: RecordedRequest) => {
    requests.push(entry);
    for (const w of waiters.filter((w) => requests.length >= w.count)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };

  const nextAnswer = (query: string): CannedResponse | undefined => {
    const entry = canned.get(query);
    if (entry === undefined || !Array.isArray(entry)) return entry;
    const n = served.get(query) ?? 0;
    served.set(query, n + 1);
    return entry[Math.min(n, entry.length - 1)];
  };

  const handle = (req: IncomingMessage, res: ServerResponse, text: string) => {
    const auth = req.headers.authorization ?? "";
    const authorized = auth === `Bearer ${expectedToken}`;
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Left as text: the record shows what actually arrived.
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      headers[name] = name === "authorization" ? redactAuthorization(String(value)) : String(value);
    }
    const path = req.url ?? "";
    record({ method: req.method ?? "", path, body, headers, authorized, receivedAtMs: performance.now() });

    if (!/^Bearer \S+$/.test(auth)) {
      return sendError(res, 401, { code: "AuthorizationRequiredError", message: "Valid authentication was not provided." }, {
        "www-authenticate": 'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token"',
      });
    }
    if (!authorized) return sendError(res, 401, { code: "InvalidTokenError", message: "The provided authentication is not valid for this resource." });

    const match = /^\/v1\/workspaces\/([^/?]+)\/query$/.exec(path);
    if (req.method !== "POST" || !match) {
      return sendError(res, 404, { code: "PathNotFoundError", message: `The requested path does not exist (stand-in serves only POST /v1/workspaces/{id}/query): ${req.method} ${path}` });
    }
    const workspaceId = decodeURIComponent(match[1]!);
    if (!workspaces.has(workspaceId)) {
      return sendError(res, 404, { code: "WorkspaceNotFoundError", message: `The workspace ${workspaceId} could not be found.` });
    }
    if (forbidden.has(workspaceId)) {
      return sendError(res, 403, { code: "InsufficientAccessError", message: "The provided credentials have insufficient access to perform the requested operation." });
    }
    const query = typeof body === "object" && body !== null ? (body as { query?: unknown }).query : undefined;
    if (typeof query !== "string") return sendError(res, 400, { code: "BadArgumentError", message: "The request had some invalid properties: query is required." });

    const answer = nextAnswer(query);
    if (answer === undefined) {
      // Not KQL evaluation: the stand-in simply has no canned answer for this exact text.
      return sendError(res, 400, { code: "BadArgumentError", message: "The stand-in has no canned answer for this exact query text." });
    }
    if (answer.kind === "hold") {
      held.add(res);
      res.on("close", () => held.delete(res));
      return;
    }
    if (answer.kind === "error") {
      if (answer.rawBody !== undefined) {
        res.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers }).end(answer.rawBody);
        return;
      }
      return sendError(res, answer.status, answer.error ?? { code: "Error", message: "error" }, answer.headers);
    }
    const payload: Record<string, unknown> = { tables: answer.tables };
    if (answer.error) payload.error = answer.error;
    res.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(payload));
  };

  const server: Server = createServer({ key, cert }, (req, res) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (text += chunk));
    req.on("end", () => handle(req, res, text));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;

  return {
    endpoint: `https://127.0.0.1:${port}/v1`,
    ca: cert,
    canned,
    workspaces,
    forbidden,
    requests,
    waitForRequests: (count) =>
      requests.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dispose();
    },
  };
}

function sendError(res: ServerResponse, status: number, error: StandInError, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers }).end(JSON.stringify({ error }));
}

function redactAuthorization(value: string): string {
  const scheme = /^(\S+)\s/.exec(value)?.[1];
  return scheme ? `${scheme} **REDACTED**` : "**REDACTED**";
}
