// Public surface of @oclog/detections: the rule model, its one-file format, its test events and the loader.
export { SEVERITIES, severityRank } from "./severity.js";
export type { Severity } from "./severity.js";
export type { DetectionMeta } from "./detection-meta.js";
export { detectionFileNameProblem, DETECTION_LOGSOURCES, DETECTION_STATUSES } from "./rule-name.js";
export { parseRuleFile, RuleFileSchema } from "./rule-file.js";
export type { RuleFileFields, ParseRuleFileResult } from "./rule-file.js";
export { RuleTest, TestEvent, TEST_EVENT_DEFAULTS, TEST_EXPECTATIONS, testBlobName, testEventRows } from "./rule-test.js";
export type { TestEventRow, TestExpectation } from "./rule-test.js";
export { loadRuleFiles, displayPath } from "./rule-files.js";
export type { RuleFile, RuleFileError, RuleParse } from "./rule-files.js";
export { loadDetections, DETECTIONS_DIR, DETECTION_EXTENSION } from "./load-detections.js";
export type { LoadedDetection, DetectionError } from "./load-detections.js";
export { renderDetectionTable, replaceGeneratedTable, README_TABLE_BEGIN, README_TABLE_END } from "./readme-table.js";
export * from "./steps/index.js";
