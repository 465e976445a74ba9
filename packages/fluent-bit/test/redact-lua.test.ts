// The Fluent Bit redaction filter (lua/redact.lua) under real LuaJIT, over real records: the
// committed OpenClaw 2026.9.6 capture and the blobs real Fluent Bit builds shipped. Real
// records must pass untouched (code 0); copies with planted fake secrets must come back with
// exactly the planted strings masked and nothing else changed.
import test from "ava";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { isDeepStrictEqual } from "node:util";
import { captureRecords, realRecords, shippedRecords, type JsonObject, type RealRecord, fakeSecrets } from "@oclog/test-kit/records";
import { baseRecords, get, setPath, type Path } from "./lua/base-records.js";
import { runRedact, type RedactOutcome } from "./lua-runner.js";


interface Plant {
  path: Path;
  /** The string planted at `path` (holds the secret). */
  value: string;
  /** What the filter must turn it into. */
  expected: string;
}

interface PlantCase {
  name: string;
  base: RealRecord;
  plants: Plant[];
  /** Strings that must not survive anywhere in the output. */
  secrets: string[];
  /** Markers that must appear in the output. */
  markers: string[];
}

const secrets = fakeSecrets();
const real = realRecords();
/** A string plant: `around(secret)` becomes `around(marker)`, so the context must survive. */
function plant(path: Path, around: (x: string) => string, secret: string, marker: string): Plant {
  return { path, value: around(secret), expected: around(marker) };
}

/**
 * Plants into the raw `log` line of a shipped record too: Fluent Bit keeps the source line
 * there, so a secret in a parsed field is also in `log`, JSON-escaped.
 */
function plantInLog(base: RealRecord, inner: Plant[]): Plant {
  const raw = base.record.log as string;
  const withSecret = JSON.parse(raw) as JsonObject;
  const withMarker = JSON.parse(raw) as JsonObject;
  for (const p of inner) {
    setPath(withSecret, p.path, p.value);
    setPath(withMarker, p.path, p.expected);
  }
  return { path: ["log"], value: JSON.stringify(withSecret), expected: JSON.stringify(withMarker) };
}

const { gateway, toolCall, fetchCall, toolResult, trajectory, usage, configAudit, ledger, sqliteRow, shippedGateway, shippedTranscript } = baseRecords();

const pemLines = (nl: string) => ["-----BEGIN RSA PRIVATE KEY-----", ...secrets.pemBody, "-----END RSA PRIVATE KEY-----"].join(nl);
const pemMasked = "-----BEGIN RSA PRIVATE KEY-----[REDACTED:private-key]-----END RSA PRIVATE KEY-----";
const sasUrl = (sig: string) => `https://acmelogs.blob.core.windows.net/oclog?sv=2025-01-05&sr=c&sp=cw&se=2026-12-01T00:00:00Z&sig=${sig}`;
const M = (kind: string) => `[REDACTED:${kind}]`;

