// The reports of `oclog investigate`: pure renderers of ReportData plus the DuckDB timeline export.
export { collectReportData, chooseBucketSeconds, sortFindings, BUCKET_LADDER, MAX_BUCKETS } from "./report-data.js";
export type { ReportData, ReportBase } from "./report-data.js";
export { exportTimeline, timelineSelectSql, TIMELINE_COLUMNS, TIMELINE_CSV, TIMELINE_JSONL, TIMESTAMP_DESC } from "./timeline-export.js";
export type { TimelineFiles } from "./timeline-export.js";
export { renderMarkdown } from "./report-markdown.js";
export type { MarkdownOptions } from "./report-markdown.js";
export { renderHtml, CONTENT_SECURITY_POLICY } from "./report-html.js";
export type { HtmlOptions } from "./report-html.js";
export { renderTimelineSvg } from "./timeline-chart.js";
export { renderSummary } from "./terminal-summary.js";
export type { SummaryOptions } from "./terminal-summary.js";
export { writeReports, writeFileAtomic } from "./write-reports.js";
export type { ReportPaths } from "./write-reports.js";
export { REPORT_HTML, REPORT_MD } from "./report-format.js";
export { cleanText, escapeHtml, escapeMarkdown } from "./text-safety.js";
