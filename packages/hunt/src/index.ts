// Public surface of @oclog/hunt; each module adds its exports here.
export {};
export {
  LogsClient,
  HuntQueryError,
  ThrottledError,
  QueryTimeoutError,
  WorkspaceError,
  AuthError,
  QueryAbortedError,
  LogsServiceError,
  nextRetry,
  QUERY_BACKOFF,
  DEFAULT_RETRY_BUDGET,
  DEFAULT_SERVER_TIMEOUT_SECONDS,
} from "./logs-client.js";
export type { LogsClientOptions, QueryWorkspaceOptions, QueryOutcome, ResultTable, RetryEvent, RetryBudget, Timespan } from "./logs-client.js";
export { runHunt, toFindings, toJsonRow, toJsonValue, NO_USER, REQUIRED_COLUMNS } from "./hunt-runner.js";
export type { BoundDetection, WorkspaceQuerier, HuntOptions, HuntResult, HuntFinding, DetectionRun, HuntProblem, JsonRow, JsonValue } from "./hunt-runner.js";
export { KQL_DIR, KQL_TABLE } from "./kql-dir.js";
export { loadKqlDetections, kqlTwinOf, kqlTwinProblems } from "./kql-detections.js";
export type { KqlDetection, KqlDetectionError } from "./kql-detections.js";
export { kqlBind, kqlString, kqlDatetime, kqlStringArray, KQL_PARAMETERS } from "./kql-bind.js";
export type { KqlBindings } from "./kql-bind.js";
export { lintKql } from "./kql-lint.js";
export type { KqlProblem, KqlLintOptions } from "./kql-lint.js";
export { IngestClient, IngestError, DCR_IMMUTABLE_ID, MAX_REQUEST_BYTES, MAX_FIELD_BYTES } from "./ingest-client.js";
export type { IngestTarget, IngestClientOptions, RowFailure } from "./ingest-client.js";
export { IngestLedger } from "./ingest-ledger.js";
export type { LedgerEntry, LedgerPlan } from "./ingest-ledger.js";
export { readCaseEvents } from "./case-events.js";
export type { BlobEvents } from "./case-events.js";
export { ingestCase } from "./case-ingest.js";
export type { IngestCaseOptions, IngestCaseResult, RowProblem, Uploader } from "./case-ingest.js";
