/** What a detection produces, shared by the detection runner and the reports. */

/** Severities in ascending order (Sigma's levels). */
export const SEVERITIES = ["informational", "low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The metadata header of one detection file in `queries/detections/`. */
export interface DetectionMeta {
  id: string;
  title: string;
  status: "experimental" | "test" | "stable";
  severity: Severity;
  /** ATT&CK (`attack.t1041`) and MITRE ATLAS (`atlas.aml.t0051`) technique tags. */
  tags: string[];
  description: string;
  falsepositives: string[];
  /** Path of the `.sql` file, relative to the repository. */
  file: string;
}

/** One detection that returned rows: the evidence rows themselves (capped) and their count. */
export interface Finding {
  detection: DetectionMeta;
  count: number;
  /** Evidence rows as returned by the query (JSON-safe values), at most `rowLimit` of them. */
  rows: Record<string, unknown>[];
  firstSeen: string | null;
  lastSeen: string | null;
}

/** Ranks a severity for comparisons (`--fail-on high`). */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}
