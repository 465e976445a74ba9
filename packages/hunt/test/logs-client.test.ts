// LogsClient against the Logs Query API stand-in (HTTPS on 127.0.0.1): outcomes, retries, errors.
import { createServer } from "node:net";
import { request } from "node:https";
import { inspect } from "node:util";
import test, { type ExecutionContext } from "ava";
import type { AccessToken, TokenCredential } from "@azure/identity";
import { UsageError } from "@oclog/errors";
import {
  AuthError,
  LogsClient,
  LogsServiceError,
  QueryAbortedError,
  QueryTimeoutError,
  ThrottledError,
  WorkspaceError,
  nextRetry,
  type LogsClientOptions,
  type RetryEvent,
} from "@oclog/hunt";
import {
  STANDIN_TOKEN,
  StandInCredential,
  gatewayTimeoutResponse,
  startLogsApiStandIn,
  tablesResponse,
  throttledResponse,
  type LogsApiStandIn,
  type StandInTable,
} from "@oclog/test-kit/azure-monitor";

const WS = "8f0c2a51-3d4e-4b6f-9a7c-1e2d3c4b5a69";
const TIMESPAN = { startTime: new Date("2025-03-01T00:00:00Z"), endTime: new Date("2025-03-31T00:00:00Z") };
// Multi-line, quotes, non-ASCII: the stand-in only answers if every byte arrived as sent.
const QUERY = `OpenClawEvents_CL\n| where TimeGenerated between (datetime(2025-03-01) .. datetime(2025-03-31))\n| where User in ("alice", "bøb")\n| project TimeGenerated, User, message`;

const TABLE: StandInTable = {
  name: "PrimaryResult",
  columns: [
    { name: "TimeGenerated", type: "datetime" },
    { name: "User", type: "string" },
    { name: "message", type: "string" },
    { name: "Extra", type: "dynamic" },
  ],
  rows: [["2025-03-02T10:00:00Z", "alice", "tool call: exec rm -rf", '{"tool":"exec","args":["rm","-rf"]}']],
};

async function withStandIn(
  run: (s: LogsApiStandIn, client: (options?: Partial<LogsClientOptions>) => LogsClient) => Promise<void>,
): Promise<void> {
  const s = await startLogsApiStandIn({ workspaces: [WS] });
  try {
    await run(s, (options = {}) => new LogsClient({ credential: new StandInCredential(), endpoint: s.endpoint, extraCa: s.ca, ...options }));
  } finally {
    await s.close();
  }
}

/** The fake token must not leak through any way of printing the error. */
function assertNoToken(t: ExecutionContext, error: unknown): void {
  const e = error as Error & { hint?: string; context?: unknown };
  for (const text of [e.message, e.hint ?? "", JSON.stringify(e.context ?? {}), inspect(error, { depth: 6 }), String(error)]) {
    t.false(text.includes(STANDIN_TOKEN), `token leaked into: ${text.slice(0, 200)}`);
  }
}

test("success: tables come back converted, and the exact query text, timespan and server timeout were sent", async (t) => {
  await withStandIn(async (s, client) => {
    s.canned.set(QUERY, tablesResponse(TABLE));
    const credential = new StandInCredential();
    const outcome = await client({ credential }).queryWorkspace(WS, QUERY, TIMESPAN, { serverTimeoutInSeconds: 90 });
    t.is(outcome.status, "success");
    const table = outcome.tables[0]!;
    t.deepEqual(table.columns.map((c) => c.name), ["TimeGenerated", "User", "message", "Extra"]);
    t.true(table.rows[0]![0] instanceof Date, "datetime cells are Dates");
    t.deepEqual(table.rows[0]![3], { tool: "exec", args: ["rm", "-rf"] }, "dynamic cells are parsed");

    t.is(s.requests.length, 1);
    const [req] = s.requests;
    t.is(req!.method, "POST");
    t.is(req!.path, `/v1/workspaces/${WS}/query`, "queryWorkspace uses the single-query endpoint, not /$batch");
    t.is((req!.body as { query: string }).query, QUERY);
    t.is((req!.body as { timespan: string }).timespan, "2025-03-01T00:00:00.000Z/2025-03-31T00:00:00.000Z");
    t.is(req!.headers.prefer, "wait=90");
    t.true(req!.authorized);
    t.is(req!.headers.authorization, "Bearer **REDACTED**", "records never hold the token");
    t.false(JSON.stringify(s.requests).includes(STANDIN_TOKEN));
    t.deepEqual(credential.scopes, ["https://api.loganalytics.io/.default"]);
  });
});

