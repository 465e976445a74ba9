/**
 * What running a detection over a case produces, shared by the detection runner and the reports.
 * The rule model itself (severities, metadata) belongs to @oclog/detections; it is re-exported
 * here so the reports keep one import for everything a finding carries.
 */
import type { DetectionMeta } from "@oclog/detections";

export { SEVERITIES, severityRank } from "@oclog/detections";
export type { DetectionMeta, Severity } from "@oclog/detections";

/** One detection that returned rows: the evidence rows themselves (capped) and their count. */
export interface Finding {
  detection: DetectionMeta;
  count: number;
  /** Evidence rows as returned by the query (JSON-safe values), at most `rowLimit` of them. */
  rows: Record<string, unknown>[];
  firstSeen: string | null;
  lastSeen: string | null;
}
