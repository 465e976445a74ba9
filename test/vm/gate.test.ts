// The nginx SAS expiry gate (vm/nginx/gate.lua + oclog-gateway.conf) in the real Debian nginx with
// ngx_lua, in front of an upstream stand-in for the OpenClaw gateway, over a table of state files.
import { Agent } from "node:http";
import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test, { type ExecutionContext } from "ava";
import { SasState, SAS_STATE_MAX_BYTES } from "@oclog/sas";
import { SOURCES, detectSource, parseRecord } from "@oclog/schema";
import { API, BROWSER, type Reply } from "./gate/client.js";
import { GATEWAY_CONF, nginxTest, renderGateway } from "./gate/nginx.js";
import { FALLBACK_COMMAND, GateStand } from "./gate/stand.js";
import { DAY, HOUR, RENEW_COMMAND, isoIn, sasState, without } from "./gate/state.js";
import { UPSTREAM_FRAME_TEXT, textFrame, websocketAccept } from "./gate/upstream.js";

const HEADER = "x-oclog-sas-expires-in";
const BLOCK = "x-oclog-gate-block";

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** Pads a JSON document with trailing spaces to exactly `bytes` bytes (still valid JSON). */
function padded(state: object, bytes: number): string {
  const json = JSON.stringify(state);
  return json + " ".repeat(bytes - Buffer.byteLength(json));
}

// ---------------------------------------------------------------------------------------------
// One nginx for the table (cache off so every request reads the file); these tests run serially.
let stand: GateStand;
test.before(async () => {
  stand = await GateStand.start({ gate: { cache_seconds: "0" } });
});
test.after.always(async () => {
  await stand?.stop();
});

type Expect =
  | { kind: "pass" }
  | { kind: "notice" }
  | { kind: "block"; code: string; command: "state" | "fallback"; reason?: RegExp };

interface Case {
  name: string;
  /** The state object, when the case has one: checked against the TS contract too. */
  state?: Record<string, unknown>;
  /** What zod's SasState says about `state` (the gate must agree, or be stricter where noted). */
  contract?: boolean;
  setup(s: GateStand): void;
  expect: Expect;
}

function stateCase(name: string, state: Record<string, unknown>, contract: boolean, expect: Expect): Case {
  return { name, state, contract, setup: (s) => s.writeState(state), expect };
}
const block = (code: string, command: "state" | "fallback" = "state", reason?: RegExp): Expect => ({ kind: "block", code, command, reason });
const pass: Expect = { kind: "pass" };
const notice: Expect = { kind: "notice" };

