// Emitted events per second through a real forward-protocol server with acks: the raw
// @fluent-org/logger client (baseline) against oclog's Emitter, which validates every record.
import { FluentClient, FluentServer } from "@fluent-org/logger";
import { readFileSync } from "node:fs";
import { Emitter } from "@oclog/schema";
import { runSuite, type BenchResult } from "../../../scripts/bench-kit.js";

const EVENTS = 20_000;
const record = (
  JSON.parse(
    readFileSync(new URL("../test/fixtures/gateway-log-variants.jsonl", import.meta.url), "utf8")
      .split("\n")
      .find((l) => l.includes('"subsystem-object-message"'))!,
  ) as { record: Record<string, unknown> }
).record;

export async function run(): Promise<BenchResult[]> {
  const server = new FluentServer({ listenOptions: { host: "127.0.0.1", port: 0 } });
  let received = 0;
  server.on("entry", () => received++);
  await server.listen();
  const port = server.port!;
  const raw = new FluentClient(null, { socket: { host: "127.0.0.1", port }, ack: { ackTimeout: 10_000 }, eventMode: "PackedForward", milliseconds: true });
  const emitter = new Emitter({ endpoint: { host: "127.0.0.1", port } });
  const burst = async (send: (i: number) => Promise<void>) => {
    const before = received;
    await Promise.all(Array.from({ length: EVENTS }, (_, i) => send(i)));
    if (received - before !== EVENTS) throw new Error(`expected ${EVENTS} entries, server got ${received - before}`);
    return EVENTS;
  };
  try {
    return await runSuite("emit with acks (events/s)", [
      { name: "@fluent-org/logger client, no validation", run: () => burst((i) => raw.emit("openclaw.gateway", { ...record, seq: i })) },
      { name: "oclog Emitter (zod validation + ack)", run: () => burst((i) => emitter.emit("gateway-log", { ...record, seq: i })) },
    ]);
  } finally {
    await raw.shutdown();
    await emitter.close();
    await server.close();
  }
}