test("partial: the rows that arrived are returned with the service's error and its inner detail", async (t) => {
  await withStandIn(async (s, client) => {
    s.canned.set(QUERY, {
      kind: "tables",
      tables: [TABLE],
      error: {
        code: "PartialError",
        message: "There were some errors when processing your query.",
        details: [{ code: "EngineError", message: "Something went wrong.", innererror: { code: "-2133196797", message: "The results of this query exceed the set limit of 64000000 bytes" } }],
      },
    });
    const outcome = await client().queryWorkspace(WS, QUERY, TIMESPAN);
    t.is(outcome.status, "partial");
    if (outcome.status !== "partial") return;
    t.is(outcome.tables[0]!.rows.length, 1);
    t.is(outcome.error.code, "PartialError");
    t.regex(outcome.error.message, /exceed the set limit of 64000000 bytes/);
  });
});

test("throttling: a 429 with Retry-After 1 is retried after that second, and the retry is reported", async (t) => {
  await withStandIn(async (s, client) => {
    s.canned.set(QUERY, [throttledResponse(1), tablesResponse(TABLE)]);
    const retries: RetryEvent[] = [];
    const outcome = await client().queryWorkspace(WS, QUERY, TIMESPAN, { onRetry: (e) => retries.push(e) });
    t.is(outcome.status, "success");
    t.is(s.requests.length, 2);
    const gap = s.requests[1]!.receivedAtMs - s.requests[0]!.receivedAtMs;
    t.true(gap >= 950, `second attempt came ${Math.round(gap)} ms after the first`);
    t.is(retries.length, 1);
    t.like(retries[0], { workspaceId: WS, attempt: 1, delayMs: 1000, reason: "throttled", retryAfterMs: 1000 });
    t.true(retries[0]!.error instanceof ThrottledError);
    t.is((s.requests[1]!.body as { query: string }).query, QUERY, "the retry sends the same text");
  });
});

test("throttling that outlasts the retry budget is reported as ThrottledError with the retry-after", async (t) => {
  await withStandIn(async (s, client) => {
    s.canned.set(QUERY, throttledResponse(1));
    const retries: RetryEvent[] = [];
    const error = await t.throwsAsync(
      client({ retry: { maxRetries: 2 } }).queryWorkspace(WS, QUERY, TIMESPAN, { onRetry: (e) => retries.push(e) }),
      { instanceOf: ThrottledError },
    );
    t.is(s.requests.length, 3, "first attempt plus two retries, then no more");
    t.deepEqual(retries.map((r) => r.attempt), [1, 2]);
    t.is(error.retryAfterMs, 1000);
    t.is(error.attempts, 3);
    t.is(error.status, 429);
    t.regex(error.message, new RegExp(`workspace ${WS}.*3 attempt\\(s\\).*wait 1 s`));
    t.regex(error.hint ?? "", /wait 1 s/);
    assertNoToken(t, error);
  });
});

test("a Retry-After longer than the wait budget is not waited out: reported at once", async (t) => {
  await withStandIn(async (s, client) => {
    s.canned.set(QUERY, throttledResponse(120));
    const retries: RetryEvent[] = [];
    const error = await t.throwsAsync(
      client({ retry: { maxTotalWaitMs: 10_000 } }).queryWorkspace(WS, QUERY, TIMESPAN, { onRetry: (e) => retries.push(e) }),
      { instanceOf: ThrottledError },
    );
    t.is(s.requests.length, 1);
    t.is(retries.length, 0);
    t.is(error.retryAfterMs, 120_000);
    t.is(error.attempts, 1);
  });
});

test("a 429 with an empty body (where the SDK itself throws a TypeError) is still a ThrottledError", async (t) => {
  await withStandIn(async (s, client) => {
    s.canned.set(QUERY, { kind: "error", status: 429, rawBody: "", headers: { "retry-after": "7" } });
    const error = await t.throwsAsync(client({ retry: { maxRetries: 0 } }).queryWorkspace(WS, QUERY, TIMESPAN), { instanceOf: ThrottledError });
    t.is(error.retryAfterMs, 7000);
    t.regex(error.message, /no error detail/);
  });
});

test("server timeout: the API's 504 GatewayTimeout is a QueryTimeoutError with advice, sent once (no silent SDK retries)", async (t) => {
  await withStandIn(async (s, client) => {
    s.canned.set(QUERY, gatewayTimeoutResponse());
    const error = await t.throwsAsync(client().queryWorkspace(WS, QUERY, TIMESPAN, { serverTimeoutInSeconds: 60 }), { instanceOf: QueryTimeoutError });
    t.is(error.side, "server");
    t.is(error.timeoutMs, 60_000);
    t.is(error.code, "E_HUNT_TIMEOUT");
    t.regex(error.message, /GatewayTimeout/);
    t.regex(error.hint ?? "", /--since/);
    t.is(s.requests.length, 1);
  });
});

