// The committed capture of a real OpenClaw gateway (test/fixtures/openclaw-2026.9.6/) against
// @oclog/schema. Fast; the live harness test asserts the same on a fresh capture.
import test from "ava";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { assertAllLinesValid, assertGuardsVisibleInGatewayLog, assertToolCallsRecovered } from "./schema-conformance.js";

const dir = fileURLToPath(new URL("../fixtures/openclaw-2026.9.6/", import.meta.url));

test("every line of the committed capture validates", (t) => assertAllLinesValid(t, dir));
test("the normalizer recovers every scripted tool call from the committed capture", (t) => assertToolCallsRecovered(t, dir));
test("guards in the committed gateway log normalize to auth failure, blocked fetch, blocked read", (t) =>
  assertGuardsVisibleInGatewayLog(t, dir));

test("committed fixtures hold no secrets or machine paths", (t) => {
  for (const file of readdirSync(dir)) {
    const text = readFileSync(`${dir}/${file}`, "utf8");
    t.notRegex(text, /\/root\/|\/tmp\/oclog-[A-Za-z0-9]{6}|\.cache\/oclog/, `${file} has a machine path`);
    t.notRegex(text, /"(?:token|apiKey|password)"\s*:\s*"(?!<REDACTED>|__OPENCLAW_REDACTED__)[^"]{8,}"/i, `${file} has a secret`);
  }
});
