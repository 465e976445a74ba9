export { SOURCE_NAMES, parseRecord, formatIssues } from "./source-definition.js";
export type { SourceName, SourceDefinition, ParseResult, VariantPick } from "./source-definition.js";
export { SOURCES, detectSource } from "./sources.js";
export {
  GatewayLogRecord,
  GATEWAY_LOG_VARIANTS,
  TSLOG_LEVEL_NAMES,
  TslogMeta,
  numberedArgs,
  parseBinding,
  gatewayLogSource,
} from "./sources/gateway-log.js";
export type { GatewayLogVariant } from "./sources/gateway-log.js";
export {
  TranscriptEntry,
  TranscriptMessage,
  ToolCallBlock,
  transcriptSource,
} from "./sources/transcript.js";
export { TrajectoryEvent, trajectorySource } from "./sources/trajectory.js";
export { AuditLedgerRow, auditLedgerSource } from "./sources/audit-ledger.js";
export { ConfigAuditRecord, configAuditSource } from "./sources/config-audit.js";
export { Envelope, ENVELOPE_FIELDS, ENVELOPE_VERSION, PIPELINE_SOURCES, UserId, sessionIdFromPath, splitEnvelope } from "./envelope.js";
export type { PipelineSource } from "./envelope.js";
export { Event, EVENT_CATEGORIES, EVENT_LEVELS, EVENT_OUTCOMES } from "./event.js";
export type { EventCategory, EventLevel, EventOutcome, EventTarget, GenAiFields, RawPointer } from "./event.js";
export { CATEGORY_RULES, categorize } from "./categories.js";
export { normalize } from "./normalize.js";
export type { NormalizeResult } from "./normalize.js";
export type { NormalizeContext } from "./normalize/event-builder.js";
// Patterns the normalizers match on, exported so SQL twins (the case database) use the same ones.
export { BLOCKED_PATTERN } from "./normalize/event-builder.js";
export { AUTH_FAILURE, FAILED_TOOL } from "./normalize/gateway-log.js";
export { collectToolCalls } from "./tool-calls.js";
export type { ToolCall } from "./tool-calls.js";
export { validateLines, DEFAULT_VALIDATE_OPTIONS, formatBytes } from "./line-validator.js";
export type { FileReport, LineError, RawLine, SourceChoice, ValidateOptions } from "./line-validator.js";
export { readRawLines, splitLines } from "./line-reader.js";
export { Emitter, EmitError, tagFor } from "./emitter.js";
export type { EmitterOptions, ForwardEndpoint } from "./emitter.js";
export { jsonSchemas } from "./json-schema.js";
export { COLUMN_NAME, DCR_PLACEHOLDERS, EVENT_COLUMN_RENAMES, LOG_ANALYTICS_TYPES, OCLOG_EVENTS_TABLE, OCLOG_RAW_TABLE, RAW_TABLE_SOURCES, RESERVED_COLUMN_NAMES, TIME_GENERATED, columnsOf, dcrDefinition, eventColumns, eventToDcrRow, rawSourceFields, rawStreamColumns, rawTableColumns, rawTransformKql, streamFor } from "./dcr-table.js";
export type { DcrExport, LogAnalyticsColumn, LogAnalyticsType } from "./dcr-table.js";
export { stripAnsi, ANSI_PATTERN, CONTROL_PATTERN } from "./ansi.js";
export { IsoTimestamp, toUtcIso } from "./timestamp.js";
export { redactRecord, redactString, loadRedactionLiterals } from "./redaction.js"; export type { RedactionOptions } from "./redaction.js";
