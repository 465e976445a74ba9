/** HTTP and WebSocket-handshake clients for the gate tests (plain node:http, loopback only). */
import { randomBytes } from "node:crypto";
import { request as httpRequest, type Agent, type IncomingHttpHeaders } from "node:http";
import type { Socket } from "node:net";
import { maskedTextFrame, readFrames } from "./upstream.js";

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The client's local port: the same on two replies means the same (kept-alive) connection. */
  localPort?: number;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Default: a new connection per request. */
  agent?: Agent;
}

/** One request on its own connection; `path` is sent exactly as given (no normalisation). */
export function get(port: number, path: string, options: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: "127.0.0.1", port, path, method: options.method ?? "GET", headers: options.headers, agent: options.agent ?? false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        const localPort = res.socket?.localPort;
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body, localPort }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** A browser opening a page. */
export const BROWSER = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "sec-fetch-mode": "navigate" };
/** A script calling an API. */
export const API = { accept: "application/json" };

export interface WebSocketReply extends Reply {
  key: string;
  /** The first bytes the upstream sent after the 101 (a text frame), when upgraded. */
  firstFrame?: Buffer;
}

/** Sends a WebSocket handshake; resolves with the 101 (and the first frame) or the refusal. */
export function websocket(port: number, path: string, headers: Record<string, string> = {}): Promise<WebSocketReply> {
  const key = randomBytes(16).toString("base64");
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: "127.0.0.1",
      port,
      path,
      agent: false,
      headers: { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": key, ...headers },
    });
    req.on("upgrade", (res, socket: Socket, head: Buffer) => {
      const finish = (frame: Buffer) => {
        socket.destroy();
        resolve({ status: res.statusCode!, headers: res.headers, body: "", key, firstFrame: frame });
      };
      if (head.length > 0) return finish(head);
      socket.once("data", (d: Buffer) => finish(d));
      socket.once("error", reject);
    });
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body, key }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** An upgraded WebSocket kept open: send text frames, see what arrives, learn when it closes. */
export interface OpenWebSocket {
  headers: IncomingHttpHeaders;
  /** Texts of the frames received so far (the upstream's greeting first). */
  received: string[];
  send(text: string): void;
  /** Date.now() when the connection closed (by the other side, or by close()). */
  closed: Promise<number>;
  isClosed(): boolean;
  close(): void;
}

/** Opens a WebSocket through nginx and keeps it; rejects unless the answer is a 101. */
export function openWebSocket(port: number, path: string): Promise<OpenWebSocket> {
  const key = randomBytes(16).toString("base64");
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: "127.0.0.1",
      port,
      path,
      agent: false,
      headers: { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": key },
    });
    req.on("upgrade", (res, socket: Socket, head: Buffer) => {
      const received: string[] = [];
      let pending: Buffer = Buffer.alloc(0);
      const take = (d: Buffer) => {
        const { texts, rest } = readFrames(Buffer.concat([pending, d]));
        pending = rest;
        received.push(...texts);
      };
      take(head);
      socket.on("data", take);
      socket.on("error", () => socket.destroy());
      let closed = false;
      const closedAt = new Promise<number>((done) => socket.once("close", () => {
        closed = true;
        done(Date.now());
      }));
      resolve({
        headers: res.headers,
        received,
        send: (text) => {
          if (!socket.destroyed) socket.write(maskedTextFrame(text));
        },
        closed: closedAt,
        isClosed: () => closed,
        close: () => socket.destroy(),
      });
    });
    req.on("response", (res) => {
      res.resume();
      reject(new Error(`WebSocket ${path}: HTTP ${res.statusCode} (${String(res.headers["x-oclog-gate-block"])}) instead of 101`));
    });
    req.on("error", reject);
    req.end();
  });
}

/** A streamed GET kept open: counts the bytes that arrive and learns when the response stops. */
export interface OpenStream {
  status: number;
  bytes(): number;
  /** Date.now() when the response ended or its connection closed. */
  ended: Promise<number>;
  close(): void;
}

export function openStream(port: number, path: string): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      let bytes = 0;
      res.on("data", (d: Buffer) => (bytes += d.length));
      res.on("error", () => undefined);
      const ended = new Promise<number>((done) => res.socket.once("close", () => done(Date.now())));
      resolve({ status: res.statusCode!, bytes: () => bytes, ended, close: () => req.destroy() });
    });
    req.on("error", reject);
    req.end();
  });
}
