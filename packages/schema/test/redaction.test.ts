// The collector's redaction API on its own, without LuaJIT: what it masks and how it returns it,
// and how it loads the literals file. Parity with redact.lua, input by input, is checked in
// packages/fluent-bit/test/redaction-parity.test.ts.
import test from "ava";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OclogError } from "@oclog/errors";
import { loadRedactionLiterals, redactRecord, redactString } from "@oclog/schema";

// Obviously fake, format-correct secrets.
const OPENAI = `sk-proj-oclogFAKE${"a1".repeat(20)}`;
const ANTHROPIC = `sk-ant-api03-oclogFAKE${"b2".repeat(30)}`;
const GITHUB = `ghp_oclogFAKE${"c3".repeat(14)}`;
const AWS = "AKIAOCLOGFAKE1234567";
const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvY2xvZy1GQUtFIn0.oclogFAKEsignature0123456789";
const GATEWAY_TOKEN = "0c10900c1090fa4efa4e0c10900c1090fa4efa4e0c10900c1090fa4efa4e0c10";

const dir = mkdtempSync(join(tmpdir(), "oclog-redaction-"));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
}

test("planted secrets are masked with their kind, keeping the text around them", (t) => {
  const { record, changed } = redactRecord(
    {
      message: `provider rejected ${OPENAI}; fallback ${ANTHROPIC}`,
      command: `git clone https://x:${GITHUB}@github.com/acme/a.git && aws configure set aws_access_key_id ${AWS}`,
      headers: ["Authorization: Bearer " + JWT],
      log: JSON.stringify({ level: "info", msg: JSON.stringify({ password: "hunter2-FAKE", user: "alice" }) }),
      config: { gateway: { auth: { token: "plain-FAKE-token", mode: "token" } }, maxTokens: 4096 },
      url: `http://127.0.0.1:18789/?token=${GATEWAY_TOKEN}`,
    },
    { literals: [GATEWAY_TOKEN] },
  );
  t.true(changed);
  t.deepEqual(record, {
    message: "provider rejected [REDACTED:openai]; fallback [REDACTED:anthropic]",
    command: "git clone https://x:[REDACTED:github]@github.com/acme/a.git && aws configure set aws_access_key_id [REDACTED:aws]",
    headers: ["Authorization: Bearer [REDACTED:bearer]"],
    log: JSON.stringify({ level: "info", msg: JSON.stringify({ password: "[REDACTED:field]", user: "alice" }) }),
    config: { gateway: { auth: { token: "[REDACTED:field]", mode: "token" } }, maxTokens: 4096 },
    url: "http://127.0.0.1:18789/?token=[REDACTED:gateway-token]",
  });
});

test("the input is never mutated; a copy is made along changed paths only", (t) => {
  const input = { a: { secret: "hunter2-FAKE" }, b: { untouched: ["x", 1, null] }, n: 3 };
  const before = structuredClone(input);
  const { record, changed } = redactRecord(input);
  t.true(changed);
  t.deepEqual(input, before);
  t.not(record, input);
  t.not(record.a, input.a);
  t.is(record.b, input.b, "an unchanged branch is shared, not copied");
  t.deepEqual(record, { a: { secret: "[REDACTED:field]" }, b: { untouched: ["x", 1, null] }, n: 3 });
});

test("a record with nothing to mask comes back as the same object, changed false", (t) => {
  const input = {
    message: "Bearer authentication is configured per provider",
    usage: { totalTokens: 120, input_tokens: 100 },
    secretRef: { token: { source: "env", id: "OPENCLAW_GATEWAY_TOKEN" } },
    apiKey: "${OPENAI_API_KEY}",
    password: "[REDACTED:field]",
    list: ["task-0123456789abcdefghijklmnopqrstuvwxyz", true, null, [1, 2]],
  };
  const result = redactRecord(input, { literals: [GATEWAY_TOKEN] });
  t.false(result.changed);
  t.is(result.record, input);
  t.is(redactString(input.message), input.message);
});

