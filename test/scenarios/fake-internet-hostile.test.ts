// The fake internet survives clients that hang up badly. A proxy client (OpenClaw's managed
// proxy) may reset a CONNECT tunnel at any moment. Node's HTTP server takes its own error
// handler off a socket it hands to 'connect', so a reset there used to be an uncaught
// ECONNRESET that ended the whole test worker; this was seen once in a full suite run.
import test from "ava";
import { connect, type Socket } from "node:net";
import { startFakeInternet } from "./fake-internet.js";

/** Sends `request` on a fresh connection and resets it as soon as `resetWhen` says so. */
function resetAfter(port: number, request: string, resetWhen: "sent" | "answered"): Promise<void> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, "127.0.0.1", () => {
      socket.write(request, () => {
        if (resetWhen === "sent") socket.resetAndDestroy();
      });
    });
    socket.on("data", () => {
      if (resetWhen === "answered") socket.resetAndDestroy();
    });
    socket.on("error", () => undefined);
    socket.on("close", () => resolve());
  });
}

test("CONNECT tunnels reset by the client, refused (443) or open (80), leave the fake internet serving", async (t) => {
  const page = "http://docs.example.com/ok.html";
  const net = await startFakeInternet({ [page]: { body: "still here" } });
  try {
    const port = Number(new URL(net.proxyUrl).port);
    for (let round = 0; round < 40; round++) {
      await Promise.all([
        resetAfter(port, "CONNECT collect.example.net:443 HTTP/1.1\r\nhost: collect.example.net:443\r\n\r\n", "sent"),
        resetAfter(port, "CONNECT collect.example.net:443 HTTP/1.1\r\nhost: collect.example.net:443\r\n\r\n", "answered"),
        resetAfter(port, "CONNECT docs.example.com:80 HTTP/1.1\r\nhost: docs.example.com:80\r\n\r\n", "sent"),
        resetAfter(port, "CONNECT docs.example.com:80 HTTP/1.1\r\nhost: docs.example.com:80\r\n\r\nGET /ok.html HTTP/1.1\r\nhost: docs.example.com\r\n\r\n", "answered"),
      ]);
    }
    // A plain proxy request still gets its page.
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => socket.write(`GET ${page} HTTP/1.1\r\nhost: docs.example.com\r\nconnection: close\r\n\r\n`));
      let text = "";
      socket.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    t.regex(answer, /^HTTP\/1\.1 200/);
    t.true(answer.endsWith("still here"));
    t.true(net.requests.filter((r) => r.method === "CONNECT").length >= 80, "the refused tunnels were recorded");
  } finally {
    await net.close();
  }
});

// Releases before 2026.9 send their loopback calls (the scripted model) through the managed
// proxy too: the fake internet passes them through, streamed, and does not count them as internet.
test("a proxied request for a loopback host reaches it, body and streamed answer intact, and is not internet traffic", async (t) => {
  const { createServer } = await import("node:http");
  const seen: string[] = [];
  const local = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      seen.push(`${req.method} ${req.url} ${body}`);
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: one\n\n");
      setImmediate(() => res.end("data: two\n\n"));
    });
  });
  await new Promise<void>((resolve) => local.listen(0, "127.0.0.1", resolve));
  const localPort = (local.address() as import("node:net").AddressInfo).port;
  const net = await startFakeInternet({});
  try {
    const proxyPort = Number(new URL(net.proxyUrl).port);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket: Socket = connect(proxyPort, "127.0.0.1", () => {
        socket.write(`POST http://127.0.0.1:${localPort}/v1/chat/completions?x=1 HTTP/1.1\r\nhost: 127.0.0.1:${localPort}\r\ncontent-length: 7\r\nconnection: close\r\n\r\n{"a":1}`);
      });
      let text = "";
      socket.on("data", (c: Buffer) => (text += c.toString("utf8")));
      socket.on("error", reject);
      socket.on("close", () => resolve(text));
    });
    t.deepEqual(seen, ['POST /v1/chat/completions?x=1 {"a":1}']);
    t.regex(answer, /^HTTP\/1\.1 200/);
    t.regex(answer, /data: one\n\n[\s\S]*data: two\n\n/);
    // The same through a CONNECT tunnel to the loopback port (undici's proxy agent tunnels plain http).
    const tunnelled = await new Promise<string>((resolve, reject) => {
      const socket: Socket = connect(proxyPort, "127.0.0.1", () => socket.write(`CONNECT 127.0.0.1:${localPort} HTTP/1.1\r\nhost: 127.0.0.1:${localPort}\r\n\r\n`));
      let text = "";
      socket.on("data", (c: Buffer) => {
        text += c.toString("utf8");
        if (text === "HTTP/1.1 200 Connection Established\r\n\r\n") socket.write(`POST /tunnel HTTP/1.1\r\nhost: 127.0.0.1:${localPort}\r\ncontent-length: 2\r\nconnection: close\r\n\r\nhi`);
      });
      socket.on("error", reject);
      socket.on("close", () => resolve(text));
    });
    t.deepEqual(seen.at(-1), "POST /tunnel hi");
    t.regex(tunnelled, /^HTTP\/1\.1 200 Connection Established\r\n\r\nHTTP\/1\.1 200[\s\S]*data: two\n\n/);
    t.deepEqual(net.requests, [], "loopback is not the internet");
  } finally {
    await net.close();
    await new Promise<void>((resolve) => local.close(() => resolve()));
  }
});

test("a release that resolves names itself gets the machine's hosts file plus each page host once, at a public address", async (t) => {
  const { hostsFileFor, PUBLIC_STAND_IN_ADDRESS } = await import("./fake-internet.js");
  const text = hostsFileFor(["http://docs.example.com/a", "http://docs.example.com/b?x=1", "http://get.example.org/install.sh"], "127.0.0.1 localhost\n::1 localhost\n\n");
  t.is(text, `127.0.0.1 localhost\n::1 localhost\n# oclog fake internet\n${PUBLIC_STAND_IN_ADDRESS} docs.example.com\n${PUBLIC_STAND_IN_ADDRESS} get.example.org\n`);
  // Public: the SSRF guard of every release refuses private, loopback and special-use addresses.
  t.false(/^(10|127|169\.254|172\.(1[6-9]|2\d|3[01])|192\.168|192\.0\.2|198\.51\.100|203\.0\.113|0)\./.test(PUBLIC_STAND_IN_ADDRESS));
});