const valid = sasState(3 * DAY);
const CASES: Case[] = [
  // Time: more than 24 h passes quietly, the warning window passes with a notice, < 15 min blocks.
  stateCase("3 days left: pass", valid, true, pass),
  stateCase("24 h + 2 min left: pass without notice", sasState(DAY + 120), true, pass),
  stateCase("24 h - 2 min left: notice", sasState(DAY - 120), true, notice),
  stateCase("6 h left: notice", sasState(6 * HOUR), true, notice),
  stateCase("16 min left: notice", sasState(16 * 60), true, notice),
  stateCase("14 min left: blocked", sasState(14 * 60), true, block("expiring", "state", /expires at \S+, in 1[34] min: less than the 15 minutes/)),
  stateCase("10 min left: blocked", sasState(10 * 60), true, block("expiring")),
  stateCase("expired 1 s ago: blocked", sasState(-1), true, block("expired")),
  stateCase("expired a day ago: blocked", sasState(-DAY), true, block("expired", "state", /expired at \S+, 1 d 0 h 0 min ago/)),
  stateCase("shipping failing, 3 days left: blocked", sasState(3 * DAY, { shipping: "failing" }), true, block("shipping-failing")),
  // shipping "unknown" (oclog sas install writes it; the guard decides within minutes): open for
  // unknown_grace_seconds (900 as shipped) after installed_at, then closed.
  stateCase("shipping unknown, installed 1 min ago: pass", sasState(3 * DAY, { shipping: "unknown", installed_at: isoIn(-60) }), true, pass),
  stateCase("shipping unknown, installed 14 min ago: pass", sasState(3 * DAY, { shipping: "unknown", installed_at: isoIn(-14 * 60) }), true, pass),
  stateCase("shipping unknown, installed 30 s in the future (clock step): pass", sasState(3 * DAY, { shipping: "unknown", installed_at: isoIn(30) }), true, pass),
  stateCase("shipping unknown, installed 1 min ago, 6 h left: notice", sasState(6 * HOUR, { shipping: "unknown", installed_at: isoIn(-60) }), true, notice),
  stateCase(
    "shipping unknown, installed 16 min ago: blocked",
    sasState(3 * DAY, { shipping: "unknown", installed_at: isoIn(-16 * 60) }),
    true,
    block("shipping-unknown", "state", /\(shipping: unknown\) in the 16 min since the token was installed at \S+; the gate allows 15 min\. On the VM, check that oclog-guard\.timer runs \(systemctl status oclog-guard\.timer\)/),
  ),
  stateCase(
    "shipping unknown, installed_at 1 h in the future: blocked (it would stretch the grace)",
    sasState(3 * DAY, { shipping: "unknown", installed_at: isoIn(HOUR) }),
    true,
    block("shipping-unknown", "state", /installed_at \(\S+\) is (59 min|1 h 0 min) in the future/),
  ),
  stateCase("shipping unknown, installed 1 min ago, expired: blocked as expired", sasState(-1, { shipping: "unknown", installed_at: isoIn(-60) }), true, block("expired")),
  stateCase("shipping ok, installed a year ago: pass (only unknown has a grace period)", sasState(3 * DAY, { installed_at: isoIn(-365 * DAY) }), true, pass),
  stateCase(
    "optional fields and fractional seconds: pass",
    sasState(3 * DAY, { expires_at: isoIn(3 * DAY).replace("Z", ".250Z"), shipping_checked_at: new Date().toISOString(), shipping_reason: "" }),
    true,
    pass,
  ),
  stateCase("empty renew_command: blocked page shows the fixed instruction", sasState(-HOUR, { renew_command: "" }), true, block("expired", "fallback")),

  // The file itself.
  { name: "missing", setup: (s) => s.removeState(), expect: block("missing", "fallback") },
  { name: "empty", setup: (s) => s.writeState(""), expect: block("empty", "fallback") },
  { name: "whitespace only", setup: (s) => s.writeState("  \n"), expect: block("invalid-json", "fallback") },
  { name: "invalid JSON (truncated)", setup: (s) => s.writeState(JSON.stringify(valid).slice(0, 40)), expect: block("invalid-json", "fallback") },
  { name: "JSON with a trailing comma", setup: (s) => s.writeState(JSON.stringify(valid).replace(/}$/, ",}")), expect: block("invalid-json", "fallback") },
  { name: "JSON array", setup: (s) => s.writeState("[1,2]"), expect: block("contract", "fallback") },
  { name: "JSON string", setup: (s) => s.writeState('"ok"'), expect: block("contract", "fallback") },
  { name: "exactly 64 KiB (valid, padded): pass", setup: (s) => s.writeState(padded(valid, SAS_STATE_MAX_BYTES)), expect: pass },
  { name: "64 KiB + 1 byte (valid, padded)", setup: (s) => s.writeState(padded(valid, SAS_STATE_MAX_BYTES + 1)), expect: block("oversize", "fallback") },
  // The size is checked on the opened file before reading: the reason names the whole size.
  { name: "1 MB (valid, padded)", setup: (s) => s.writeState(padded(valid, 1 << 20)), expect: block("oversize", "fallback", /the state file is 1048576 bytes; at most 65536 are allowed/) },
  // Refused by open(O_NOFOLLOW) itself: the target is never opened.
  { name: "symlink to a valid file elsewhere", setup: (s) => s.stateAsSymlink(valid), expect: block("symlink", "fallback", /the state file is a symbolic link\./) },
  { name: "valid file in a symlinked directory", setup: (s) => s.stateDirAsSymlink(valid), expect: block("symlink", "fallback", /path goes through a symbolic link \(it resolves to \S+\/real-oclog\/sas-state\.json\)/) },
  { name: "a directory", setup: (s) => s.stateAsDirectory(), expect: block("not-regular", "fallback") },
  { name: "a FIFO (must not hang)", setup: (s) => s.stateAsFifo(), expect: block("not-regular", "fallback") },
  { name: "unreadable (mode 000)", setup: (s) => s.writeState(valid, 0o000), expect: block("unreadable", "fallback", /permission denied/) },

  // The contract (sas-state.ts): wrong types, missing and unknown fields, bad formats.
  stateCase("version is a string", { ...valid, version: "1" }, false, block("contract")),
  stateCase("version 2", { ...valid, version: 2 }, false, block("contract")),
  stateCase("no version", without(valid, "version"), false, block("contract")),
  stateCase("no expires_at", without(valid, "expires_at"), false, block("contract", "state", /the state file has no expires_at/)),
  stateCase("no renew_command", without(valid, "renew_command"), false, block("contract", "fallback")),
  stateCase("renew_command is a number", { ...valid, renew_command: 42 }, false, block("contract", "fallback")),
  stateCase("renew_command of 301 characters", { ...valid, renew_command: "x".repeat(301) }, false, block("contract", "fallback")),
  stateCase("expires_at is a number", { ...valid, expires_at: Math.floor(Date.now() / 1000) + 3 * DAY }, false, block("contract")),
  stateCase("expires_at without Z", { ...valid, expires_at: isoIn(3 * DAY).replace("Z", "") }, false, block("contract")),
  stateCase("expires_at with an offset", { ...valid, expires_at: isoIn(3 * DAY).replace("Z", "+00:00") }, false, block("contract")),
  stateCase("expires_at with a space", { ...valid, expires_at: isoIn(3 * DAY).replace("T", " ") }, false, block("contract")),
  stateCase("expires_at with a dot and no digits", { ...valid, expires_at: isoIn(3 * DAY).replace("Z", ".Z") }, false, block("contract")),
  stateCase("expires_at is null", { ...valid, expires_at: null }, false, block("contract")),
  stateCase("issued_at is a date only", { ...valid, issued_at: "2026-11-25" }, false, block("contract")),
  stateCase("shipping OK (wrong case)", { ...valid, shipping: "OK" }, false, block("contract")),
  stateCase("fingerprint in upper case", { ...valid, fingerprint: "sha256:0123456789ABCDEF" }, false, block("contract")),
  stateCase("container too short", { ...valid, container: "ab" }, false, block("contract")),
  stateCase("empty account", { ...valid, account: "" }, false, block("contract")),
  stateCase("permissions with a stray letter", { ...valid, permissions: "cwz" }, false, block("contract")),
  stateCase("shipping_reason of 501 characters", { ...valid, shipping_reason: "r".repeat(501) }, false, block("contract")),
  stateCase("an unknown field", { ...valid, token: "sv=2025&sig=x" }, false, block("contract", "state", /unknown field token/)),
  stateCase("a nested object", { ...valid, account: { name: "acme" } }, false, block("contract")),
  // The contract's regex accepts these; they are not real instants (JS rolls them over), so the gate refuses them.
  stateCase("30 February", { ...valid, expires_at: `${new Date().getUTCFullYear() + 1}-02-30T10:00:00Z` }, true, block("contract")),
  stateCase("hour 24", { ...valid, expires_at: isoIn(3 * DAY).replace(/T\d\d/, "T24") }, true, block("contract")),
];

