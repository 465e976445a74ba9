/** How bad a detection's hit is: the one scale both investigate and hunt rank findings by. */

/** Severities in ascending order (Sigma's levels). */
export const SEVERITIES = ["informational", "low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Ranks a severity for comparisons (`--fail-on high`, highest-first ordering). */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}
