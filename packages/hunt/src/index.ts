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
  parseRetryAfterMs,
  DEFAULT_RETRY_BUDGET,
  DEFAULT_SERVER_TIMEOUT_SECONDS,
} from "./logs-client.js";
export type { LogsClientOptions, QueryWorkspaceOptions, QueryOutcome, ResultTable, RetryEvent, RetryBudget, Timespan } from "./logs-client.js";
export { runHunt, toFindings, toJsonRow, toJsonValue, NO_USER, REQUIRED_COLUMNS } from "./hunt-runner.js";
export type { BoundDetection, WorkspaceQuerier, HuntOptions, HuntResult, HuntFinding, DetectionRun, HuntProblem, JsonRow, JsonValue } from "./hunt-runner.js";
export { KQL_DIR, KQL_TABLE } from "./kql-dir.js";
export { loadKqlDetections, parseKqlDetection, KQL_EXTENSION } from "./kql-detections.js";
export type { KqlDetection, KqlDetectionError } from "./kql-detections.js";
export { kqlBind, kqlString, kqlDatetime, kqlStringArray, KQL_PARAMETERS } from "./kql-bind.js";
export type { KqlBindings } from "./kql-bind.js";
export { lintKql } from "./kql-lint.js";
export type { KqlProblem, KqlLintOptions } from "./kql-lint.js";