test("a key named __proto__ is masked as an own property, not turned into a prototype", (t) => {
  const input = JSON.parse(`{"__proto__": "${OPENAI}"}`) as Record<string, unknown>;
  const { record } = redactRecord(input);
  t.true(Object.hasOwn(record, "__proto__"));
  t.is(Object.getOwnPropertyDescriptor(record, "__proto__")?.value, "[REDACTED:openai]");
  t.is(Object.getPrototypeOf(record), Object.prototype);
});

test("literals: trimmed, under 8 bytes ignored, the longest masked whole", (t) => {
  const literals = ["short12", `  ${GATEWAY_TOKEN}  `, `${GATEWAY_TOKEN}-rotated`, ""];
  t.is(redactString("short12 and short12 again", { literals }), "short12 and short12 again");
  t.is(redactString(`old ${GATEWAY_TOKEN} new ${GATEWAY_TOKEN}-rotated`, { literals }), "old [REDACTED:gateway-token] new [REDACTED:gateway-token]");
  // Bytes, like the Lua filter: 4 characters of 8 UTF-8 bytes make a literal.
  t.is(redactString("ключ", { literals: ["ключ"] }), "[REDACTED:gateway-token]");
});

test("loadRedactionLiterals reads the file format redact.lua reads, in file order", (t) => {
  const path = file("literals", `\n   \nshort12\n  ${GATEWAY_TOKEN}  \r\nsecond-literal-01\n${GATEWAY_TOKEN}\nlast-without-newline`);
  t.deepEqual(loadRedactionLiterals(path), [GATEWAY_TOKEN, "second-literal-01", "last-without-newline"]);
});

test.serial("OCLOG_REDACT_LITERALS names the file when no path is given", (t) => {
  const previous = process.env.OCLOG_REDACT_LITERALS;
  try {
    process.env.OCLOG_REDACT_LITERALS = file("from-env", "env-literal-0001\n");
    t.deepEqual(loadRedactionLiterals(), ["env-literal-0001"]);
    t.deepEqual(loadRedactionLiterals(file("argument", "arg-literal-0001\n")), ["arg-literal-0001"], "an explicit path wins");
  } finally {
    if (previous === undefined) delete process.env.OCLOG_REDACT_LITERALS;
    else process.env.OCLOG_REDACT_LITERALS = previous;
  }
});

test.serial("a missing default file means no literals; a missing named file is a typed error with a hint", (t) => {
  const previous = process.env.OCLOG_REDACT_LITERALS;
  const missing = join(dir, "nope", "redact-literals");
  try {
    delete process.env.OCLOG_REDACT_LITERALS;
    t.false(existsSync("/etc/oclog/redact-literals"), "this machine has a real /etc/oclog/redact-literals; the default case cannot be tested here");
    t.deepEqual(loadRedactionLiterals(), []);

    const byArgument = t.throws(() => loadRedactionLiterals(missing), { instanceOf: OclogError });
    t.is(byArgument.name, "RedactionLiteralsError");
    t.is((byArgument as OclogError).code, "E_REDACT_LITERALS");
    t.regex(byArgument.message, /ENOENT/);
    t.truthy((byArgument as OclogError).hint);
    t.deepEqual((byArgument as OclogError).context, { path: missing, from: "argument" });

    process.env.OCLOG_REDACT_LITERALS = missing;
    const byEnv = t.throws(() => loadRedactionLiterals(), { instanceOf: OclogError });
    t.regex((byEnv as OclogError).hint ?? "", /OCLOG_REDACT_LITERALS/);

    t.throws(() => loadRedactionLiterals(dir), { instanceOf: OclogError, message: /EISDIR/ }, "a directory is not a literals file");
  } finally {
    if (previous === undefined) delete process.env.OCLOG_REDACT_LITERALS;
    else process.env.OCLOG_REDACT_LITERALS = previous;
  }
});
