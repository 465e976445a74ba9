// The collector's redaction (@oclog/schema redactRecord) must give exactly what the pipeline's
// lua/redact.lua gives under real LuaJIT, for every input: same return code (0 ⇔ unchanged),
// same record. Each input goes through both; any difference fails, so a change to either
// implementation alone fails here. Both read the same literals file.
//
// The TS side filters the record the Lua side received after the driver's cjson round trip
// (`before`), so cjson's quirks ([] becomes {}, 14-digit floats) cannot show up as differences.
import test, { type ExecutionContext } from "ava";
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { loadRedactionLiterals, redactRecord } from "@oclog/schema";
import { realRecords, type JsonObject, type RealRecord, fakeSecrets } from "@oclog/test-kit/records";
import { baseRecords, get, setPath, type Path } from "./lua/base-records.js";
import { literalsFile, runRedact } from "./lua-runner.js";

interface Input {
  name: string;
  record: JsonObject;
}

const secrets = fakeSecrets();

// Equal-length literals that overlap in a string: which one is applied first decides the
// output, and redact.lua's table.sort (an unstable quicksort) picks that order.
const TIES = ["ovlA-1234567", "1234567-ovlB", "ovlC-7654321", "7654321-ovlD", "ovlE-5555555", "5555555-ovlF", "ovlG-0000000"];
const LITERAL_LINES = [
  "",
  "   ",
  "short12", // 7 bytes: ignored
  `  ${secrets.gatewayToken}  `,
  `${secrets.gatewayToken}-rotated`,
  ...TIES,
  "ovlA-1234567", // duplicate
  "crlf-literal-0001\r",
  "\tpadded-literal-0002 \t",
  "\u00a0nbsp-literal-0003\u00a0", // Lua trims ASCII whitespace only: the NBSPs are part of it
  "ключ", // 4 characters but 8 UTF-8 bytes: a literal for Lua, which counts bytes
  "ключ€", // longer in bytes, not in characters
];

/** Runs `inputs` through redact.lua and redactRecord; fails listing every input they disagree on. */
function assertParity(t: ExecutionContext, inputs: readonly Input[]): { changed: number; kinds: Set<string> } {
  const path = literalsFile(LITERAL_LINES);
  let run;
  let literals: string[];
  try {
    run = runRedact(inputs.map((i) => ({ record: i.record })), { literalsPath: path });
    literals = loadRedactionLiterals(path);
  } finally {
    rmSync(dirname(path), { recursive: true, force: true });
  }
  t.is(run.stderr, "");
  const options = { literals };
  const mismatches: string[] = [];
  const kinds = new Set<string>();
  let changed = 0;
  run.outcomes.forEach((o, i) => {
    const input = o.before as JsonObject;
    const untouched = structuredClone(input);
    const ts = redactRecord(input, options);
    const agree =
      (o.code === 0 || o.code === 2) &&
      ts.changed === (o.code === 2) &&
      isDeepStrictEqual(ts.record, o.after) &&
      (ts.changed || ts.record === input) &&
      isDeepStrictEqual(input, untouched);
    if (!agree) {
      mismatches.push(inputs[i]!.name);
      if (mismatches.length <= 5) {
        t.log(`${inputs[i]!.name}\n  input: ${JSON.stringify(input)}\n  lua ${o.code}: ${JSON.stringify(o.after)}\n  ts  ${ts.changed}: ${JSON.stringify(ts.record)}`);
      }
    }
    if (o.code === 2) changed++;
    for (const m of JSON.stringify(o.after).matchAll(/\[REDACTED:([a-z-]+)\]/g)) kinds.add(m[1]!);
  });
  t.deepEqual(mismatches, [], `${mismatches.length} of ${inputs.length} inputs differ`);
  return { changed, kinds };
}

// ---- Planted secrets: the cases of redact-lua.test.ts, rebuilt (that file does not export them).


function planted(name: string, base: RealRecord, plants: ReadonlyArray<[Path, string]>): Input {
  const record = structuredClone(base.record);
  for (const [path, value] of plants) setPath(record, path, value);
  return { name: `planted: ${name} (${base.where})`, record };
}

