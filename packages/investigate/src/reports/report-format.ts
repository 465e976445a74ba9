/** Small helpers the renderers share (no escaping here: each renderer escapes for its format). */
import { SEVERITIES, type Finding, type Severity } from "../detect/finding.js";
import type { ReportData } from "./report-data.js";
import { sortFindings } from "./report-data.js";

/** Severities from highest to lowest. */
export const SEVERITIES_DESC: readonly Severity[] = [...SEVERITIES].reverse();

/** Number of findings per severity (every severity present, 0 when none). */
export function severityCounts(findings: readonly Finding[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const finding of findings) if (Object.hasOwn(counts, finding.detection.severity)) counts[finding.detection.severity] += 1;
  return counts;
}

/**
 * Findings grouped by severity, highest first, only severities that have findings. A finding
 * whose severity is not one of SEVERITIES (a malformed detection header) is not dropped: it is
 * grouped last under its own label.
 */
export function findingsBySeverity(findings: readonly Finding[]): { severity: string; findings: Finding[] }[] {
  const sorted = sortFindings(findings);
  const known = new Set<string>(SEVERITIES);
  const groups: { severity: string; findings: Finding[] }[] = SEVERITIES_DESC.map((severity) => ({
    severity,
    findings: sorted.filter((f) => f.detection.severity === severity),
  }));
  const unknown = sorted.filter((f) => !known.has(f.detection.severity));
  for (const label of new Set(unknown.map((f) => String(f.detection.severity)))) {
    groups.push({ severity: label, findings: unknown.filter((f) => String(f.detection.severity) === label) });
  }
  return groups.filter((group) => group.findings.length > 0);
}

const isEmpty = (value: unknown) => value === null || value === undefined || value === "";

/**
 * Column names of evidence rows: the first row's order, then any others as they appear.
 * Columns that are empty in every row are left out (and listed in `empty`), so the values that
 * matter get the width.
 */
export function evidenceColumns(rows: readonly Record<string, unknown>[]): { columns: string[]; empty: string[] } {
  const all = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) all.add(key);
  const columns: string[] = [];
  const empty: string[] = [];
  for (const column of all) (rows.every((row) => isEmpty(row[column])) ? empty : columns).push(column);
  return { columns, empty };
}

/** `1 s`, `5 min`, `1 h`, `1 day`, `2 weeks`. */
export function formatDuration(seconds: number): string {
  const units: [number, string, string][] = [
    [604800, "week", "weeks"],
    [86400, "day", "days"],
    [3600, "h", "h"],
    [60, "min", "min"],
    [1, "s", "s"],
  ];
  for (const [size, one, many] of units) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${n === 1 ? one : many}`;
    }
  }
  return `${seconds} s`;
}

/** Bytes in binary units. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** A count with thousands separators (fixed locale, so reports are reproducible). */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** `since → until` of the case window, open ends spelled out. */
export function windowText(window: ReportData["window"]): string {
  return `${window.since ?? "(beginning)"} → ${window.until ?? "(end)"} (${window.tz})`;
}

export const REPORT_MD = "report.md";
export const REPORT_HTML = "report.html";
