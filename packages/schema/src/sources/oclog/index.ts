/** The `oclog` source: oclog's own events (SAS rotation and install, the shipping guard). */
import type { LogSource } from "../../source-definition.js";
import { OclogEventRecord, pickOclogVariant } from "./schema.js";
import { normalizeOclog } from "./normalize.js";
import { oclogSql } from "./sql.js";

export const oclogSource: LogSource = {
  name: "oclog",
  pipelineName: "oclog",
  description: "oclog's own events: SAS rotation and install, shipping guard decisions (the SDK's emitter)",
  schema: OclogEventRecord,
  variantOf: pickOclogVariant,
  recognize: (record) => typeof record.event === "string" && typeof record.component === "string" && !("ts" in record),
  normalize: normalizeOclog,
  sql: oclogSql,
};
