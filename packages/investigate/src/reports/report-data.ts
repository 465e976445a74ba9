/**
 * The input of every report renderer. The renderers are pure functions of it; only
 * {@link collectReportData} (sources, histogram) and the timeline export read the case database.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { messageTemplateSql } from "@oclog/schema";
import { severityRank, type Finding } from "../detect/finding.js";
import type { ReplayData } from "../replay/replay-types.js";

export interface ReportData {
  caseId: string;
  caseDir: string;
  user: string;
  container: string;
  /** ISO 8601 UTC. */
  generatedAt: string;
  oclogVersion: string;
  window: { since: string | null; until: string | null; tz: string };
  counts: { blobs: number; bytes: number; records: number; events: number; quarantined: number };
  quarantineByReason: { reason: string; count: number }[];
  sources: { source: string; events: number; first: string | null; last: string | null }[];
  /**
   * Gateway log lines that validated only as the generic shape (tslog arguments oclog has no
   * layout for), per subsystem and message template, most lines first: what a new OpenClaw
   * release writes that oclog does not read yet. Absent in reports of old callers.
   */
  genericShapes?: { lines: number; shapes: { subsystem: string | null; template: string; lines: number }[]; shapesOmitted: number };
  histogram: {
    bucketSeconds: number;
    /** `start` is the bucket's start, ISO 8601 UTC; buckets with no events are absent. */
    buckets: { start: string; category: string; count: number }[];
    /** Events with no usable time (the case database dates them 1970-01-01T00:00:00Z), left out of the chart. */
    undated?: number;
  };
  /** Sorted by severity, highest first. */
  findings: Finding[];
  detectionErrors: { file: string; reason: string }[];
  /** Sessions, their steps, findings pinned to steps, the incident story (absent in reports of old callers). */
  replay?: ReplayData;
}

/** What the caller knows without reading `events`. */
export type ReportBase = Omit<ReportData, "sources" | "histogram" | "genericShapes">;

/** Generic-shape templates listed in a report (the rest are counted). */
export const GENERIC_SHAPES_LISTED = 20;

/** Bucket widths a chart may use, in seconds: "nice" steps at most ~3x apart. */
export const BUCKET_LADDER = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800,
] as const;

/** Most buckets a chart should have. */
export const MAX_BUCKETS = 150;

/**
 * The bucket width for events from `firstMs` to `lastMs` (epoch milliseconds): the smallest
 * "nice" width (second, minute, 5 min, hour, day, week...) that gives at most {@link MAX_BUCKETS}
 * buckets aligned to multiples of the width since the epoch, so the chart has roughly 50-150 bars
 * whenever the span allows. Spans beyond 150 weeks use whole weeks.
 */
export function chooseBucketSeconds(firstMs: number, lastMs: number): number {
  const count = (width: number) => Math.floor(lastMs / (width * 1000)) - Math.floor(firstMs / (width * 1000)) + 1;
  for (const width of BUCKET_LADDER) if (count(width) <= MAX_BUCKETS) return width;
  const week = 604800;
  let width = week * Math.ceil((lastMs - firstMs) / 1000 / week / MAX_BUCKETS);
  while (count(width) > MAX_BUCKETS) width += week;
  return width;
}

/** The case database's stand-in time for records that had none (see buildEventSql in @oclog/schema). */
const UNDATED = "TIMESTAMPTZ '1970-01-01 00:00:00+00'";

const iso = (ms: unknown): string | null => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());

/** Sorts findings by severity (highest first), then by count (highest first), then by title. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      severityRank(b.detection.severity) - severityRank(a.detection.severity) ||
      b.count - a.count ||
      a.detection.title.localeCompare(b.detection.title),
  );
}

/** Fills `sources` and `histogram` from the `events` table; everything else comes from `base`. */
export async function collectReportData(connection: DuckDBConnection, base: ReportBase, table = "events"): Promise<ReportData> {
  const from = `"${table.replace(/"/g, '""')}"`;
  const sourceRows = (
    await connection.runAndReadAll(
      `SELECT source, count(*) AS events,
              epoch_ms(min(time) FILTER (WHERE time <> ${UNDATED})) AS first,
              epoch_ms(max(time) FILTER (WHERE time <> ${UNDATED})) AS last
       FROM ${from} GROUP BY source ORDER BY events DESC, source`,
    )
  ).getRowObjectsJson();
  const sources = sourceRows.map((r) => ({ source: String(r.source ?? "(none)"), events: Number(r.events), first: iso(r.first), last: iso(r.last) }));
  // Only the generic variant's lines are templated: few, where a regex chain per line would cost seconds on all of them.
  const shapeRows = (
    await connection.runAndReadAll(
      `SELECT subsystem, template, count(*) AS lines FROM (
         SELECT subsystem, ${messageTemplateSql("message")} AS template FROM ${from} WHERE source = 'gateway-log' AND raw.variant = 'args'
       ) GROUP BY ALL ORDER BY lines DESC, subsystem NULLS FIRST, template`,
    )
  ).getRowObjectsJson();
  const shapes = shapeRows.map((r) => ({ subsystem: r.subsystem === null ? null : String(r.subsystem), template: String(r.template), lines: Number(r.lines) }));
  const genericShapes = { lines: shapes.reduce((sum, shape) => sum + shape.lines, 0), shapes: shapes.slice(0, GENERIC_SHAPES_LISTED), shapesOmitted: Math.max(0, shapes.length - GENERIC_SHAPES_LISTED) };

  const dated = (
    await connection.runAndReadAll(
      `SELECT epoch_ms(min(time) FILTER (WHERE time <> ${UNDATED})) AS first,
              epoch_ms(max(time) FILTER (WHERE time <> ${UNDATED})) AS last,
              count(*) FILTER (WHERE time IS NULL OR time = ${UNDATED}) AS undated
       FROM ${from}`,
    )
  ).getRowObjectsJson()[0];
  const undated = Number(dated?.undated ?? 0);
  if (dated?.first === null || dated?.first === undefined) {
    return { ...base, findings: sortFindings(base.findings), sources, genericShapes, histogram: { bucketSeconds: 60, buckets: [], undated } };
  }
  const bucketSeconds = chooseBucketSeconds(Number(dated.first), Number(dated.last));
  const widthMs = bucketSeconds * 1000;
  const bucketRows = (
    await connection.runAndReadAll(
      `SELECT (epoch_ms(time) // ${widthMs}) * ${widthMs} AS start, coalesce(category, 'other') AS category, count(*) AS count
       FROM ${from} WHERE time <> ${UNDATED} GROUP BY ALL ORDER BY start, category`,
    )
  ).getRowObjectsJson();
  const buckets = bucketRows.map((r) => ({ start: iso(r.start)!, category: String(r.category), count: Number(r.count) }));
  return { ...base, findings: sortFindings(base.findings), sources, genericShapes, histogram: { bucketSeconds, buckets, undated } };
}
