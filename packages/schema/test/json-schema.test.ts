// The committed JSON Schema files are generated; this fails when they are stale.
import test from "ava";
import { readdirSync, readFileSync } from "node:fs";
import { jsonSchemas } from "@oclog/schema";

const dir = new URL("../json-schema/", import.meta.url);

test("committed JSON Schema files match the zod schemas (run `pnpm schema:export` to refresh)", (t) => {
  const generated = jsonSchemas();
  const committed = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  t.deepEqual(committed, Object.keys(generated).sort());
  for (const [file, schema] of Object.entries(generated)) {
    t.is(readFileSync(new URL(file, dir), "utf8"), `${JSON.stringify(schema, null, 2)}\n`, file);
  }
});

test("the event schema carries the OpenTelemetry GenAI names", (t) => {
  const event = jsonSchemas()["event.schema.json"] as any;
  t.truthy(event.properties.gen_ai.properties.tool.properties.call.properties.id);
  t.truthy(event.properties.gen_ai.properties.conversation.properties.id);
  t.deepEqual(event.required.sort(), [
    "action", "agent_id", "category", "gen_ai", "host", "level", "message", "outcome", "raw", "run_id", "session_id", "source", "subsystem", "target", "time", "user",
  ]);
});

test("every source has a schema document", (t) => {
  const files = Object.keys(jsonSchemas());
  for (const source of ["gateway-log", "transcript", "trajectory", "ledger", "config-audit", "envelope", "event"]) {
    t.true(files.includes(`${source}.schema.json`), source);
  }
});