test("client timeout: a server that never answers is cut off and reported as a timeout", async (t) => {
  await withStandIn(async (s, client) => {
    s.canned.set(QUERY, { kind: "hold" });
    const error = await t.throwsAsync(client().queryWorkspace(WS, QUERY, TIMESPAN, { clientTimeoutMs: 2000 }), { instanceOf: QueryTimeoutError });
    t.is(error.side, "client");
    t.regex(error.message, /within 2 s/);
    t.regex(error.hint ?? "", /--since/);
    t.true(s.requests.length <= 1, "a client timeout is not retried");
  });
});

test("abort: the caller's signal reaches the request (queryWorkspace itself drops abortSignal)", async (t) => {
  await withStandIn(async (s, client) => {
    s.canned.set(QUERY, { kind: "hold" });
    const controller = new AbortController();
    const pending = client().queryWorkspace(WS, QUERY, TIMESPAN, { abortSignal: controller.signal });
    await s.waitForRequests(1);
    controller.abort();
    await t.throwsAsync(pending, { instanceOf: QueryAbortedError });
  });
});

test("404: WorkspaceError names the workspace and says where to find the id", async (t) => {
  await withStandIn(async (_s, client) => {
    const missing = "00000000-0000-0000-0000-000000000404";
    const error = await t.throwsAsync(client().queryWorkspace(missing, QUERY, TIMESPAN), { instanceOf: WorkspaceError });
    t.is(error.reason, "not-found");
    t.is(error.workspaceId, missing);
    t.regex(error.message, new RegExp(`workspace ${missing} was not found \\(HTTP 404\\)`));
    t.regex(error.hint ?? "", /Overview > Workspace ID/);
    t.regex(error.hint ?? "", /Log Analytics Reader/);
    assertNoToken(t, error);
  });
});

test("403: WorkspaceError says the login may not read the workspace", async (t) => {
  await withStandIn(async (s, client) => {
    s.forbidden.add(WS);
    const error = await t.throwsAsync(client().queryWorkspace(WS, QUERY, TIMESPAN), { instanceOf: WorkspaceError });
    t.is(error.reason, "forbidden");
    t.is(error.status, 403);
    t.regex(error.hint ?? "", /Log Analytics Reader/);
  });
});

test("auth: a credential that cannot get a token is an AuthError saying to run az login; nothing is sent", async (t) => {
  await withStandIn(async (s, client) => {
    const broken: TokenCredential = {
      async getToken(): Promise<AccessToken> {
        const error = new Error("Azure CLI could not be found. Please visit https://aka.ms/azure-cli for installation instructions and then, once installed, authenticate to your Azure account using 'az login'.\nmore lines");
        error.name = "CredentialUnavailableError";
        throw error;
      },
    };
    const error = await t.throwsAsync(client({ credential: broken }).queryWorkspace(WS, QUERY, TIMESPAN), { instanceOf: AuthError });
    t.is(error.code, "E_HUNT_AUTH");
    t.is(error.workspaceId, WS);
    t.regex(error.message, /Could not get an Azure token.*Azure CLI could not be found/);
    t.false(error.message.includes("more lines"), "only the first line of the credential's message");
    t.regex(error.hint ?? "", /az login/);
    t.is((error.cause as Error).name, "CredentialUnavailableError");
    t.is(s.requests.length, 0);
  });
});

test("auth: a token the API refuses (401) is an AuthError, and the token is not in it", async (t) => {
  await withStandIn(async (s, client) => {
    const error = await t.throwsAsync(
      client({ credential: new StandInCredential("some-other-token-0123456789") }).queryWorkspace(WS, QUERY, TIMESPAN),
      { instanceOf: AuthError },
    );
    t.is(error.status, 401);
    t.regex(error.hint ?? "", /az login/);
    t.is(s.requests.length, 1);
    t.false(s.requests[0]!.authorized);
    t.false(error.message.includes("some-other-token-0123456789"));
  });
});

test("a service message that echoes the bearer token is scrubbed before it reaches the error", async (t) => {
  await withStandIn(async (s, client) => {
    s.canned.set(QUERY, {
      kind: "error",
      status: 400,
      error: { code: "BadArgumentError", message: `Syntax error near 'projec'. Request had Authorization: Bearer ${STANDIN_TOKEN}` },
    });
    const error = await t.throwsAsync(client().queryWorkspace(WS, QUERY, TIMESPAN), { instanceOf: LogsServiceError });
    t.is(error.code, "E_HUNT_QUERY");
    t.false(error.transient);
    t.regex(error.message, /Syntax error near/);
    t.regex(error.message, /\*\*REDACTED\*\*/);
    assertNoToken(t, error);
  });
});