/** What a blocked request must look like: 503, the reason code, the command, no upstream. */
function assertBlocked(t: ExecutionContext, r: Reply, code: string, command: string, what: string): void {
  t.is(r.status, 503, `${what}: status`);
  t.is(r.headers[BLOCK], code, `${what}: block reason`);
  t.is(r.headers["x-upstream"], undefined, `${what}: reached the upstream`);
  if (r.body) {
    t.true(r.body.includes(`<pre><code>${escapeHtml(command)}</code></pre>`), `${what}: the page does not show ${command}`);
    t.regex(r.headers["content-type"] ?? "", /^text\/html/);
  }
}

for (const c of CASES) {
  test.serial(`state file: ${c.name}`, async (t) => {
    if (c.state && c.contract !== undefined) {
      t.is(SasState.safeParse(c.state).success, c.contract, "the fixture does not match what the TS contract says");
    }
    c.setup(stand);
    const hitsBefore = stand.upstream.hits.length;
    const sent = Date.now();
    const r = await stand.get("/api/x", { headers: API });
    const answered = Date.now();
    if (c.expect.kind === "block") {
      const command = c.expect.command === "state" ? RENEW_COMMAND : FALLBACK_COMMAND;
      assertBlocked(t, r, c.expect.code, command, "GET /api/x");
      if (c.expect.reason) t.regex(r.body, c.expect.reason);
      assertBlocked(t, await stand.get("/", { headers: BROWSER }), c.expect.code, command, "GET / (browser)");
      assertBlocked(t, await stand.get("/", { method: "POST", headers: API }), c.expect.code, command, "POST /");
      assertBlocked(t, await stand.get("/", { method: "HEAD" }), c.expect.code, command, "HEAD /");
      const ws = await stand.websocket("/ws");
      assertBlocked(t, ws, c.expect.code, command, "WebSocket /ws");
      t.is(stand.upstream.hits.length, hitsBefore, "a blocked request reached the upstream");
      const health = await stand.get("/healthz");
      t.is(health.status, 200);
      t.is(health.body, "ok\n");
      return;
    }
    t.is(r.status, 200);
    t.is(r.body, "upstream GET /api/x");
    t.is(r.headers[BLOCK], undefined);
    t.is(stand.upstream.hits.length, hitsBefore + 1);
    if (c.expect.kind === "pass") {
      t.is(r.headers[HEADER], undefined, "no notice outside the warning window");
      const page = await stand.get("/", { headers: BROWSER });
      t.is(page.body, "upstream GET /", "no banner outside the warning window");
      t.is(page.headers["set-cookie"], undefined);
    } else {
      // The header is the exact number of seconds left when nginx answered: between what was left
      // when the request was sent and when its answer came (whole seconds, so one either side).
      // Measured against the state's own expires_at: the cases are built when this file loads.
      const expiresAt = Date.parse(String(c.state?.expires_at));
      const left = Number(r.headers[HEADER]);
      const most = Math.ceil((expiresAt - sent) / 1000) + 1;
      const least = Math.floor((expiresAt - answered) / 1000) - 1;
      t.true(left >= least && left <= most, `${HEADER}: ${left}, expected ${least}..${most}`);
    }
  });
}

