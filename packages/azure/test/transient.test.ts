// Which failures every Azure adapter retries: each status and network code, and the one
// choice a caller makes (a refused connection).
import test from "ava";
import { isTransientNetworkError, isTransientStatus, REFUSED_CODE, TRANSIENT_HTTP_STATUSES, TRANSIENT_NETWORK_CODES } from "@oclog/azure";

const withCode = (code: string) => Object.assign(new Error(code), { code });

for (const status of [408, 429, 500, 502, 503, 504]) {
  test(`HTTP ${status} is transient`, (t) => t.true(isTransientStatus(status)));
}
for (const status of [200, 304, 400, 401, 403, 404, 409, 412, 501]) {
  test(`HTTP ${status} is final`, (t) => t.false(isTransientStatus(status)));
}

test("the status list is exactly the six (a new one is a deliberate change to every adapter)", (t) => {
  t.deepEqual([...TRANSIENT_HTTP_STATUSES].sort(), [408, 429, 500, 502, 503, 504]);
});

const CODES = ["REQUEST_SEND_ERROR", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ESOCKETTIMEDOUT", "ERR_STREAM_PREMATURE_CLOSE", "UND_ERR_SOCKET"];
for (const code of CODES) {
  test(`${code} is transient, on the error or on its cause, whatever the caller says about refusals`, (t) => {
    for (const refusedIsTransient of [true, false]) {
      t.true(isTransientNetworkError(withCode(code), { refusedIsTransient }));
      t.true(isTransientNetworkError(new Error("fetch failed", { cause: withCode(code) }), { refusedIsTransient }));
    }
  });
}

test("the network code list is exactly the eight, plus the refusal kept apart", (t) => {
  t.deepEqual([...TRANSIENT_NETWORK_CODES].sort(), [...CODES].sort());
  t.is(REFUSED_CODE, "ECONNREFUSED");
  t.false(TRANSIENT_NETWORK_CODES.has(REFUSED_CODE));
});

test("a refused connection is transient only for a caller that says so", (t) => {
  t.true(isTransientNetworkError(withCode("ECONNREFUSED"), { refusedIsTransient: true }));
  t.true(isTransientNetworkError(new Error("x", { cause: withCode("ECONNREFUSED") }), { refusedIsTransient: true }));
  t.false(isTransientNetworkError(withCode("ECONNREFUSED"), { refusedIsTransient: false }));
});

test("anything else is final: unknown codes, no code, not an error at all", (t) => {
  for (const error of [withCode("ENOTFOUND"), withCode("EACCES"), new Error("boom"), null, undefined, "ECONNRESET", { code: 42 }]) {
    t.false(isTransientNetworkError(error, { refusedIsTransient: true }), String(error));
  }
});