/** The raw `log` line of a shipped record with the same plants applied inside it (JSON-escaped). */
function inLog(base: RealRecord, plants: ReadonlyArray<[Path, string]>): [Path, string] {
  const inner = JSON.parse(base.record.log as string) as JsonObject;
  for (const [path, value] of plants) setPath(inner, path, value);
  return [["log"], JSON.stringify(inner)];
}

function plantedInputs(): Input[] {
  const { gateway, toolCall, fetchCall, toolResult, trajectory, usage, configAudit, ledger, sqliteRow, shippedGateway, shippedTranscript } = baseRecords();

  const s = secrets;
  const pem = (nl: string) => ["-----BEGIN RSA PRIVATE KEY-----", ...s.pemBody, "-----END RSA PRIVATE KEY-----"].join(nl);
  const sasUrl = (sig: string) => `https://acmelogs.blob.core.windows.net/oclog?sv=2025-01-05&sr=c&sp=cw&se=2026-12-01T00:00:00Z&sig=${sig}`;
  const command = ["message", "content", 0, "arguments", "command"];
  return [
    planted("openai legacy", gateway, [
      [["message"], `provider openai rejected key ${s.openaiLegacy} for task-runner-0123456789abcdefghij: 401`],
      [["1"], `provider openai rejected key ${s.openaiLegacy}: 401 Unauthorized`],
    ]),
    planted("openai project in curl", toolCall, [[command, `curl -s https://api.openai.com/v1/models -H "Authorization: Bearer ${s.openaiProject}" | jq .`]]),
    planted("anthropic env", toolResult, [[["message", "content", 0, "text"], `HOME=/home/oclog\nexport ANTHROPIC_API_KEY=${s.anthropic}\nPATH=/usr/bin\n`]]),
    planted("openrouter nested", trajectory, [[["data", "oclogPlanted", 0, "headers", 1], `X-Provider-Key ${s.openrouter}`]]),
    planted("google in URL", fetchCall, [[["message", "content", 0, "arguments", "url"], `https://generativelanguage.googleapis.com/v1beta/models/gemini-pro:generateContent?key=${s.google}&alt=sse`]]),
    planted("github + slack argv", configAudit, [
      [["argv", 3], `https://x-access-token:${s.githubClassic}@github.com/acme/agents.git`],
      [["argv", 4], `--oauth=${s.githubOauth}`],
      [["argv", 5], s.slack],
    ]),
    planted("github PAT", ledger, [[["oclog_planted", "remote"], `push to acme/agents with ${s.githubPat} failed`]]),
    planted("aws", toolCall, [
      [command, `aws configure set aws_access_key_id ${s.awsAccessKeyId} && aws sts get-caller-identity`],
      [["message", "content", 0, "arguments", "title"], `session ${s.awsSessionKeyId}`],
    ]),
    planted("bearer JWT", gateway, [[["1"], `upstream POST /v1/chat/completions authorization: Bearer ${s.jwt} (retry 1)`]]),
    planted("sas", shippedGateway, [
      [["message"], `uploaded to ${sasUrl(s.sasSig)}`],
      inLog(shippedGateway, [[["message"], `uploaded to ${sasUrl(s.sasSig)}&comp=block`]]),
    ]),
    planted("pem newlines", toolResult, [[["message", "details", "aggregated"], `$ cat ~/.ssh/id_rsa\n${pem("\n")}\n`]]),
    planted("pem escaped in log", shippedTranscript, [
      [["message", "content"], `keep this safe: ${pem("\n")}`],
      inLog(shippedTranscript, [[["message", "content"], `keep this safe: ${pem("\n")}`]]),
    ]),
    planted("pem escaped twice", sqliteRow, [[["row", "event_json"], JSON.stringify({ data: { note: JSON.stringify({ key: pem("\n") }) } })]]),
    planted("pem cut off", gateway, [[["message"], `loaded key ${pem("\n").split("-----END")[0]}`]]),
    planted("gateway token", gateway, [
      [["message"], `control ui: http://127.0.0.1:18789/?token=${s.gatewayToken}`],
      [["_meta", "oclogPlanted"], `OPENCLAW_GATEWAY_TOKEN is ${s.gatewayToken}.`],
    ]),
    planted("vm gateway token", gateway, [
      [["message"], `control ui: http://127.0.0.1:18789/#token=${s.vmGatewayToken}`],
      [["_meta", "oclogPlanted"], `OPENCLAW_GATEWAY_TOKEN=${s.vmGatewayToken} ocgw_${"a".repeat(42)} ocgw_${"b".repeat(44)}`],
    ]),
    planted("secret-named fields", trajectory, [
      [["password"], s.password],
      [["data", "config", "gateway", "auth", "token"], s.plain],
      [["data", "config", "models", "providers", "acme", "apiKey"], `${s.plain}-1`],
      [["data", "request", "headers", "Authorization"], `Basic ${Buffer.from(`u:${s.password}`).toString("base64")}`],
      [["data", "oauth", "client_secret"], `${s.plain}-2`],
      [["data", "env", "OPENCLAW_GATEWAY_PASSWORD"], `${s.plain}-3`],
      [["data", "aws", "aws_secret_access_key"], `${s.plain}-4`],
      [["data", "tls", "private-key"], `${s.plain}-5`],
      [["data", "request", "authorization", 0], `${s.plain}-6`],
    ]),
    planted("embedded pairs", shippedGateway, [
      [["0"], JSON.stringify({ subsystem: "plugins/acme", password: s.password, retries: 3 })],
      inLog(shippedGateway, [[["1"], JSON.stringify({ apiKey: `${s.plain}"q`, n: 1 })]]),
      [["message"], `login user=alice password=${s.password}-kv ok`],
      [["_meta", "env"], `HOME=/var/lib/openclaw OCLOG_DB_TOKEN=${s.plain}-env LANG=C.UTF-8`],
    ]),
    {
      name: "planted: counters, refs and placeholders beside secrets (usage record)",
      record: {
        ...structuredClone(usage.record),
        maxTokens: 4096,
        input_tokens: 100,
        "total-tokens": 120,
        tokenCount: 20,
        tokens: "prompt tokens are counted per model",
        token: s.plain,
        password: s.password,
        secretRef: { token: { source: "env", provider: "default", id: "OPENCLAW_GATEWAY_TOKEN" } },
        apiKey: "${OPENAI_API_KEY}",
        redactedByOpenClaw: { token: "__OPENCLAW_REDACTED__" },
        emptyPassword: "",
        passwordFile: "/etc/oclog/password.txt",
        hasToken: true,
      },
    },
  ];
}