test.serial("warning window: the banner is shown once per browser session, then the cookie lets it through", async (t) => {
  const state = sasState(6 * HOUR);
  stand.writeState(state);
  const hits = stand.upstream.hits.length;

  const banner = await stand.get("/chat?session=main", { headers: BROWSER });
  t.is(banner.status, 200);
  t.is(banner.headers["x-upstream"], undefined, "the banner comes from the gate");
  t.true(banner.body.includes(`<pre><code>${escapeHtml(RENEW_COMMAND)}</code></pre>`));
  t.true(banner.body.includes(`It expires at ${state.expires_at as string}`));
  t.regex(banner.body, /<a class="button" href="">Continue to OpenClaw<\/a>/);
  t.is(banner.headers["cache-control"], "no-store");
  t.true(Math.abs(Number(banner.headers[HEADER]) - 6 * HOUR) <= 2);
  const setCookie = banner.headers["set-cookie"] ?? [];
  t.is(setCookie.length, 1);
  t.regex(setCookie[0]!, /^oclog_sas_notice=0123456789abcdef; Path=\/; HttpOnly; SameSite=Lax$/, "a session cookie (no Expires/Max-Age)");
  t.is(stand.upstream.hits.length, hits);

  const cookie = setCookie[0]!.split(";")[0]!;
  const through = await stand.get("/chat?session=main", { headers: { ...BROWSER, cookie: `theme=dark; ${cookie}` } });
  t.is(through.body, "upstream GET /chat?session=main");
  t.true(Math.abs(Number(through.headers[HEADER]) - 6 * HOUR) <= 2);
  t.is(through.headers["set-cookie"], undefined);

  // Not a page navigation: never the banner, always the header.
  const api = await stand.get("/api/sessions", { headers: API });
  t.is(api.body, "upstream GET /api/sessions");
  t.truthy(api.headers[HEADER]);
  const fetched = await stand.get("/fragment", { headers: { ...BROWSER, "sec-fetch-mode": "cors" } });
  t.is(fetched.body, "upstream GET /fragment");
  const posted = await stand.get("/form", { method: "POST", headers: BROWSER });
  t.is(posted.body, "upstream POST /form");
  const ws = await stand.websocket("/ws", { accept: "text/html" });
  t.is(ws.status, 101);
  t.true(Math.abs(Number(ws.headers[HEADER]) - 6 * HOUR) <= 2, "the 101 carries the notice header too");

  // A new token inside the window shows the banner again, even with the old cookie.
  stand.writeState(sasState(5 * HOUR, { fingerprint: "sha256:fedcba9876543210" }));
  const again = await stand.get("/chat", { headers: { ...BROWSER, cookie } });
  t.is(again.status, 200);
  t.is(again.headers["x-upstream"], undefined);
  t.regex(String(again.headers["set-cookie"]), /^oclog_sas_notice=fedcba9876543210;/);
});

