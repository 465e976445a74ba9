/**
 * A stand-in for the OpenClaw gateway on loopback: answers every request with 200 and its method and
 * path (401, as the gateway's API does, to a bearer token other than `GATEWAY_TOKEN`), and completes WebSocket handshakes (RFC 6455: 101 + Sec-WebSocket-Accept) followed by one
 * text frame, so a test can tell that a request really went through nginx to it.
 */
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { Socket } from "node:net";

const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC11B85";
export const UPSTREAM_FRAME_TEXT = "hello from upstream";
/** The token the stand-in accepts in `Authorization: Bearer ...` (not a secret: a test value). */
export const GATEWAY_TOKEN = "stand-in-gateway-token";

export function websocketAccept(key: string): string {
  return createHash("sha1").update(key + WS_GUID).digest("base64");
}

/** One unmasked text frame (server to client), payload < 126 bytes. */
export function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  if (payload.length >= 126) throw new Error("frame too long for this helper");
  return Buffer.concat([Buffer.from([0x81, payload.length]), payload]);
}

export interface UpstreamHit {
  method: string;
  url: string;
  upgrade: boolean;
  headers: Record<string, string | string[] | undefined>;
}

export class Upstream {
  readonly hits: UpstreamHit[] = [];
  port = 0;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  /** `record: false` keeps no hits (the benchmark sends millions of requests). */
  constructor(options: { record?: boolean } = {}) {
    const record = options.record ?? true;
    this.#server = createServer((req, res) => {
      if (record) this.hits.push({ method: req.method!, url: req.url!, upgrade: false, headers: req.headers });
      const auth = req.headers.authorization;
      if (auth !== undefined && auth !== `Bearer ${GATEWAY_TOKEN}`) {
        res.writeHead(401, { "content-type": "application/json" });
        res.end('{"error":"unauthorized"}');
        return;
      }
      res.writeHead(200, { "content-type": "text/plain", "x-upstream": "yes" });
      res.end(`upstream ${req.method} ${req.url}`);
    });
    this.#server.on("connection", (s: Socket) => {
      this.#sockets.add(s);
      s.once("close", () => this.#sockets.delete(s));
    });
    this.#server.on("upgrade", (req, socket: Socket) => {
      this.hits.push({ method: req.method!, url: req.url!, upgrade: true, headers: req.headers });
      const key = req.headers["sec-websocket-key"];
      if (typeof key !== "string" || req.headers.upgrade?.toLowerCase() !== "websocket") {
        socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
        return;
      }
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${websocketAccept(key)}\r\n\r\n`,
      );
      socket.write(textFrame(UPSTREAM_FRAME_TEXT));
      socket.on("error", () => socket.destroy());
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    const address = this.#server.address();
    if (typeof address !== "object" || !address) throw new Error("upstream has no port");
    this.port = address.port;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
