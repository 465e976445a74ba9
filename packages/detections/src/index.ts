// Public surface of @oclog/detections: the rule model, its file format and the loaders.
export { SEVERITIES, severityRank } from "./severity.js";
export type { Severity } from "./severity.js";
export type { DetectionMeta } from "./detection-meta.js";
export { parseDetection, parseDetectionHeader, detectionFileNameProblem, DETECTION_LOGSOURCES, DETECTION_STATUSES } from "./detection-header.js";
export type { ParsedDetection, ParsedDetectionHeader, DetectionHeaderParse, ParseDetectionResult } from "./detection-header.js";
export { loadRuleFiles, displayPath } from "./rule-files.js";
export type { RuleFile, RuleFileError, RuleParse } from "./rule-files.js";
export { loadDetections, DETECTIONS_DIR } from "./load-detections.js";
export type { LoadedDetection, DetectionError } from "./load-detections.js";
