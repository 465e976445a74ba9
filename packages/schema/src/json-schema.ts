/** JSON Schema documents for every source, the envelope and the normalized event, from zod. */
import { z } from "zod";
import { SOURCES } from "./sources.js";
import { Envelope } from "./envelope.js";
import { Event } from "./event.js";

const SCHEMA_BASE_ID = "https://oclog.dev/schema/v1/";

/** File name -> JSON Schema document, in a stable order (the export writes these files). */
export function jsonSchemas(): Record<string, Record<string, unknown>> {
  const documents: Record<string, [string, z.ZodType]> = {
    ...Object.fromEntries(
      Object.values(SOURCES).map((source) => [`${source.name}.schema.json`, [source.description, source.schema]]),
    ),
    "envelope.schema.json": ["Fields the oclog pipeline adds to every shipped record", Envelope],
    "event.schema.json": ["oclog normalized event", Event],
  };
  const out: Record<string, Record<string, unknown>> = {};
  for (const [file, [title, schema]] of Object.entries(documents).sort(([a], [b]) => a.localeCompare(b))) {
    out[file] = {
      $id: SCHEMA_BASE_ID + file,
      title,
      ...z.toJSONSchema(schema, { target: "draft-2020-12", unrepresentable: "any", io: "input" }),
    };
  }
  return out;
}
