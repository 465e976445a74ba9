/** The `config-audit` source: OpenClaw config audit records (config-audit.jsonl) */
import type { LogSource } from "../../source-definition.js";
import { ConfigAuditRecord, pickConfigAuditVariant } from "./schema.js";
import { normalizeConfigAudit } from "./normalize.js";
import { configAuditSql } from "./sql.js";

export const configAuditSource: LogSource = {
  name: "config-audit",
  pipelineName: "config-audit",
  description: "OpenClaw config audit records (config-audit.jsonl)",
  schema: ConfigAuditRecord,
  variantOf: pickConfigAuditVariant,
  recognize: (record) => "ts" in record && typeof record.event === "string" && record.event.startsWith("config."),
  normalize: normalizeConfigAudit,
  sql: configAuditSql,
};
