/**
 * A stand-in for the OpenClaw gateway on loopback: answers every request with 200 and its method and
 * path (401, as the gateway's API does, to a bearer token other than `GATEWAY_TOKEN`), and completes WebSocket handshakes (RFC 6455: 101 + Sec-WebSocket-Accept) followed by one
 * text frame, so a test can tell that a request really went through nginx to it.
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { Socket } from "node:net";

const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC11B85";
export const UPSTREAM_FRAME_TEXT = "hello from upstream";
/** The path the stand-in answers with an endless stream of "chunk\n" lines, one every 100 ms. */
export const STREAM_PATH = "/stream";
/** An ordinary answer that takes SLOW_MS: a request still in flight when the gate closes. */
export const SLOW_PATH = "/slow";
export const SLOW_MS = 1500;
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

/** One masked text frame (client to server, as RFC 6455 requires), payload < 126 bytes. */
export function maskedTextFrame(text: string, mask = randomBytes(4)): Buffer {
  const payload = Buffer.from(text);
  if (payload.length >= 126) throw new Error("frame too long for this helper");
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}

/**
 * Reads the complete short frames (payload < 126) at the start of `buffer`: their texts, unmasked,
 * and the bytes left over (a frame still arriving).
 */
export function readFrames(buffer: Buffer): { texts: string[]; rest: Buffer } {
  const texts: string[] = [];
  let at = 0;
  while (buffer.length - at >= 2) {
    const masked = (buffer[at + 1]! & 0x80) !== 0;
    const length = buffer[at + 1]! & 0x7f;
    if (length >= 126) throw new Error("frame too long for this helper");
    const header = 2 + (masked ? 4 : 0);
    if (buffer.length - at < header + length) break;
    const mask = masked ? buffer.subarray(at + 2, at + 6) : undefined;
    const payload = Buffer.from(buffer.subarray(at + header, at + header + length));
    if (mask) for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ mask[i % 4]!;
    texts.push(payload.toString("utf8"));
    at += header + length;
  }
  return { texts, rest: buffer.subarray(at) };
}

/** A message the upstream received on an upgraded connection, and when. */
export interface UpstreamMessage {
  connection: number;
  text: string;
  at: number;
}

export interface UpstreamHit {
  method: string;
  url: string;
  upgrade: boolean;
  headers: Record<string, string | string[] | undefined>;
}

export class Upstream {
  readonly hits: UpstreamHit[] = [];
  /** Text frames received on upgraded connections, in arrival order. */
  readonly messages: UpstreamMessage[] = [];
  /** When each upgraded connection (numbered from 1 in upgrade order) closed; absent while open. */
  readonly closedAt = new Map<number, number>();
  #upgrades = 0;
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
      if (req.url === STREAM_PATH) {
        // A long answer streamed in chunks (as OpenClaw streams a model's reply), until the client goes.
        res.writeHead(200, { "content-type": "text/plain", "x-upstream": "yes" });
        const timer = setInterval(() => res.write("chunk\n"), 100);
        res.once("close", () => clearInterval(timer));
        return;
      }
      if (req.url === SLOW_PATH) {
        setTimeout(() => {
          res.writeHead(200, { "content-type": "text/plain", "x-upstream": "yes" });
          res.end("slow answer, whole");
        }, SLOW_MS);
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
      const connection = ++this.#upgrades;
      let pending: Buffer = Buffer.alloc(0);
      socket.on("data", (d: Buffer) => {
        const { texts, rest } = readFrames(Buffer.concat([pending, d]));
        pending = rest;
        for (const text of texts) this.messages.push({ connection, text, at: Date.now() });
      });
      // nginx closing its side ends the tunnel: close ours too (the upgraded socket allows half-open).
      const closed = () => {
        if (!this.closedAt.has(connection)) this.closedAt.set(connection, Date.now());
        socket.destroy();
      };
      socket.once("end", closed);
      socket.once("close", closed);
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
