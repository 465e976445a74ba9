/**
 * The one `json_transform` structure that reads any shipped OpenClaw record into typed columns.
 * Field names come from @oclog/schema's sources and envelope; a name two sources type
 * differently (`message`: a string in the gateway log, an object in transcripts) is read as
 * JSON and resolved per source.
 */
import { ENVELOPE_FIELDS } from "@oclog/schema";

export const RECORD_STRUCTURE: Record<string, unknown> = {
  [ENVELOPE_FIELDS.timestamp]: "VARCHAR",
  [ENVELOPE_FIELDS.user]: "VARCHAR",
  [ENVELOPE_FIELDS.host]: "VARCHAR",
  [ENVELOPE_FIELDS.source]: "VARCHAR",
  [ENVELOPE_FIELDS.path]: "VARCHAR",
  [ENVELOPE_FIELDS.id]: "VARCHAR",
  [ENVELOPE_FIELDS.invalid]: "VARCHAR",
  // gateway log (tslog)
  "0": "JSON",
  "1": "JSON",
  "2": "JSON",
  "3": "JSON",
  _meta: { date: "VARCHAR", logLevelName: "VARCHAR" },
  time: "VARCHAR",
  hostname: "VARCHAR",
  message: "JSON",
  agent_id: "VARCHAR",
  session_id: "VARCHAR",
  level: "VARCHAR",
  subsystem: "VARCHAR",
  dropped: "BIGINT",
  // transcript entries
  type: "VARCHAR",
  id: "VARCHAR",
  timestamp: "VARCHAR",
  cwd: "VARCHAR",
  provider: "VARCHAR",
  modelId: "VARCHAR",
  thinkingLevel: "VARCHAR",
  customType: "VARCHAR",
  summary: "VARCHAR",
  // trajectory events
  traceSchema: "VARCHAR",
  source: "VARCHAR",
  ts: "VARCHAR",
  sessionId: "VARCHAR",
  runId: "VARCHAR",
  data: "JSON",
  // audit ledger rows
  event_id: "VARCHAR",
  occurred_at: "BIGINT",
  kind: "VARCHAR",
  action: "VARCHAR",
  status: "VARCHAR",
  error_code: "VARCHAR",
  reason_code: "VARCHAR",
  tool_name: "VARCHAR",
  tool_call_id: "VARCHAR",
  run_id: "VARCHAR",
  // config audit
  event: "VARCHAR",
  configPath: "VARCHAR",
  result: "VARCHAR",
  valid: "BOOLEAN",
  errorCode: "VARCHAR",
  argv: "JSON",
  suspicious: "JSON",
};

/** The structure as a SQL string literal for `json_transform(text, ...)`. */
export function recordStructureLiteral(): string {
  return `'${JSON.stringify(RECORD_STRUCTURE).replace(/'/g, "''")}'`;
}