// ---- Look-alikes and adversarial strings, each alone in a record (and in an array).

const KEYS = [
  "password", "Password", "PASSWORD", "PassWord", "passWORD", "passwd", "PASSWD", "secret", "client_secret", "Client_Secret",
  "CLIENT_SECRET", "token", "Token", "TOKEN", "TOken", "gatewayToken", "GATEWAY_TOKEN", "x-token", "my.token", "api_key",
  "apiKey", "ApiKey", "API_KEY", "apikey", "key", "Key", "KEY", "kEy", "access-key", "accessKey", "privateKey",
  "private_key", "authorization", "Authorization", "AUTHORIZATION", "proxy_authorization", "totalTokens", "maxTokens",
  "input_tokens", "tokens", "keyboard", "monkey", "secretary", "tokenizer", "passwordFile", "hasToken", "API\u212AEY",
];

const VALUES = [
  "hunter2-FAKE-oclog",
  "x",
  "",
  "[REDACTED:field]",
  "__OPENCLAW_REDACTED__",
  "<REDACTED>",
  "${OPENAI_API_KEY}",
  "${BAD-REF}",
  'with "quotes" inside',
  "with\\backslash",
  `sk-oclogFAKE${"a".repeat(30)}`,
];

/** A key/value pair written inside a string, in every way redact.lua looks for one. */
function pairForms(k: string, v: string): Array<[string, string]> {
  const json0 = JSON.stringify({ [k]: v, n: 1 });
  const json1 = JSON.stringify({ log: json0 });
  const json2 = JSON.stringify({ outer: json1 });
  return [
    ["json", json0],
    ["json escaped once", json1],
    ["json escaped twice", json2],
    ["json spaced", `{"${k}" : "${v}", "n": 1}`],
    ["json unquoted key", `${k}":"${v}"`],
    ["json cut off", json0.slice(0, json0.length - 6)],
    ["kv", `run ${k}=${v} next`],
    ["kv quoted", `run ${k}="${v}" next`],
    ["kv escaped quote", `run ${k}=\\"${v}\\" next`],
    ["kv in url", `https://h/p?a=1&${k}=${v}&b=2`],
    ["kv then comma", `${k}=${v},other=1`],
    ["kv empty", `${k}= then`],
    ["kv double equals", `${k}==${v}`],
  ];
}

