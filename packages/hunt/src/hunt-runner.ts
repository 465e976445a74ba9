/**
 * The hunt core: run already-bound detection queries against one workspace with bounded
 * concurrency, turn their rows into findings grouped per user, and account for every detection
 * (success, partial, failed, and why). No I/O of its own: the querier is passed in, so tests
 * can hand it a fake and the CLI hands it a LogsClient.
 */
import { mapConcurrently, OclogError } from "@oclog/errors";
import { severityRank, type Severity } from "@oclog/detections";
import type { QueryOutcome, QueryWorkspaceOptions, ResultTable, RetryEvent, Timespan } from "./logs-client.js";
import { HuntQueryError, QueryAbortedError, ThrottledError } from "./logs-client.js";
import { HUNT_CONCURRENCY } from "./defaults.js";

/** One detection's KQL with its parameters already bound (the exact text to send). */
export interface BoundDetection {
  detectionId: string;
  title: string;
  severity: Severity;
  query: string;
}

/** What the runner needs from a client: LogsClient fits, and so does a test fake. */
export interface WorkspaceQuerier {
  queryWorkspace(workspaceId: string, query: string, timespan: Timespan, options?: QueryWorkspaceOptions): Promise<QueryOutcome>;
}

/** A JSON value: what every row cell becomes, so `--json` output and reports need no care. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonRow = Record<string, JsonValue>;

/** One detection's hits for one user. */
export interface HuntFinding {
  detectionId: string;
  title: string;
  severity: Severity;
  user: string;
  /** Every matching row, even beyond `rows`. */
  count: number;
  firstSeen: string | null;
  lastSeen: string | null;
  /** The evidence rows, oldest first, at most `rowLimit` of them. */
  rows: JsonRow[];
}

/** A problem worth a line in the summary: a failed detection, or a partial one. */
export interface HuntProblem {
  code: string;
  message: string;
  hint?: string;
  /** HTTP status when the service answered. */
  httpStatus?: number;
  /** For throttling: what the service last asked us to wait. */
  retryAfterMs?: number | null;
}

export interface DetectionRun {
  detectionId: string;
  title: string;
  status: "success" | "partial" | "failed";
  /** Rows returned (for partial: the rows that did arrive). */
  rows: number;
  error?: HuntProblem;
}

export interface HuntResult {
  workspaceId: string;
  timespan: { start: string; end: string };
  /** User -> findings, users sorted, findings by severity (highest first) then detection id. */
  findingsByUser: Record<string, HuntFinding[]>;
  perDetection: DetectionRun[];
  /** Every failed or partial detection, in detection order. Empty means a clean, complete hunt. */
  errors: (HuntProblem & { detectionId: string; status: "partial" | "failed" })[];
  counts: { success: number; partial: number; failed: number };
}

export interface HuntOptions {
  workspaceId: string;
  timespan: Timespan;
  /** Queries in flight at once; default 3 (Log Analytics throttles bursts per user). */
  concurrency?: number;
  /** Evidence rows kept per finding; default 100. */
  rowLimit?: number;
  serverTimeoutInSeconds?: number;
  clientTimeoutMs?: number;
  abortSignal?: AbortSignal;
  /** Progress: a detection's query is being retried. */
  onRetry?: (event: RetryEvent & { detectionId: string }) => void;
  /** Progress: a detection finished (whatever its status). */
  onDetectionDone?: (run: DetectionRun) => void;
}

/** Findings land here when a row has no user: visible, not dropped. */
export const NO_USER = "(no user)";
/** Columns every KQL twin must project. */
export const REQUIRED_COLUMNS = ["User", "TimeGenerated"] as const;
const DEFAULT_ROW_LIMIT = 100;

/** Runs every detection against the workspace; one failing never stops the others. */
export async function runHunt(querier: WorkspaceQuerier, detections: readonly BoundDetection[], options: HuntOptions): Promise<HuntResult> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? HUNT_CONCURRENCY));
  const rowLimit = options.rowLimit ?? DEFAULT_ROW_LIMIT;
  const outcomes = await mapConcurrently(detections, concurrency, async (detection) => {
    const outcome = await runOne(querier, detection, options, rowLimit);
    options.onDetectionDone?.(outcome.run);
    return outcome;
  });

  const byUser = new Map<string, HuntFinding[]>();
  for (const { findings } of outcomes) {
    for (const finding of findings) {
      const list = byUser.get(finding.user);
      if (list) list.push(finding);
      else byUser.set(finding.user, [finding]);
    }
  }
  const findingsByUser: Record<string, HuntFinding[]> = {};
  for (const user of [...byUser.keys()].sort()) {
    findingsByUser[user] = byUser.get(user)!.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.detectionId.localeCompare(b.detectionId));
  }

  const perDetection = outcomes.map((o) => o.run);
  const errors = perDetection.flatMap((run) =>
    run.status !== "success" && run.error ? [{ detectionId: run.detectionId, status: run.status, ...run.error }] : [],
  );
  const counts = { success: 0, partial: 0, failed: 0 };
  for (const run of perDetection) counts[run.status]++;
  return {
    workspaceId: options.workspaceId,
    timespan: { start: options.timespan.startTime.toISOString(), end: options.timespan.endTime.toISOString() },
    findingsByUser,
    perDetection,
    errors,
    counts,
  };
}

