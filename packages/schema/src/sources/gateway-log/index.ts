/** The `gateway-log` source: OpenClaw gateway file log (tslog JSON lines) */
import type { LogSource } from "../../source-definition.js";
import { GatewayLogRecord, pickGatewayVariant } from "./schema.js";
import { normalizeGatewayLog } from "./normalize.js";
import { gatewayLogSql } from "./sql.js";

export const gatewayLogSource: LogSource = {
  name: "gateway-log",
  pipelineName: "gateway",
  description: "OpenClaw gateway file log (tslog JSON lines)",
  schema: GatewayLogRecord,
  variantOf: pickGatewayVariant,
  recognize: (record) => "_meta" in record || ("level" in record && "subsystem" in record && "time" in record),
  normalize: normalizeGatewayLog,
  sql: gatewayLogSql,
};