const CASES: PlantCase[] = [
  {
    name: "openai legacy key in gateway log strings (message and tslog argument)",
    base: gateway,
    plants: [
      // "task-..." beside it is not a key: "sk-" must start a word.
      plant(["message"], (x) => `provider openai rejected key ${x} for task-runner-0123456789abcdefghij: 401`, secrets.openaiLegacy, M("openai")),
      plant(["1"], (x) => `provider openai rejected key ${x}: 401 Unauthorized`, secrets.openaiLegacy, M("openai")),
    ],
    secrets: [secrets.openaiLegacy],
    markers: [M("openai")],
  },
  {
    name: "openai project key in a curl command line, deep in a transcript tool call (keeps Bearer)",
    base: toolCall,
    plants: [
      plant(["message", "content", 0, "arguments", "command"], (x) => `curl -s https://api.openai.com/v1/models -H "Authorization: Bearer ${x}" | jq .`, secrets.openaiProject, M("openai")),
    ],
    secrets: [secrets.openaiProject],
    markers: [M("openai")],
  },
  {
    name: "anthropic key in a tool result text inside the content array (env assignment keeps its kind)",
    base: toolResult,
    plants: [plant(["message", "content", 0, "text"], (x) => `HOME=/home/oclog\nexport ANTHROPIC_API_KEY=${x}\nPATH=/usr/bin\n`, secrets.anthropic, M("anthropic"))],
    secrets: [secrets.anthropic],
    markers: [M("anthropic")],
  },
  {
    name: "openrouter key in an array of objects nested in a trajectory event",
    base: trajectory,
    plants: [plant(["data", "oclogPlanted", 0, "headers", 1], (x) => `X-Provider-Key ${x}`, secrets.openrouter, M("openrouter"))],
    secrets: [secrets.openrouter],
    markers: [M("openrouter")],
  },
  {
    name: "google key in a URL query of a web_fetch call",
    base: fetchCall,
    plants: [plant(["message", "content", 0, "arguments", "url"], (x) => `https://generativelanguage.googleapis.com/v1beta/models/gemini-pro:generateContent?key=${x}&alt=sse`, secrets.google, M("google"))],
    secrets: [secrets.google],
    markers: [M("google")],
  },
  {
    name: "github tokens and a slack token as argv elements of a config audit record",
    base: configAudit,
    plants: [
      plant(["argv", 3], (x) => `https://x-access-token:${x}@github.com/acme/agents.git`, secrets.githubClassic, M("github")),
      plant(["argv", 4], (x) => `--oauth=${x}`, secrets.githubOauth, M("github")),
      plant(["argv", 5], (x) => x, secrets.slack, M("slack")),
    ],
    secrets: [secrets.githubClassic, secrets.githubOauth, secrets.slack],
    markers: [M("github"), M("slack")],
  },
  {
    name: "github fine-grained PAT in an audit ledger row",
    base: ledger,
    plants: [plant(["oclog_planted", "remote"], (x) => `push to acme/agents with ${x} failed`, secrets.githubPat, M("github"))],
    secrets: [secrets.githubPat],
    markers: [M("github")],
  },
  {
    name: "AWS access key ids (AKIA, ASIA) in an exec command",
    base: toolCall,
    plants: [
      plant(["message", "content", 0, "arguments", "command"], (x) => `aws configure set aws_access_key_id ${x} && aws sts get-caller-identity`, secrets.awsAccessKeyId, M("aws")),
      plant(["message", "content", 0, "arguments", "title"], (x) => `session ${x}`, secrets.awsSessionKeyId, M("aws")),
    ],
    secrets: [secrets.awsAccessKeyId, secrets.awsSessionKeyId],
    markers: [M("aws")],
  },
  {
    name: "bearer JWT in a gateway log line (keeps the word Bearer)",
    base: gateway,
    plants: [plant(["1"], (x) => `upstream POST /v1/chat/completions authorization: Bearer ${x} (retry 1)`, secrets.jwt, M("bearer"))],
    secrets: [secrets.jwt],
    markers: [`Bearer ${M("bearer")}`],
  },
  {
    name: "SAS signature in a shipped record: parsed field (end of string) and raw log line (before &)",
    base: shippedGateway,
    plants: [
      plant(["message"], (x) => `uploaded to ${sasUrl(x)}`, secrets.sasSig, M("sas")),
      plantInLog(shippedGateway, [plant(["message"], (x) => `uploaded to ${sasUrl(x)}&comp=block`, secrets.sasSig, M("sas"))]),
    ],
    secrets: [secrets.sasSig],
    markers: [`sig=${M("sas")}`],
  },
  {
    name: "PEM private key with real newlines in a tool result",
    base: toolResult,
    plants: [plant(["message", "details", "aggregated"], (x) => `$ cat ~/.ssh/id_rsa\n${x}\n`, pemLines("\n"), pemMasked)],
    secrets: secrets.pemBody,
    markers: [M("private-key")],
  },
  {
    name: "PEM private key with escaped \\n inside JSON strings (shipped raw log line, sqlite event_json)",
    base: shippedTranscript,
    plants: [
      plant(["message", "content"], (x) => `keep this safe: ${x}`, pemLines("\n"), pemMasked),
      plantInLog(shippedTranscript, [plant(["message", "content"], (x) => `keep this safe: ${x}`, pemLines("\n"), pemMasked)]),
    ],
    secrets: secrets.pemBody,
    markers: [M("private-key")],
  },
  {
    name: "PEM block escaped twice (JSON in a JSON string column)",
    base: sqliteRow,
    plants: [
      plant(["row", "event_json"], (x) => JSON.stringify({ data: { note: JSON.stringify({ key: x }) } }), pemLines("\n"), pemMasked),
    ],
    secrets: secrets.pemBody,
    markers: [M("private-key")],
  },
  {
    name: "PEM private key cut off before its END line (tail buffer limit): masked to the end",
    base: gateway,
    plants: [{ path: ["message"], value: `loaded key ${pemLines("\n").split("-----END")[0]}`, expected: "loaded key -----BEGIN RSA PRIVATE KEY-----[REDACTED:private-key]" }],
    secrets: secrets.pemBody,
    markers: [M("private-key")],
  },
  {
    name: "gateway token literal (from OCLOG_REDACT_LITERALS) in a URL and a message",
    base: gateway,
    plants: [
      plant(["message"], (x) => `control ui: http://127.0.0.1:18789/?token=${x}`, secrets.gatewayToken, M("gateway-token")),
      plant(["_meta", "oclogPlanted"], (x) => `OPENCLAW_GATEWAY_TOKEN is ${x}.`, secrets.gatewayToken, M("gateway-token")),
    ],
    secrets: [secrets.gatewayToken],
    markers: [M("gateway-token")],
  },
  {
    name: "the VM's per-start gateway token, by its ocgw_ shape (it is in no literals file)",
    base: gateway,
    plants: [
      plant(["message"], (x) => `control ui: http://127.0.0.1:18789/#token=${x}`, secrets.vmGatewayToken, M("gateway-token")),
      plant(["_meta", "oclogPlanted"], (x) => `env: OPENCLAW_GATEWAY_TOKEN=${x} PATH=/usr/bin`, secrets.vmGatewayToken, M("gateway-token")),
      // One character short of the shape, and one too long: not the token, left alone.
      { path: ["_meta", "near"], value: `ocgw_${"a".repeat(42)} and ocgw_${"b".repeat(44)}`, expected: `ocgw_${"a".repeat(42)} and ocgw_${"b".repeat(44)}` },
    ],
    secrets: [secrets.vmGatewayToken],
    markers: [M("gateway-token")],
  },
  {
    name: "secret-named keys with string values, at any depth (field)",
    base: trajectory,
    plants: [
      { path: ["password"], value: secrets.password, expected: M("field") },
      { path: ["data", "config", "gateway", "auth", "token"], value: secrets.plain, expected: M("field") },
      { path: ["data", "config", "models", "providers", "acme", "apiKey"], value: `${secrets.plain}-1`, expected: M("field") },
      { path: ["data", "request", "headers", "Authorization"], value: `Basic ${Buffer.from(`u:${secrets.password}`).toString("base64")}`, expected: M("field") },
      { path: ["data", "oauth", "client_secret"], value: `${secrets.plain}-2`, expected: M("field") },
      { path: ["data", "env", "OPENCLAW_GATEWAY_PASSWORD"], value: `${secrets.plain}-3`, expected: M("field") },
      { path: ["data", "aws", "aws_secret_access_key"], value: `${secrets.plain}-4`, expected: M("field") },
      { path: ["data", "tls", "private-key"], value: `${secrets.plain}-5`, expected: M("field") },
      { path: ["data", "request", "authorization", 0], value: `${secrets.plain}-6`, expected: M("field") },
    ],
    secrets: [secrets.password, secrets.plain],
    markers: [M("field")],
  },
  {
    name: "secret-named keys written inside strings: JSON at two escaping depths and key=value",
    base: shippedGateway,
    plants: [
      plant(["0"], (x) => JSON.stringify({ subsystem: "plugins/acme", password: x, retries: 3 }), secrets.password, M("field")),
      // The value holds an escaped quote: the whole value goes, not just the part before it.
      plantInLog(shippedGateway, [{ path: ["1"], value: JSON.stringify({ apiKey: `${secrets.plain}"q`, n: 1 }), expected: JSON.stringify({ apiKey: M("field"), n: 1 }) }]),
      plant(["message"], (x) => `login user=alice password=${x} ok`, `${secrets.password}-kv`, M("field")),
      plant(["_meta", "env"], (x) => `HOME=/var/lib/openclaw OCLOG_DB_TOKEN=${x} LANG=C.UTF-8`, `${secrets.plain}-env`, M("field")),
    ],
    secrets: [secrets.password, secrets.plain],
    markers: [M("field")],
  },
];