test.serial("pages HTML-escape everything taken from the state file", async (t) => {
  const hostile = `oclog sas rotate --vm alice && echo "<script>alert('x')</script>"`;
  const reason = `<img src=x onerror=alert(1)> & more`;

  stand.writeState(sasState(-HOUR, { renew_command: hostile }));
  const blocked = await stand.get("/", { headers: BROWSER });
  t.is(blocked.status, 503);
  t.false(blocked.body.includes("<script>"));
  t.true(blocked.body.includes(`<pre><code>oclog sas rotate --vm alice &amp;&amp; echo &quot;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;</code></pre>`));
  t.regex(String(blocked.headers["content-security-policy"]), /default-src 'none'/);

  stand.writeState(sasState(6 * HOUR, { renew_command: hostile }));
  const banner = await stand.get("/", { headers: BROWSER });
  t.is(banner.status, 200);
  t.false(banner.body.includes("<script>"));
  t.true(banner.body.includes(escapeHtml(hostile)));

  stand.writeState(sasState(3 * DAY, { shipping: "failing", shipping_reason: reason }));
  const failing = await stand.get("/", { headers: BROWSER });
  t.is(failing.headers[BLOCK], "shipping-failing");
  t.false(failing.body.includes("<img"));
  t.true(failing.body.includes("&lt;img src=x onerror=alert(1)&gt; &amp; more"));
});

test.serial("a valid state lets the WebSocket handshake through to the upstream (101)", async (t) => {
  stand.writeState(valid);
  const ws = await stand.websocket("/ws?client=control-ui");
  t.is(ws.status, 101);
  t.is(ws.headers["sec-websocket-accept"], websocketAccept(ws.key));
  t.is(ws.headers[HEADER], undefined);
  t.deepEqual(ws.firstFrame, textFrame(UPSTREAM_FRAME_TEXT), "the upstream's first frame arrives through nginx");
  const hit = stand.upstream.hits.at(-1)!;
  t.like(hit, { upgrade: true, url: "/ws?client=control-ui" });
  t.is(hit.headers.upgrade, "websocket");
  t.regex(String(hit.headers.connection), /upgrade/i);
});

