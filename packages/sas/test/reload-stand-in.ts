/**
 * A stand-in for Fluent Bit's HTTP API (no Fluent Bit runs here): GET /api/v2/reload answers
 * {"hot_reload_count": N}; POST /api/v2/reload with a body bumps N (an empty POST is refused,
 * as Fluent Bit does). `stuck` makes it accept the POST and never move the counter.
 */
import { createServer, type Server } from "node:http";

export interface ReloadStandIn {
  url: string;
  posts: number;
  count: number;
  stuck: boolean;
  close(): Promise<void>;
}

export async function startReloadStandIn(): Promise<ReloadStandIn> {
  const state = { posts: 0, count: 0, stuck: false };
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += String(d)));
    req.on("end", () => {
      if (req.url !== "/api/v2/reload") return void res.writeHead(404).end();
      if (req.method === "POST") {
        if (body.length === 0) return void res.writeHead(400).end('{"reload":"error"}');
        state.posts++;
        if (!state.stuck) state.count++;
        return void res.writeHead(200, { "content-type": "application/json" }).end('{"reload":"done","status":0}');
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ hot_reload_count: state.count }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as ReloadStandIn;
}