function outcomeFor(run: RedactOutcome[], i: number): RedactOutcome {
  const o = run[i];
  if (!o) throw new Error(`no outcome ${i}`);
  return o;
}

test("redact.lua loads with the standard library only and defines only the global `redact`", (t) => {
  // The driver replaces `require` with a function that throws while loading the script.
  const run = runRedact([{ record: { message: "hello" } }]);
  t.deepEqual(run.globals, ["redact"]);
  t.is(outcomeFor(run.outcomes, 0).code, 0);
});

test("every real OpenClaw and Fluent Bit record comes back unchanged with code 0", (t) => {
  const capture = captureRecords();
  const shipped = shippedRecords();
  t.true(capture.length > 400 && shipped.length > 700, `capture ${capture.length}, shipped ${shipped.length}`);
  // With a literal loaded, so the literal scan runs over every string too.
  const run = runRedact(
    real.map((r) => ({ tag: r.tag, record: r.record })),
    { literals: [secrets.gatewayToken] },
  );
  const changed = run.outcomes.flatMap((o, i) =>
    o.code === 0 && o.same && o.ts === 1795600221.845 && isDeepStrictEqual(o.after, o.before)
      ? []
      : [{ where: real[i]!.where, code: o.code, after: o.after }],
  );
  // A real record that legitimately looks like a secret shows up here, in full, to decide on.
  for (const c of changed) t.log(`${c.where} code ${c.code}: ${JSON.stringify(c.after)}`);
  t.deepEqual(changed.map((c) => c.where), []);
  t.is(run.stderr, "");
});