const S = secrets;
const ADVERSARIAL: string[] = [
  // look-alikes from redact-lua.test.ts
  "Bearer authentication is configured per provider",
  "task-0123456789abcdefghijklmnopqrstuvwxyz finished",
  `id AKIA${"X".repeat(16)}Y is longer than an access key id`,
  "preflight check: totalTokens=120 tokenCount=20 reason=token_mismatch auth=token",
  '{"auth":{"mode":"token"},"token":{"source":"env","id":"OPENCLAW_GATEWAY_TOKEN"},"maxTokens":4096}',
  'set gateway.auth.mode to token/password; see "secrets" and "tokens": 120',
  "sig= is empty here, sig=[REDACTED:sas] is already masked",
  '{"apiKey":"${OPENAI_API_KEY}","password":"__OPENCLAW_REDACTED__","token":""}',
  // PEM
  `-----BEGIN PRIVATE KEY-----\n${S.pemBody[0]}\n-----END PRIVATE KEY-----`,
  `-----BEGIN ENCRYPTED PRIVATE KEY-----\\n${S.pemBody[0]}\\n-----END ENCRYPTED PRIVATE KEY-----`,
  `a -----BEGIN OPENSSH PRIVATE KEY-----\n${S.pemBody[0]}\n-----END OPENSSH PRIVATE KEY----- b -----BEGIN EC PRIVATE KEY-----\n${S.pemBody[1]}\n-----END EC PRIVATE KEY----- c`,
  `-----BEGIN RSA PRIVATE KEY-----\n${S.pemBody[0]}\n-----END RSA PRIVATE KEY-----\nthen -----BEGIN RSA PRIVATE KEY-----\n${S.pemBody[1]}`,
  `-----BEGIN RSA PRIVATE KEY-----\n${S.pemBody[0]}\n-----END RSA PRIV`,
  "-----BEGIN RSA PRIVATE KEY-----",
  "-----BEGIN RSA PRIVATE KEY-----[REDACTED:private-key]",
  "-----BEGIN RSA PRIVATE KEY-----[REDACTED:private-key]-----END RSA PRIVATE KEY-----",
  "-----BEGIN rsa PRIVATE KEY-----\nabc\n-----END rsa PRIVATE KEY-----",
  "the PRIVATE KEY is stored in the vault",
  "-----BEGIN PUBLIC KEY-----\nMIIBIjAN\n-----END PUBLIC KEY-----",
  // provider prefixes at and around their minimum lengths and word boundaries
  `sk-${"a".repeat(19)}`, `sk-${"a".repeat(20)}`, `_sk-${"a".repeat(20)}`, `1sk-${"a".repeat(20)}`, `ésk-${"a".repeat(20)}`,
  `sk-ant-${"b".repeat(15)}`, `sk-ant-${"b".repeat(20)}`, `sk-or-${"c".repeat(14)}`, `sk-or-v1-${"c".repeat(20)}`, `desk-${"d".repeat(25)}`,
  `AIza${"e".repeat(34)}`, `AIza${"e".repeat(35)}`, `xAIza${"e".repeat(35)}`,
  `ghp_${"f".repeat(35)}`, `ghp_${"f".repeat(36)}`, `ghx_${"f".repeat(36)}`, `ghs_${"f".repeat(36)}_tail`, `aghp_${"f".repeat(36)}`, "through ghosts and highways, high_ways",
  `github_pat_${"g".repeat(21)}`, `github_pat_${"g".repeat(22)}`,
  `xoxb-${"1".repeat(9)}`, `xoxp-${"1".repeat(10)}`, `xoxz-${"1".repeat(10)}`,
  `AKIA${"A".repeat(16)}`, `AKIA${"A".repeat(16)}_x`, `AKIA${"A".repeat(15)}`, `ASIA${"Z9".repeat(8)} and akia${"a".repeat(16)}`, `xAKIA${"A".repeat(16)}`, `AKIA${"A".repeat(16)}é`,
  // bearer
  "Bearer abc", "Bearer abcdefg1", "Bearer abcdefgh", `Bearer ${"a".repeat(19)}`, `Bearer ${"a".repeat(20)}`, "bearer\t\tabc123456", "BEARER abcdefg1",
  "BeArEr 12345678abc", "BeArEr 12345678abc and bearer 12345678xyz", "xBearer 12345678", "1Bearer 12345678", "Bearer  tok12345==", "Bearer [REDACTED:bearer]",
  "Bearer Bearer 12345678x", "Bearer\u00a012345678abcdef", "Bearer\n1234567890", "Bearer= 12345678", "Bearer tok.en~+/12345=== rest",
  // sas
  "sig=", "sig=[x", "sig=[not-a-marker]&x", "sig=abc&sp=r", "xsig=abcdefgh", "_sig=abcdefgh", 'sig=abc"def', "sig=abc\\def", "sig%3Dabcdefgh", "sig='quoted'", "SIG=abcdefgh", "sig=é€😀 tail",
  // literals: overlapping equal-length ties, contained, short, padded/CRLF lines, non-ASCII, byte-length minimum
  "x ovlA-1234567-ovlB y", "1234567-ovlA-1234567-ovlB", "ovlC-7654321-ovlD|ovlE-5555555-ovlF|ovlG-0000000", "5555555-ovlC-7654321-ovlD",
  `old ${S.gatewayToken} new ${S.gatewayToken}-rotated`, "short12 short12", "crlf-literal-0001 and padded-literal-0002",
  "x nbsp-literal-0003 y", "x \u00a0nbsp-literal-0003\u00a0 y",
  "ключ", "ключ€", "ключключ", "Bearer ovlA-1234567", `password=${S.gatewayToken}`,
  // the 8-byte minimum is in bytes: 7 bytes skipped, 7 characters of 8 bytes scanned
  "token=a", "token=é", "token=ab", "key=abcd", "sig=abc", "sig=abé",
  // placeholders and env references as embedded values
  "password=${DB_PASSWORD} token=<redacted> secret=[REDACTED:field]",
  '{"password":"<Redacted>","token":"__OPENCLAW_REDACTED__x"}',
  // Unicode lowercase tricks: the Kelvin sign lowercases to "k" in JS, not in Lua
  'API\u212AEY=hunter2-FAKE "API\u212AEY":"hunter2-FAKE"',
  // overlapping embedded ranges, several pairs, value running to the end of a cut-off line
  'password="a token=b" next',
  '{"password":"x\\"token\\":\\"y"}',
  "a password=1;token=2,secret=3&apiKey=4 done",
  '{"token":"unterminated value',
  '\\\\"password\\\\":\\\\"odd escaping\\\\"',
  '"password"\t:\n"spaced value"',
];

