/** The real forward-protocol server shipped by @fluent-org/logger, on a free loopback port. */
import { FluentServer } from "@fluent-org/logger";

export interface ReceivedEntry {
  tag: string;
  time: unknown;
  record: Record<string, unknown>;
}

/** Starts a FluentServer on 127.0.0.1 with an OS-chosen port and records every entry. */
export async function startForwardServer(): Promise<{ server: FluentServer; port: number; entries: ReceivedEntry[] }> {
  const server = new FluentServer({ listenOptions: { host: "127.0.0.1", port: 0 } });
  const entries: ReceivedEntry[] = [];
  server.on("entry", (tag: string, time: unknown, record: Record<string, unknown>) => entries.push({ tag, time, record }));
  await server.listen();
  const port = server.port;
  if (port === undefined) throw new Error("FluentServer did not report its port");
  return { server, port, entries };
}
