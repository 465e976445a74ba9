// Connections the gate let in do not outlive it (issue 20): real nginx with the shipped conf in front
// of the upstream stand-in. A WebSocket is a raw tunnel after its 101 and a streamed answer runs
// on, and nginx's access phase runs once per request: gate.lua's per-worker watch ends the worker
// once the gate is closed while such connections are open. The bound: the gate's cache time plus
// its watch period (1 s) plus scheduling, asserted as cache + 1 s + SLACK.
import { Agent } from "node:http";
import test from "ava";
import type { OpenWebSocket } from "./gate/client.js";
import { GateStand } from "./gate/stand.js";
import { DAY, HOUR, isoIn, sasState } from "./gate/state.js";
import { SLOW_MS, SLOW_PATH, STREAM_PATH, UPSTREAM_FRAME_TEXT } from "./gate/upstream.js";

const BLOCK = "x-oclog-gate-block";
const WATCH_MS = 1000;
/** Scheduling on a loaded 2-core machine shared with other test runs. */
const SLACK_MS = 2500;

/** Resolves with `promise`'s value, or rejects once `ms` have passed without it. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Polls `done` (every 20 ms) until it holds; rejects after `ms`. */
async function until(done: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Sends a numbered text frame every 100 ms until the socket closes; returns how many were sent. */
function chatter(ws: OpenWebSocket): () => number {
  let sent = 0;
  const timer = setInterval(() => {
    if (ws.isClosed()) return clearInterval(timer);
    ws.send(`m${++sent}`);
  }, 100);
  void ws.closed.then(() => clearInterval(timer));
  return () => sent;
}

test("an open WebSocket closes within cache + 1 s once the state file says expired; new upgrades are refused", async (t) => {
  const stand = await GateStand.start(); // the conf as shipped: cache_seconds = 5
  try {
    t.regex(stand.conf, /^\s*cache_seconds = 5,$/m);
    const cacheMs = 5000;
    stand.writeState(sasState(3 * DAY));
    // The path carries a newline and a terminal escape: the error line that names the cut connection must not.
    const ws = await stand.openWebSocket("/ws/%0Aforged%1B[2J?client=control-ui");
    const sent = chatter(ws);
    const upstream = () => stand.upstream.messages.filter((m) => m.connection === 1);
    await until(() => upstream().length >= 3, 5000, "messages through the open WebSocket");
    t.deepEqual(upstream().slice(0, 3).map((m) => m.text), ["m1", "m2", "m3"]);
    t.is(ws.received[0], UPSTREAM_FRAME_TEXT);
    // Requests that ended are no longer counted: three plain ones and a second WebSocket, closed.
    for (const path of ["/a", "/b", "/c"]) t.is((await stand.get(path)).status, 200);
    const other = await stand.openWebSocket("/ws?client=other");
    other.close();
    await until(() => stand.upstream.closedAt.has(2), 5000, "the second WebSocket's tunnel closing");

    const flipped = Date.now();
    stand.replaceState(sasState(-HOUR));
    const closedAt = await within(ws.closed, cacheMs + WATCH_MS + SLACK_MS, "the WebSocket closing after the gate closed");
    await until(() => stand.upstream.closedAt.has(1), SLACK_MS, "the upstream side of the tunnel closing");
    const upstreamClosedAt = stand.upstream.closedAt.get(1)!;
    const last = upstream().at(-1)!;
    t.true(last.at <= upstreamClosedAt, "a message reached the upstream after its connection closed");
    t.true(upstream().length <= sent(), "the upstream got messages nobody sent");
    t.log(`state flipped at +0 ms; client saw the close at +${closedAt - flipped} ms, the upstream at +${upstreamClosedAt - flipped} ms; ` +
      `${upstream().length} of ${sent()} messages reached the upstream, the last at +${last.at - flipped} ms`);

    // A new upgrade is refused, and nginx (a fresh worker) still answers.
    const again = await stand.websocket("/ws");
    t.is(again.status, 503);
    t.is(again.headers[BLOCK], "expired");
    t.is(stand.upstream.hits.filter((h) => h.upgrade).length, 2, "the refused upgrade reached the upstream");
    t.is((await stand.get("/healthz")).status, 200);
    t.regex(stand.nginx.errorLog(), /oclog gate: closed \(expired\) with 1 connection\(s\) it let in still open: ending this worker/);
    // The cut connection is named (its access-log line is never written), on one clean line.
    t.regex(stand.nginx.errorLog(), /\[warn\] \d+#\d+: .*oclog gate: closed \(expired\): cutting WebSocket GET \/ws\/\uFFFDforged\uFFFD\[2J \(request_id [0-9a-f]{32}, from 127\.0\.0\.1, open \d+ s\)/);
    t.notRegex(stand.nginx.errorLog(), /^forged/m);

    // A new token opens the gate again: the fresh worker proxies a new WebSocket and keeps it.
    stand.writeState(sasState(3 * DAY, { fingerprint: "sha256:fedcba9876543210" }));
    let open = false;
    const reopenBy = Date.now() + cacheMs + SLACK_MS;
    while (!open && Date.now() < reopenBy) open = (await stand.get("/api/x")).status === 200;
    t.true(open, "the gate did not reopen within its cache time");
    const reopened = await stand.openWebSocket("/ws");
    reopened.send("after renewal");
    await until(() => stand.upstream.messages.some((m) => m.text === "after renewal"), 5000, "a message after the renewal");
    t.is(stand.upstream.messages.find((m) => m.text === "after renewal")?.connection, 3);
    t.false(reopened.isClosed());
    reopened.close();
  } finally {
    await stand.stop();
  }
});

// The clock closes the gate with no change to the file: the watch sees it within 1 s.
for (const [what, state, closesAt, code] of [
  ["15 min before expiry", (): Record<string, unknown> => sasState(15 * 60 + 3), (s: Record<string, unknown>) => Date.parse(String(s.expires_at)) - 15 * 60_000, "expiring"],
  [
    "shipping: unknown past its grace period",
    (): Record<string, unknown> => sasState(3 * DAY, { shipping: "unknown", installed_at: isoIn(-(900 - 3)) }),
    (s: Record<string, unknown>) => Date.parse(String(s.installed_at)) + 900_000,
    "shipping-unknown",
  ],
] as const) {
  test(`an open WebSocket closes within 1 s of the moment the clock closes the gate: ${what}`, async (t) => {
    const stand = await GateStand.start();
    try {
      t.regex(stand.conf, /^\s*unknown_grace_seconds = 900,$/m);
      const s = state();
      stand.writeState(s);
      const ws = await stand.openWebSocket("/ws");
      chatter(ws);
      await until(() => stand.upstream.messages.length >= 2, 5000, "messages through the open WebSocket");
      const deadline = closesAt(s);
      const closedAt = await within(ws.closed, deadline - Date.now() + WATCH_MS + SLACK_MS, "the WebSocket closing");
      // nginx's cached clock may run up to a timer tick behind; never a second early.
      t.true(closedAt >= deadline - 200, `closed ${deadline - closedAt} ms before the gate closed`);
      t.log(`gate closed by the clock at +0 ms; the WebSocket closed at +${closedAt - deadline} ms`);
      const refused = await stand.websocket("/ws");
      t.is(refused.status, 503);
      t.is(refused.headers[BLOCK], code);
    } finally {
      await stand.stop();
    }
  });
}

test("a streamed answer stops within cache + 1 s once the gate closes", async (t) => {
  const stand = await GateStand.start({ gate: { cache_seconds: "1" } });
  try {
    const cacheMs = 1000;
    stand.writeState(sasState(3 * DAY));
    const stream = await stand.openStream(STREAM_PATH);
    t.is(stream.status, 200);
    await until(() => stream.bytes() >= 3 * "chunk\n".length, 5000, "chunks of the streamed answer");

    const flipped = Date.now();
    stand.replaceState(sasState(-HOUR));
    const endedAt = await within(stream.ended, cacheMs + WATCH_MS + SLACK_MS, "the streamed answer stopping");
    t.log(`state flipped at +0 ms; the stream stopped at +${endedAt - flipped} ms after ${stream.bytes()} bytes`);
    t.regex(stand.nginx.errorLog(), /oclog gate: closed \(expired\): cutting GET \/stream \(request_id [0-9a-f]{32}, from 127\.0\.0\.1, open \d+ s\)/);
    const refused = await stand.get(STREAM_PATH);
    t.is(refused.status, 503);
    t.is(refused.headers[BLOCK], "expired");
    t.is(stand.upstream.hits.length, 1, "the refused request reached the upstream");
  } finally {
    await stand.stop();
  }
});

test("a request on an already-open keep-alive connection is refused once the gate closes (same connection)", async (t) => {
  const stand = await GateStand.start({ gate: { cache_seconds: "0" } });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    stand.writeState(sasState(3 * DAY));
    const first = await stand.get("/api/x", { agent });
    t.is(first.status, 200);
    stand.replaceState(sasState(-HOUR));
    const second = await stand.get("/api/y", { agent });
    t.is(second.localPort, first.localPort, "the agent opened a new connection: the test would prove nothing");
    t.is(second.status, 503);
    t.is(second.headers[BLOCK], "expired");
    t.deepEqual(stand.upstream.hits.map((h) => h.url), ["/api/x"]);
  } finally {
    agent.destroy();
    await stand.stop();
  }
});

test("an ordinary request let in just before the gate closes gets its whole answer, not a reset", async (t) => {
  // The watch ends a worker only for connections open 2 s or more: this one takes SLOW_MS (1.5 s),
  // so the watch ticks while it is in flight, after the gate closed. Ending the worker then reset
  // it ("socket hang up"), which once failed the cache test when a tick met an in-flight request.
  const stand = await GateStand.start({ gate: { cache_seconds: "0" } });
  try {
    stand.writeState(sasState(3 * DAY));
    const slow = stand.get(SLOW_PATH);
    await until(() => stand.upstream.hits.some((h) => h.url === SLOW_PATH), 10_000, "the slow request reaching the upstream");
    stand.replaceState(sasState(-HOUR));
    const answer = await within(slow, SLOW_MS + SLACK_MS + WATCH_MS, "the slow answer");
    t.is(answer.status, 200);
    t.is(answer.body, "slow answer, whole");
    const after = await stand.get("/api/next");
    t.is(after.status, 503);
    t.is(after.headers[BLOCK], "expired");
  } finally {
    await stand.stop();
  }
});

test("several workers (Debian's worker_processes auto): every open WebSocket closes, whichever worker holds it", async (t) => {
  const stand = await GateStand.start({ workers: 2, gate: { cache_seconds: "1" } });
  try {
    stand.writeState(sasState(3 * DAY));
    const sockets = await Promise.all([1, 2, 3, 4, 5, 6].map(() => stand.openWebSocket("/ws")));
    for (const ws of sockets) chatter(ws);
    await until(() => new Set(stand.upstream.messages.map((m) => m.connection)).size === sockets.length, 5000, "messages on every WebSocket");
    const flipped = Date.now();
    stand.replaceState(sasState(-HOUR));
    const closed = await within(Promise.all(sockets.map((ws) => ws.closed)), 1000 + WATCH_MS + SLACK_MS, "every WebSocket closing");
    t.log(`state flipped at +0 ms; WebSockets closed at +${closed.map((at) => at - flipped).join(", +")} ms`);
    const ended = stand.nginx.errorLog().match(/ending this worker/g)?.length ?? 0;
    t.true(ended >= 1 && ended <= 2, `${ended} workers ended`);
    const cut = [...stand.nginx.errorLog().matchAll(/ (\d+)#\d+: .*cutting WebSocket GET \/ws /g)].map((m) => m[1]);
    t.is(cut.length, sockets.length, "each cut WebSocket is named in the error log");
    t.log(`held by ${new Set(cut).size} worker(s) (the kernel spreads connections; one worker may take them all)`);
    t.is((await stand.websocket("/ws")).status, 503);
  } finally {
    await stand.stop();
  }
});

test("a WebSocket stays open while the gate stays open: a token rotation re-read by the gate cuts nothing", async (t) => {
  const stand = await GateStand.start({ gate: { cache_seconds: "1" } });
  try {
    stand.writeState(sasState(3 * DAY));
    const ws = await stand.openWebSocket("/ws");
    chatter(ws);
    // The rotated token is inside the warning window, so a request shows when the worker has read it.
    stand.replaceState(sasState(20 * HOUR, { fingerprint: "sha256:fedcba9876543210" }));
    let reread = false;
    const end = Date.now() + 1000 + WATCH_MS + SLACK_MS;
    while (!reread && Date.now() < end) reread = (await stand.get("/api/x")).headers["x-oclog-sas-expires-in"] !== undefined;
    t.true(reread, "the worker never read the rotated state");
    // Three more watch periods with the new state: messages still flow, the socket stays open.
    const count = stand.upstream.messages.length;
    const watchUntil = Date.now() + 3 * WATCH_MS;
    await until(() => Date.now() >= watchUntil || ws.isClosed(), 3 * WATCH_MS + SLACK_MS, "three watch periods");
    t.false(ws.isClosed(), "the WebSocket was closed while the gate was open");
    t.true(stand.upstream.messages.length > count, "messages stopped while the gate was open");
    t.notRegex(stand.nginx.errorLog(), /ending this worker/);
    ws.close();
  } finally {
    await stand.stop();
  }
});