function adversarialInputs(): Input[] {
  const inputs: Input[] = [];
  ADVERSARIAL.forEach((s, i) => {
    inputs.push({ name: `adversarial #${i}: ${JSON.stringify(s).slice(0, 60)}`, record: { message: s, list: [s, [s]] } });
  });
  for (const k of KEYS) {
    for (const v of VALUES) {
      for (const [form, s] of pairForms(k, v)) inputs.push({ name: `${form} ${k}=${JSON.stringify(v)}`, record: { message: s } });
      // The field rule: value under the key, in an array under it, in an object and a nested array under it.
      inputs.push({ name: `field ${k}=${JSON.stringify(v)}`, record: { [k]: v, wrap: { [k]: [v, 1, null, true, [v]] }, deep: { [k]: { inner: v } } } });
    }
  }
  inputs.push(
    { name: "non-strings are never touched", record: { n: 1, f: 0.5, t: true, no: null, token: 12345678901, password: false, secret: null, nested: [[[1, "short", null]]], empty: {}, list: [] } },
    { name: "__proto__ key holding a key", record: JSON.parse(`{"__proto__": "${S.openaiLegacy}", "a": {"__proto__": {"token": "v"}}}`) as JsonObject },
    { name: "numeric-looking keys", record: { "0": S.openaiLegacy, "1": ["password=hunter2x"], "2": { token: "v" } } },
    { name: "deep nesting", record: { a: { b: { c: { d: { e: { f: [{ g: [{ apiKey: "deep-FAKE" }, `Bearer ${S.jwt}`] }] } } } } } } },
  );
  return inputs;
}

