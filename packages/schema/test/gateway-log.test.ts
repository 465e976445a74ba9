import test from "ava";
import { SOURCES, normalize, parseRecord } from "@oclog/schema";

const gatewayLogSource = SOURCES["gateway-log"];
import { loadFixtures } from "./fixture-lines.js";

const fixtures = loadFixtures("gateway-log-variants.jsonl");

for (const [index, fixture] of fixtures.entries()) {
  test(`gateway log variant ${index + 1} (${fixture.variant}): ${fixture.note}`, (t) => {
    const result = parseRecord(gatewayLogSource, fixture.record);
    t.true(result.ok, result.ok ? "" : result.reason);
    if (result.ok) t.is(result.variant, fixture.variant);
    const normalized = normalize("gateway-log", fixture.record, { ref: `fixture:${index + 1}` });
    t.true(normalized.ok);
    if (!normalized.ok) return;
    const [event] = normalized.events;
    t.truthy(event);
    t.regex(event!.time, /Z$/, "time is UTC");
    t.is(event!.raw.ref, `fixture:${index + 1}`);
    t.notRegex(event!.message, /\u001b/, "ANSI escapes are stripped");
  });
}

test("every gateway log layout listed in the issue has a fixture", (t) => {
  const seen = new Set(fixtures.map((f) => f.variant));
  for (const variant of ["plain", "subsystem", "subsystem-object-message", "subsystem-message-object", "verbose", "size-cap-warning", "queue-overflow"]) {
    t.true(seen.has(variant), variant);
  }
  const levels = new Set(fixtures.map((f) => (f.record._meta as { logLevelId?: number } | undefined)?.logLevelId));
  for (const id of [1, 2, 3, 4, 5, 6]) t.true(levels.has(id), `level id ${id}`);
});

test("offset times normalize to the same UTC instant", (t) => {
  const withOffset = fixtures.find((f) => String(f.record.time).endsWith("+02:00"))!;
  const result = normalize("gateway-log", withOffset.record);
  t.true(result.ok);
  if (result.ok) t.is(result.events[0]!.time, "2025-10-03T08:00:02.000Z");
});

test("structured fields become tool, ids and trace context", (t) => {
  const record = fixtures.find((f) => f.variant === "subsystem-object-message")!.record;
  const result = normalize("gateway-log", record);
  if (!result.ok) return t.fail(result.reason);
  const event = result.events[0]!;
  t.is(event.subsystem, "agent/embedded");
  t.is(event.level, "trace");
  t.is(event.category, "tool");
  t.is(event.action, "embedded_tool_execution_start");
  t.is(event.gen_ai.tool.name, "exec");
  t.is(event.gen_ai.tool.call.id, "call_1");
  t.is(event.session_id, "84c32c83-1fda-4399-89e3-767fc0569a2d");
  t.is(event.gen_ai.conversation.id, event.session_id);
  t.is(event.run_id, "2f7a396c-cc5c-4c33-adef-e404d28e21c3");
  t.is(event.agent_id, "main");
});

test("pipeline-loss markers are categorised as pipeline failures", (t) => {
  for (const variant of ["queue-overflow", "size-cap-warning"]) {
    const record = fixtures.find((f) => f.variant === variant)!.record;
    const result = normalize("gateway-log", record);
    if (!result.ok) return t.fail(result.reason);
    t.is(result.events[0]!.category, "pipeline", variant);
    t.is(result.events[0]!.outcome, "failure", variant);
  }
});

test("an auth failure on the websocket is categorised as auth", (t) => {
  const record = fixtures.find((f) => String(f.record["1"] ?? "").includes("unauthorized"))!.record;
  const result = normalize("gateway-log", record);
  if (!result.ok) return t.fail(result.reason);
  t.is(result.events[0]!.category, "auth");
  t.is(result.events[0]!.level, "warn");
});

test("a record without tslog _meta is rejected with the keys it has", (t) => {
  const result = parseRecord(gatewayLogSource, { hello: "world", time: "2026-01-01T00:00:00Z" });
  t.false(result.ok);
  if (!result.ok) t.regex(result.reason, /no tslog "_meta" \(keys: "hello", "time"\)/);
});

test("a bad _meta reports every issue at once", (t) => {
  const result = parseRecord(gatewayLogSource, {
    "0": "x",
    _meta: { date: "yesterday", logLevelName: "LOUD" },
    time: "2026-01-01 00:00:00",
  });
  t.false(result.ok);
  if (result.ok) return;
  t.regex(result.reason, /_meta\.date/);
  t.regex(result.reason, /_meta\.logLevelName/);
  t.regex(result.reason, /time: expected an ISO 8601 time/);
});
