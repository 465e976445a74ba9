/** HTTP and WebSocket-handshake clients for the gate tests (plain node:http, loopback only). */
import { randomBytes } from "node:crypto";
import { request as httpRequest, type Agent, type IncomingHttpHeaders } from "node:http";
import type { Socket } from "node:net";

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
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
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
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