// ---- Seeded fuzz: strings built from the fragments the rules look for, glued at random.

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAGMENTS = [
  "sk-", "ant-", "or-", "AIza", "ghp_", "gho_", "github_pat_", "xoxb-", "AKIA", "ASIA", "Bearer ", "bearer\t", "BEARER ", "BeArEr ",
  "sig=", "&", "=", "==", '"', "\\", '\\"', '\\\\\\"', ":", " : ", ",", ";", "'", " ", "\n", "\\n", "[", "[REDACTED", "]",
  "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----", "PRIVATE KEY", "password", "PASSWORD", "PassWord", "passwd",
  "secret", "_secret", "client", "token", "Token", "TOKEN", "key", "Key", "KEY", "api", "API_", "access", "private", "authorization",
  "zation", "${", "}", "__OPENCLAW_REDACTED__", "<redacted>", "é", "€", "😀", "\u00a0", "_", "-", ".", "/", "+", "~", "task",
  "ovlA-1234567", "1234567-ovlB", "ovlC-", "ключ", S.gatewayToken.slice(0, 40), S.gatewayToken.slice(30),
];

function fuzzInputs(count: number): Input[] {
  const rand = mulberry32(0x0c10c);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const run = (n: number, from: string) => Array.from({ length: n }, () => pick([...from])).join("");
  return Array.from({ length: count }, (_, i) => {
    let s = "";
    const parts = 1 + Math.floor(rand() * 12);
    for (let p = 0; p < parts; p++) {
      const r = rand();
      if (r < 0.55) s += pick(FRAGMENTS);
      else if (r < 0.85) s += run(1 + Math.floor(rand() * 40), alnum);
      else if (r < 0.95) s += run(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
      else s += run(1 + Math.floor(rand() * 10), "0123456789");
    }
    const key = pick(KEYS);
    return { name: `fuzz #${i}: ${JSON.stringify(s).slice(0, 80)}`, record: i % 3 === 0 ? { message: s } : i % 3 === 1 ? { [key]: s, m: [s] } : { nested: { [key]: [s, { x: s }] } } };
  });
}

// ---- Tests

test("every real OpenClaw and Fluent Bit record: redactRecord and redact.lua agree (and leave it unchanged)", (t) => {
  const real = realRecords();
  t.true(real.length > 1100, `only ${real.length} real records`);
  const { changed } = assertParity(t, real.map((r) => ({ name: r.where, record: r.record })));
  t.is(changed, 0);
});

test("every planted secret kind: redactRecord and redact.lua mask the same bytes", (t) => {
  const inputs = plantedInputs();
  const { changed, kinds } = assertParity(t, inputs);
  // Every input carries a secret, and together they reach every rule.
  t.is(changed, inputs.length);
  t.deepEqual([...kinds].sort(), ["anthropic", "aws", "bearer", "field", "gateway-token", "github", "google", "openai", "openrouter", "private-key", "sas", "slack"]);
});

test("look-alikes, adversarial strings and key/value forms of every key casing: both agree", (t) => {
  const inputs = adversarialInputs();
  const { changed, kinds } = assertParity(t, inputs);
  t.log(`${inputs.length} inputs, ${changed} changed`);
  // Both outcomes are well represented, so agreement is not agreement on doing nothing.
  t.true(changed > inputs.length / 4 && changed < inputs.length * 0.9, `${changed} of ${inputs.length} changed`);
  t.true(kinds.size >= 11, [...kinds].join(","));
});

test("4,000 seeded random strings from the rules' own fragments: both agree", (t) => {
  const inputs = fuzzInputs(4000);
  const { changed } = assertParity(t, inputs);
  t.log(`${inputs.length} inputs, ${changed} changed`);
  t.true(changed > 1000 && changed < 3800, `${changed} changed`);
});