test("each planted secret kind is masked where it was planted, and nothing else in the record changes", (t) => {
  const inputs = CASES.map((c) => {
    const record = structuredClone(c.base.record);
    for (const p of c.plants) setPath(record, p.path, p.value);
    return { tag: c.base.tag, record };
  });
  const run = runRedact(inputs, { literals: [secrets.gatewayToken] });
  const kinds = new Set<string>();
  CASES.forEach((c, i) => {
    const o = outcomeFor(run.outcomes, i);
    const where = `${c.name} (${c.base.where})`;
    // The secret really went in: the planted record carries it before the filter.
    for (const s of c.secrets) t.true(JSON.stringify(o.before).includes(s), `${where}: not planted`);
    t.is(o.code, 2, where);
    const out = JSON.stringify(o.after);
    for (const s of c.secrets) t.false(out.includes(s), `${where}: ${s} survived`);
    for (const m of c.markers) t.true(out.includes(m), `${where}: no ${m}`);
    for (const m of out.matchAll(/\[REDACTED:([a-z-]+)\]/g)) kinds.add(m[1]!);
    const expected = structuredClone(o.before);
    for (const p of c.plants) setPath(expected, p.path, p.expected);
    t.deepEqual(o.after, expected, where);
  });
  t.deepEqual([...kinds].sort(), ["anthropic", "aws", "bearer", "field", "gateway-token", "github", "google", "openai", "openrouter", "private-key", "sas", "slack"]);

  // Filtering the filtered output again changes nothing: markers are not secrets.
  const again = runRedact(run.outcomes.map((o) => ({ record: o.after })), { literals: [secrets.gatewayToken] });
  t.deepEqual(again.outcomes.map((o) => o.code), CASES.map(() => 0));
});