async function runOne(
  querier: WorkspaceQuerier,
  detection: BoundDetection,
  options: HuntOptions,
  rowLimit: number,
): Promise<{ run: DetectionRun; findings: HuntFinding[] }> {
  const base = { detectionId: detection.detectionId, title: detection.title };
  let outcome: QueryOutcome;
  try {
    // Checked before each start: detections not yet begun are reported as not run, not skipped silently.
    if (options.abortSignal?.aborted) throw new QueryAbortedError(options.workspaceId);
    outcome = await querier.queryWorkspace(options.workspaceId, detection.query, options.timespan, {
      ...(options.serverTimeoutInSeconds === undefined ? {} : { serverTimeoutInSeconds: options.serverTimeoutInSeconds }),
      ...(options.clientTimeoutMs === undefined ? {} : { clientTimeoutMs: options.clientTimeoutMs }),
      ...(options.abortSignal === undefined ? {} : { abortSignal: options.abortSignal }),
      onRetry: (event) => options.onRetry?.({ ...event, detectionId: detection.detectionId }),
    });
  } catch (error) {
    return { run: { ...base, status: "failed", rows: 0, error: problemOf(error) }, findings: [] };
  }

  const table = primaryTable(outcome.tables);
  const rowCount = table?.rows.length ?? 0;
  const missing = table ? REQUIRED_COLUMNS.filter((name) => !table.columns.some((c) => c.name === name)) : [];
  if (missing.length > 0) {
    // A twin that does not project User/TimeGenerated cannot be grouped; say so instead of guessing.
    const error: HuntProblem = {
      code: "E_HUNT_SHAPE",
      message: `Detection ${detection.detectionId} returned no ${missing.join(" or ")} column (it returned: ${table!.columns.map((c) => c.name).join(", ") || "none"}).`,
      hint: `the KQL twin must project ${REQUIRED_COLUMNS.join(", ")} and message.`,
    };
    return { run: { ...base, status: "failed", rows: rowCount, error }, findings: [] };
  }
  const findings = table ? toFindings(detection, table, rowLimit) : [];
  if (outcome.status === "partial") {
    const error: HuntProblem = {
      code: "E_HUNT_PARTIAL",
      message: `Detection ${detection.detectionId} returned partial results (${rowCount} row(s) arrived): ${outcome.error.code}: ${outcome.error.message}`,
      hint: "the findings below may be incomplete; narrow the hunt (a shorter --since, or --users) and run it again.",
    };
    return { run: { ...base, status: "partial", rows: rowCount, error }, findings };
  }
  return { run: { ...base, status: "success", rows: rowCount }, findings };
}

/** Rows of one table as per-user findings for one detection. */
export function toFindings(detection: BoundDetection, table: ResultTable, rowLimit: number = DEFAULT_ROW_LIMIT): HuntFinding[] {
  const byUser = new Map<string, JsonRow[]>();
  for (const row of table.rows) {
    const record = toJsonRow(table.columns, row);
    const userCell = record.User;
    const user = typeof userCell === "string" && userCell.length > 0 ? userCell : userCell == null || userCell === "" ? NO_USER : JSON.stringify(userCell);
    const list = byUser.get(user);
    if (list) list.push(record);
    else byUser.set(user, [record]);
  }
  return [...byUser].map(([user, rows]) => {
    // ISO strings sort in time order; rows without a time go last.
    rows.sort((a, b) => timeKey(a).localeCompare(timeKey(b)));
    const times = rows.map((r) => r.TimeGenerated).filter((t): t is string => typeof t === "string");
    return {
      detectionId: detection.detectionId,
      title: detection.title,
      severity: detection.severity,
      user,
      count: rows.length,
      firstSeen: times[0] ?? null,
      lastSeen: times[times.length - 1] ?? null,
      rows: rows.slice(0, rowLimit),
    };
  });
}

/** One row as a record of JSON-safe values keyed by column name. */
export function toJsonRow(columns: readonly { name: string }[], row: readonly unknown[]): JsonRow {
  const record: JsonRow = {};
  columns.forEach((column, i) => {
    record[column.name] = toJsonValue(row[i]);
  });
  return record;
}

/** Dates become ISO strings (invalid ones null), dynamic objects are copied JSON-safe, the rest kept. */
export function toJsonValue(value: unknown, depth = 0): JsonValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : null;
    case "bigint":
      return value.toString();
    case "object": {
      // Dynamic cells are parsed JSON, so deep nesting is data, not a cycle; the cap is a guard.
      if (depth > 32) return null;
      if (Array.isArray(value)) return value.map((v) => toJsonValue(v, depth + 1));
      const out: { [key: string]: JsonValue } = {};
      for (const [k, v] of Object.entries(value)) out[k] = toJsonValue(v, depth + 1);
      return out;
    }
    default:
      return String(value);
  }
}

/** The table the query's last statement produced: "PrimaryResult" by the API's convention, else the first. */
function primaryTable(tables: readonly ResultTable[]): ResultTable | undefined {
  return tables.find((t) => t.name === "PrimaryResult") ?? tables[0];
}

function problemOf(error: unknown): HuntProblem {
  if (error instanceof OclogError) {
    return {
      code: error.code,
      message: error.message,
      ...(error.hint === undefined ? {} : { hint: error.hint }),
      ...(error instanceof HuntQueryError && error.status !== undefined ? { httpStatus: error.status } : {}),
      ...(error instanceof ThrottledError ? { retryAfterMs: error.retryAfterMs } : {}),
    };
  }
  // Not one of ours: a bug somewhere; still reported against the detection, with its message.
  return { code: "E_HUNT_INTERNAL", message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}

function timeKey(row: JsonRow): string {
  return typeof row.TimeGenerated === "string" ? row.TimeGenerated : "\uffff";
}
