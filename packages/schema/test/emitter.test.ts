import test from "ava";
import { EmitError, Emitter, tagFor } from "@oclog/schema";
import { ValidationError } from "@oclog/errors";
import { loadFixtures } from "./fixture-lines.js";
import { startForwardServer } from "./forward-server.js";

const gatewayRecord = loadFixtures("gateway-log-variants.jsonl").find((f) => f.variant === "subsystem-object-message")!.record;

test("tags follow the pipeline's source names", (t) => {
  t.is(tagFor("gateway-log"), "openclaw.gateway");
  t.is(tagFor("transcript"), "openclaw.transcript");
  t.is(tagFor("ledger", "vm"), "vm.ledger");
  t.is(tagFor("oclog"), "openclaw.oclog");
});

test("oclog's own events are held to the oclog source: a component it does not know is refused", async (t) => {
  const { server, port, entries } = await startForwardServer();
  const emitter = new Emitter({ endpoint: { host: "127.0.0.1", port } });
  try {
    await t.throwsAsync(emitter.emit("oclog", { event: "sas.rotated", component: "somebody-else" }), { instanceOf: ValidationError, message: /component/ });
    await t.throwsAsync(emitter.emit("oclog", { event: "rotated", component: "sas-rotate" }), { instanceOf: ValidationError, message: /dotted event name/ });
    await emitter.emit("oclog", { event: "sas.rotated", component: "sas-rotate", vm: "alice", outcome: "success", message: "rotated" });
    t.deepEqual(entries.map((e) => [e.tag, e.record.event]), [["openclaw.oclog", "sas.rotated"]]);
  } finally {
    await emitter.close();
    await server.close();
  }
});

test("10,000 events round-trip through FluentServer with acks", async (t) => {
  const { server, port, entries } = await startForwardServer();
  // All 10,000 are in flight at once and each ack timer starts at its send: on a loaded machine
  // the last acks came after the default 10 s (seen once in a full run). This test is about
  // losing nothing, not latency, so the timeout only guards against a hang.
  const emitter = new Emitter({ endpoint: { host: "127.0.0.1", port }, ackTimeoutMs: 120_000 });
  try {
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 10_000; i++) sends.push(emitter.emit("gateway-log", { ...gatewayRecord, "1": { ...(gatewayRecord["1"] as object), seq: i } }));
    await Promise.all(sends); // each resolves only on the server's ack
    t.is(entries.length, 10_000);
    t.is(entries[0]!.tag, "openclaw.gateway");
    const seqs = new Set(entries.map((e) => (e.record["1"] as { seq: number }).seq));
    t.is(seqs.size, 10_000, "no duplicates, none missing");
  } finally {
    await emitter.close();
    await server.close();
  }
});

test("an invalid record is rejected with the reason and nothing is sent", async (t) => {
  const { server, port, entries } = await startForwardServer();
  const emitter = new Emitter({ endpoint: { host: "127.0.0.1", port } });
  try {
    const error = await t.throwsAsync(emitter.emit("gateway-log", { "0": "no meta", time: "2026-01-01T00:00:00Z" }), {
      instanceOf: ValidationError,
    });
    t.regex(error!.message, /refusing to emit an invalid gateway-log record: .*_meta/);
    await emitter.emit("gateway-log", gatewayRecord); // a valid one after it still goes through
    t.is(entries.length, 1);
  } finally {
    await emitter.close();
    await server.close();
  }
});

test("the server going away makes emit fail with EmitError instead of hanging", async (t) => {
  const { server, port, entries } = await startForwardServer();
  const emitter = new Emitter({ endpoint: { host: "127.0.0.1", port }, ackTimeoutMs: 1_000 });
  try {
    await emitter.emit("gateway-log", gatewayRecord);
    t.is(entries.length, 1);
    await server.close();
    const error = await t.throwsAsync(emitter.emit("gateway-log", gatewayRecord), { instanceOf: EmitError });
    t.regex(error!.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    t.truthy(error!.hint);
  } finally {
    await emitter.close();
  }
});

test("nothing listening at all: EmitError within the ack timeout", async (t) => {
  const { server, port } = await startForwardServer();
  await server.close(); // a port that was free a moment ago and now refuses connections
  const emitter = new Emitter({ endpoint: { host: "127.0.0.1", port }, ackTimeoutMs: 500 });
  try {
    await t.throwsAsync(emitter.emit("gateway-log", gatewayRecord), { instanceOf: EmitError });
  } finally {
    await emitter.close();
  }
});
