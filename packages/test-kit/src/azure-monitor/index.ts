// `@oclog/test-kit/azure-monitor`: local HTTPS stand-ins for the Logs Query and Logs Ingestion APIs (no emulator exists).
export { startLogsApiStandIn, StandInCredential, STANDIN_TOKEN, tablesResponse, throttledResponse, gatewayTimeoutResponse } from "./logs-api-standin.js";
export type { StandInColumn, StandInTable, StandInError, CannedResponse, RecordedRequest, LogsApiStandIn } from "./logs-api-standin.js";
export { startLogsIngestionStandIn, throttled } from "./logs-ingestion-standin.js";
export type { IngestFailure, IngestRequest, LogsIngestionStandIn } from "./logs-ingestion-standin.js";
export { selfSignedLoopbackCert } from "./standin-tls.js";