// 408 joined 500/502/503 when the Logs client took @oclog/azure's status list (429 and 504 have their own errors).
for (const [status, code] of [[500, "InternalServerError"], [408, "RequestTimeout"]] as const) {
  test(`a transient ${status} is retried with back-off and reported as transient`, async (t) => {
    await withStandIn(async (s, client) => {
      s.canned.set(QUERY, [{ kind: "error", status, error: { code, message: "boom" } }, tablesResponse(TABLE)]);
      const retries: RetryEvent[] = [];
      const outcome = await client().queryWorkspace(WS, QUERY, TIMESPAN, { onRetry: (e) => retries.push(e) });
      t.is(outcome.status, "success");
      t.is(retries.length, 1);
      t.is(s.requests.length, 2);
      t.like(retries[0], { reason: "transient", retryAfterMs: null });
      // The first back-off is 1 s with jitter: between half and all of it.
      t.true(retries[0]!.delayMs >= 500 && retries[0]!.delayMs <= 1000, `delay ${retries[0]!.delayMs} ms`);
    });
  });
}

test("the stand-in refuses a request without a bearer token", async (t) => {
  await withStandIn(async (s) => {
    const url = new URL(`${s.endpoint}/workspaces/${WS}/query`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: "POST", ca: s.ca, headers: { "content-type": "application/json" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end(JSON.stringify({ query: QUERY }));
    });
    t.is(status, 401);
    t.false(s.requests[0]!.authorized);
  });
});

test("options: a plain-http endpoint and an out-of-range server timeout are usage errors", async (t) => {
  t.throws(() => new LogsClient({ credential: new StandInCredential(), endpoint: "http://127.0.0.1:1/v1" }), { instanceOf: UsageError });
  const client = new LogsClient({ credential: new StandInCredential(), endpoint: "https://127.0.0.1:1/v1" });
  await t.throwsAsync(client.queryWorkspace(WS, QUERY, TIMESPAN, { serverTimeoutInSeconds: 601 }), { instanceOf: UsageError });
});

test("an endpoint nobody listens on is a network error, not a service or parse error", async (t) => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const client = new LogsClient({ credential: new StandInCredential(), endpoint: `https://127.0.0.1:${port}/v1` });
  const error = await t.throwsAsync(client.queryWorkspace(WS, QUERY, TIMESPAN), { instanceOf: LogsServiceError });
  t.is(error.code, "E_HUNT_NETWORK");
  t.regex(error.message, /ECONNREFUSED/);
  t.false(error.transient);
});

test("nextRetry: Retry-After is honoured exactly, the back-off without it is @oclog/azure's, jittered", (t) => {
  const budget = { maxRetries: 3, maxTotalWaitMs: 60_000 };
  const throttledFor = (ms: number | null) => new ThrottledError(WS, 429, ms, 1, "Throttled");
  for (const random of [() => 0, () => 1]) {
    t.like(nextRetry(throttledFor(2_000), 0, 0, budget, random), { delayMs: 2_000, reason: "throttled", retryAfterMs: 2_000 }, "the service chose the time");
  }
  t.like(nextRetry(throttledFor(null), 0, 0, budget, () => 0), { delayMs: 500, reason: "throttled", retryAfterMs: null });
  t.like(nextRetry(throttledFor(null), 0, 0, budget, () => 1), { delayMs: 1_000 });
  const transient = new LogsServiceError("E_HUNT_SERVICE", "boom", { workspaceId: WS, status: 503, transient: true });
  t.deepEqual([0, 1, 2].map((attempt) => nextRetry(transient, attempt, 0, budget, () => 0)?.delayMs), [500, 1_000, 2_000]);
  t.deepEqual([0, 1, 2].map((attempt) => nextRetry(transient, attempt, 0, budget, () => 1)?.delayMs), [1_000, 2_000, 4_000]);
  t.is(nextRetry(transient, 3, 0, budget), null, "the retry budget is spent");
  t.is(nextRetry(transient, 0, 59_900, budget, () => 1), null, "a wait the budget cannot cover is not started");
  t.is(nextRetry(new LogsServiceError("E_HUNT_QUERY", "bad", { workspaceId: WS, status: 400 }), 0, 0, budget), null, "a rejected query is final");
});
