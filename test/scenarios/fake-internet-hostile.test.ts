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