test.serial("while blocked, no path reaches the upstream; only the health endpoint answers", async (t) => {
  stand.writeState(sasState(-HOUR));
  const hits = stand.upstream.hits.length;
  const paths = [
    "/", "/api/x", "/ws", "/healthz/", "/healthz/x", "/healthz/../x", "/HEALTHZ", "/healthz.json", "/healthzx",
    "/healthz%2F..%2Fx", "/./healthz/.", "/healthz;x", "/static/../api",
    "http://127.0.0.1/api/x", "/index.html", "/.env",
  ];
  for (const path of paths) {
    const r = await stand.get(path, { headers: API });
    t.is(r.status, 503, `${path}: ${r.status}`);
    t.is(r.headers[BLOCK], "expired", path);
  }
  // nginx decodes and normalises the URI before choosing a location, so these are /healthz:
  // its own fixed answer, never the upstream.
  for (const path of ["/healthz", "/%68ealthz", "//healthz", "/x/../healthz", "/x/..%2Fhealthz", "/healthz?x=1"]) {
    const r = await stand.get(path);
    t.is(r.status, 200, path);
    t.is(r.body, "ok\n", path);
    t.is(r.headers["x-upstream"], undefined, path);
  }
  // Paths that climb above the root are refused by nginx itself.
  for (const path of ["/%2e%2e/x", "/../healthz", "/healthz/../../x"]) {
    const r = await stand.get(path);
    t.is(r.status, 400, path);
    t.is(r.headers["x-upstream"], undefined, path);
  }
  for (const method of ["PUT", "DELETE", "PATCH", "OPTIONS"]) {
    const r = await stand.get("/api/x", { method });
    t.is(r.status, 503, method);
  }
  t.is(stand.upstream.hits.length, hits, "a request reached the upstream while blocked");
});

// ---------------------------------------------------------------------------------------------
// Separate nginx instances (these run concurrently with each other, after the serial table).

test("the cache serves a file's decision for at most cache_seconds (5 s as shipped)", async (t) => {
  const cached = await GateStand.start(); // the conf as shipped
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    t.regex(cached.conf, /^\s*cache_seconds = 5,$/m);
    const TTL = 5000;
    cached.writeState(sasState(3 * DAY));
    const loadStart = Date.now();
    t.is((await cached.get("/", { agent })).status, 200);
    const loadEnd = Date.now();

    // The file now says "expired". Within the TTL the worker still has the previous read...
    cached.replaceState(sasState(-HOUR));
    const soon = await cached.get("/", { agent });
    if (Date.now() - loadStart < TTL - 500) t.is(soon.status, 200, "the gate re-read the file inside the TTL: no cache");
    else t.log("machine too slow to observe the cached decision");

    // ...and no pass may be served for a request that starts after the TTL (100 ms for the
    // granularity of nginx's cached clock). Requests go back to back until the first 503.
    let latestStalePass = 0;
    let blockedAt = 0;
    while (Date.now() < loadEnd + TTL + 10_000) {
      const start = Date.now();
      const r = await cached.get("/", { agent });
      if (r.status === 200) {
        latestStalePass = start;
        continue;
      }
      t.is(r.status, 503);
      t.is(r.headers[BLOCK], "expired");
      blockedAt = start;
      break;
    }
    t.not(blockedAt, 0, "never blocked after the file changed");
    t.true(latestStalePass <= loadEnd + TTL + 100, `a stale pass was served ${latestStalePass - loadEnd} ms after the read`);
    t.log(`file read at +0 ms, last stale pass at +${latestStalePass - loadStart} ms, first 503 at +${blockedAt - loadStart} ms`);
    // Once blocked, it stays blocked (every later request re-evaluates).
    t.is((await cached.get("/", { agent })).status, 503);
  } finally {
    agent.destroy();
    await cached.stop();
  }
});

