/** The `ledger` source: OpenClaw audit ledger rows (audit_events) */
import type { LogSource } from "../../source-definition.js";
import { AuditLedgerRow, pickLedgerVariant } from "./schema.js";
import { normalizeAuditLedger } from "./normalize.js";
import { ledgerSql } from "./sql.js";

export const auditLedgerSource: LogSource = {
  name: "ledger",
  pipelineName: "ledger",
  description: "OpenClaw audit ledger rows (audit_events)",
  schema: AuditLedgerRow,
  variantOf: pickLedgerVariant,
  recognize: (record) => "event_id" in record && "occurred_at" in record,
  normalize: normalizeAuditLedger,
  sql: ledgerSql,
};
