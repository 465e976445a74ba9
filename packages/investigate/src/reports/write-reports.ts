/** Writes every report file of a case: the timeline exports, report.md and report.html. */
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { ReportData } from "./report-data.js";
import { REPORT_HTML, REPORT_MD } from "./report-format.js";
import { renderHtml } from "./report-html.js";
import { renderMarkdown } from "./report-markdown.js";
import { exportTimeline, type TimelineFiles } from "./timeline-export.js";
import { tempSuffix } from "./report-temp-files.js";

export interface ReportPaths {
  timelineJsonl: string;
  timelineCsv: string;
  reportMd: string;
  reportHtml: string;
  /** Rows in each timeline file (one per event). */
  timelineRows: number;
}

/** Writes `content` next to `path`, then renames it into place, so a reader never sees half a file. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const temp = `${path}${tempSuffix()}`;
  try {
    await writeFile(temp, content, { encoding: "utf8", flag: "wx" });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Writes timeline.jsonl, timeline.csv, report.md and report.html into `caseDir`; `writer`, a
 * second connection to the same database, lets the two timeline files be written at once.
 * `timeline`: the timeline files, already written by the caller (exportTimeline).
 */
export async function writeReports(connection: DuckDBConnection, data: ReportData, caseDir: string, options: { writer?: DuckDBConnection; timeline?: TimelineFiles } = {}): Promise<ReportPaths> {
  const dir = resolve(caseDir);
  await mkdir(dir, { recursive: true });
  const timeline = options.timeline ?? (await exportTimeline(connection, dir, "events", options.writer ? { writer: options.writer } : {}));
  const reportMd = join(dir, REPORT_MD);
  const reportHtml = join(dir, REPORT_HTML);
  await writeFileAtomic(reportMd, renderMarkdown(data));
  await writeFileAtomic(reportHtml, renderHtml(data));
  return { timelineJsonl: timeline.jsonl, timelineCsv: timeline.csv, reportMd, reportHtml, timelineRows: timeline.rows };
}