test("expires_at arithmetic is exact UTC across leap years and centuries, whatever nginx's TZ", async (t) => {
  // A 1000-year warning window makes the gate report the seconds left for far dates.
  const dates = await GateStand.start({ gate: { cache_seconds: "0", warn_seconds: String(1000 * 366 * DAY) } });
  try {
    for (const expires of [
      isoIn(2 * HOUR), "2027-01-01T00:00:00Z", "2028-02-29T12:00:00Z", "2028-03-01T00:00:00.250Z",
      "2030-12-31T23:59:59Z", "2100-03-01T00:00:00Z", "2400-02-29T23:59:59Z", "2999-12-31T23:59:59.999Z",
    ]) {
      dates.writeState(sasState(0, { expires_at: expires }));
      const start = Date.now();
      const r = await dates.get("/", { headers: API });
      const end = Date.now();
      const at = Date.parse(expires);
      t.is(r.status, 200, expires);
      const left = Number(r.headers[HEADER]);
      const low = Math.floor((at - end) / 1000) - 1;
      const high = Math.floor((at - start) / 1000) + 1;
      t.true(left >= low && left <= high, `${expires}: ${left} s left, expected ${low}..${high}`);
    }
    for (const bad of ["2100-02-29T00:00:00Z", "2027-02-29T00:00:00Z", "2028-04-31T00:00:00Z", "2028-01-01T23:59:60Z", "2028-00-10T00:00:00Z", "2028-01-01T00:60:00Z"]) {
      dates.writeState(sasState(0, { expires_at: bad }));
      const r = await dates.get("/", { headers: API });
      t.is(r.status, 503, bad);
      t.is(r.headers[BLOCK], "contract", bad);
    }
  } finally {
    await dates.stop();
  }
});

test("fails closed when gate.lua cannot load (503 from error_page, not 500)", async (t) => {
  const broken = await GateStand.start({ luaSource: 'error("gate.lua broken on purpose")\n' });
  try {
    broken.writeState(valid);
    for (const r of [await broken.get("/"), await broken.websocket("/ws")]) {
      t.is(r.status, 503);
      t.is(r.headers[BLOCK], "gate-failed");
      t.true(r.body.includes(`<pre><code>${FALLBACK_COMMAND}</code></pre>`));
    }
    t.is(broken.upstream.hits.length, 0);
    t.is((await broken.get("/healthz")).status, 200);
    t.regex(broken.nginx.errorLog(), /gate\.lua broken on purpose/);
  } finally {
    await broken.stop();
  }
});

for (const [option, value, message] of [
  ["warn_seconds", '"soon"', /warn_seconds must be a number/],
  // A grace beyond a day would keep an unchecked VM open: refused, not clamped.
  ["unknown_grace_seconds", "86401", /unknown_grace_seconds must be a number from 0 to 86400/],
  ["unknown_grace_seconds", "-1", /unknown_grace_seconds must be a number from 0 to 86400/],
] as const) {
  test(`fails closed on a Lua error inside the gate (${option} = ${value}): 503, not 500 or pass`, async (t) => {
    const misconfigured = await GateStand.start({ gate: { [option]: value } });
    try {
      misconfigured.writeState(valid);
      const r = await misconfigured.get("/", { headers: BROWSER });
      t.is(r.status, 503);
      t.is(r.headers[BLOCK], "internal-error");
      t.true(r.body.includes("the access gate failed"));
      t.true(r.body.includes(`<pre><code>${FALLBACK_COMMAND}</code></pre>`));
      t.is(misconfigured.upstream.hits.length, 0);
      t.regex(misconfigured.nginx.errorLog(), new RegExp(`oclog gate: internal error, failing closed: ${message.source}`));
    } finally {
      await misconfigured.stop();
    }
  });
}

test("fails closed without lua-cjson, and says which package is missing", async (t) => {
  const noJson = await GateStand.start({ gate: { cache_seconds: "0" }, extraHttp: 'lua_package_cpath "/nonexistent/?.so";' });
  try {
    noJson.writeState(valid);
    const r = await noJson.get("/");
    t.is(r.status, 503);
    t.is(r.headers[BLOCK], "no-json-parser");
    t.true(r.body.includes(escapeHtml("install the Debian package lua-cjson")));
    t.is(noJson.upstream.hits.length, 0);
  } finally {
    await noJson.stop();
  }
});