test("numeric token counters stay numbers; token/password strings become [REDACTED:field]; refs stay readable", (t) => {
  const record = structuredClone(usage.record);
  const extra = {
    maxTokens: 4096,
    input_tokens: 100,
    "total-tokens": 120,
    tokenCount: 20,
    tokens: "prompt tokens are counted per model",
    token: secrets.plain,
    password: secrets.password,
    secretRef: { token: { source: "env", provider: "default", id: "OPENCLAW_GATEWAY_TOKEN" } },
    apiKey: "${OPENAI_API_KEY}",
    redactedByOpenClaw: { token: "__OPENCLAW_REDACTED__" },
    emptyPassword: "",
    passwordFile: "/etc/oclog/password.txt",
    hasToken: true,
  };
  Object.assign(record, extra);
  const [o] = runRedact([{ record }]).outcomes;
  t.is(o!.code, 2);
  const after = o!.after as Record<string, unknown>;
  t.is(get(after, ["message", "usage", "totalTokens"]), 120);
  t.is(after.maxTokens, 4096);
  t.is(after.input_tokens, 100);
  t.is(after["total-tokens"], 120);
  t.is(after.tokenCount, 20);
  t.is(after.tokens, extra.tokens);
  t.is(after.token, "[REDACTED:field]");
  t.is(after.password, "[REDACTED:field]");
  t.deepEqual(after.secretRef, extra.secretRef);
  t.is(after.apiKey, "${OPENAI_API_KEY}");
  t.deepEqual(after.redactedByOpenClaw, extra.redactedByOpenClaw);
  t.is(after.emptyPassword, "");
  t.is(after.passwordFile, extra.passwordFile);
  t.is(after.hasToken, true);
  const expected = structuredClone(o!.before) as Record<string, unknown>;
  expected.token = "[REDACTED:field]";
  expected.password = "[REDACTED:field]";
  t.deepEqual(after, expected);
});

test("look-alikes that are not secrets stay as they are", (t) => {
  const lookalikes = [
    "Bearer authentication is configured per provider",
    "task-0123456789abcdefghijklmnopqrstuvwxyz finished",
    `id AKIA${"X".repeat(16)}Y is longer than an access key id`,
    "preflight check: totalTokens=120 tokenCount=20 reason=token_mismatch auth=token",
    '{"auth":{"mode":"token"},"token":{"source":"env","id":"OPENCLAW_GATEWAY_TOKEN"},"maxTokens":4096}',
    'set gateway.auth.mode to token/password; see "secrets" and "tokens": 120',
    "sig= is empty here, sig=[REDACTED:sas] is already masked",
    '{"apiKey":"${OPENAI_API_KEY}","password":"__OPENCLAW_REDACTED__","token":""}',
  ];
  const run = runRedact(lookalikes.map((message) => ({ record: { message, list: [message] } })));
  t.deepEqual(run.outcomes.map((o) => o.code), lookalikes.map(() => 0));
});

test("literals: blank lines and literals under 8 characters are ignored; the longest literal wins", (t) => {
  const short = "abc1234"; // 7 characters
  const long = `${secrets.gatewayToken}-rotated`;
  const literals = ["", "   ", short, `  ${secrets.gatewayToken}  `, long];
  const run = runRedact(
    [
      { record: { message: `short literal ${short} stays` } },
      { record: { message: `old ${secrets.gatewayToken} new ${long}` } },
    ],
    { literals },
  );
  t.is(outcomeFor(run.outcomes, 0).code, 0);
  t.deepEqual(outcomeFor(run.outcomes, 1).after, { message: "old [REDACTED:gateway-token] new [REDACTED:gateway-token]" });
});

test("a missing literals file is not an error: patterns still mask, literals are just absent", (t) => {
  const missing = join(tmpdir(), `oclog-redact-missing-${process.pid}`, "redact-literals");
  t.false(existsSync(missing));
  const run = runRedact(
    [{ record: { message: `token ${secrets.gatewayToken} and key ${secrets.openaiLegacy}` } }],
    { literalsPath: missing },
  );
  t.deepEqual(outcomeFor(run.outcomes, 0).after, { message: `token ${secrets.gatewayToken} and key [REDACTED:openai]` });
  // Named explicitly but missing: said once on stderr (Fluent Bit's log), not fatal.
  t.regex(run.stderr, /no literals loaded/);
});