test("the shipped conf: placeholders, defaults, hardening, and nginx -t accepts it", (t) => {
  const template = readFileSync(GATEWAY_CONF, "utf8");
  t.deepEqual([...new Set(template.match(/@[A-Z_]+@/g))].sort(), ["@ACCESS_LOG@", "@LISTEN@", "@LUA_DIR@", "@STATE_FILE@", "@UPSTREAM@", "@VM_NAME@"]);
  t.regex(template, /^\s*state_file = "@STATE_FILE@",$/m);
  t.regex(template, /^\s*warn_seconds = 86400,$/m);
  t.regex(template, /^\s*cache_seconds = 5,$/m);
  t.regex(template, /^\s*unknown_grace_seconds = 900,$/m);
  t.regex(template, /^\s*log_by_lua_block \{\n\s*require\("gate"\)\.log\(\)\n\s*\}$/m, "the watch counts requests' ends in the log phase");
  t.regex(template, /^\s*server_tokens off;$/m);
  t.regex(template, /^\s*client_max_body_size \d+m;$/m);
  t.notRegex(template, /autoindex on/);
  t.regex(template, /^\s*error_page 500 =503 @oclog_gate_failed;$/m);
  // The gate sits at server level, before any location, so no location can forget it.
  const server = template.slice(template.indexOf("server {"));
  t.true(server.search(/^\s*access_by_lua_block \{$/m) < server.search(/^\s*location /m));
  t.is(template.match(/access_by_lua/g)?.length, 1);
  t.true(server.search(/^\s*log_by_lua_block \{$/m) < server.search(/^\s*location /m));
  t.is(template.match(/log_by_lua/g)?.length, 1);

  const root = realpathSync(mkdtempSync(join(tmpdir(), "oclog-gate-t-")));
  try {
    const conf = renderGateway({ listen: "127.0.0.1:8080", upstream: "127.0.0.1:18789", luaDir: "/usr/share/oclog/nginx", stateFile: "/run/oclog/sas-state.json", vmName: "alice" });
    const check = nginxTest(root, conf);
    t.true(check.ok, check.output);
    const broken = nginxTest(root, conf.replace("proxy_http_version 1.1;", "proxy_http_version;"));
    t.false(broken.ok, "nginx -t must be able to fail");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("the JSON access log: one record of the nginx source per request, the gate's refusals named, no query strings", async (t) => {
  const logDir = realpathSync(mkdtempSync(join(tmpdir(), "oclog-gate-access-")));
  const accessLog = join(logDir, "oclog-access.json");
  const logged = await GateStand.start({ gate: { cache_seconds: "0" }, accessLog });
  try {
    logged.writeState(sasState(3 * DAY));
    t.is((await logged.get("/?token=planted-secret-in-a-query", { headers: BROWSER })).status, 200);
    t.is((await logged.get("/v1/models", { headers: { ...API, authorization: "Bearer not-the-token" } })).status, 401);
    logged.writeState(sasState(-HOUR));
    t.is((await logged.get("/", { headers: BROWSER })).status, 503);
    // nginx writes the line when the request ends; stop() (SIGQUIT) flushes and closes the log.
    await logged.stop();
    const text = readFileSync(accessLog, "utf8");
    t.false(text.includes("planted-secret"), "the query string is not logged");
    const records = text.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    t.is(records.length, 3);
    for (const record of records) {
      const parsed = parseRecord(SOURCES.nginx, record);
      t.true(parsed.ok, parsed.ok ? "" : parsed.reason);
      t.is(detectSource(record), "nginx", "recognised by its shape, without an envelope");
    }
    t.deepEqual(records.map((r) => [r.http_status, r.gate]), [[200, ""], [401, ""], [503, "expired"]]);
  } finally {
    await logged.stop();
    rmSync(logDir, { recursive: true, force: true });
  }
});
