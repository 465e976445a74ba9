/**
 * The analysis step of an investigation: run the detections over `events`, then write the
 * reports. Kept apart from the orchestration so tests and benchmarks can run it on any case.
 */
import { mkdir } from "node:fs/promises";
import type { CaseDatabase } from "./load/case-database.js";
import { DETECTIONS_DIR, loadDetections, runDetections } from "./detect/detections.js";
import type { Analysis, AnalysisContext } from "./investigation.js";
import { collectReplay } from "./replay/collect-replay.js";
import { collectReportData, sortFindings, writeReports, type ReportData } from "./reports/index.js";
import { exportTimeline, TIMELINE_CSV, TIMELINE_JSONL } from "./reports/timeline-export.js";
import { REPORT_HTML, REPORT_MD } from "./reports/report-format.js";
import { removeStaleTempFiles } from "./reports/report-temp-files.js";

export interface AnalysisOptions {
  oclogVersion: string;
  tz: string;
  detectionsDir?: string;
  /** Receives the report data (for the terminal summary and `--format`). */
  onReport?: (data: ReportData) => void;
}

/** Detections from `queries/detections`, then every report into the case folder. */
export function detectAndReport(options: AnalysisOptions): Analysis {
  const detectionsDir = options.detectionsDir ?? DETECTIONS_DIR;
  // Parsing 28 rule files is ~0.3 s of JavaScript; started by prepare(), it runs during the load.
  let rules: ReturnType<typeof loadDetections> | undefined;
  const readRules = () => (rules ??= loadDetections(detectionsDir));
  return {
    prepare() {
      readRules().catch(() => undefined); // awaited in run(), which reports a failure
    },
    async run(db: CaseDatabase, ctx: AnalysisContext) {
      // The reports' folder, made as writeReports makes it: the timeline is now written first.
      await mkdir(ctx.caseDir, { recursive: true });
      await removeStaleTempFiles(ctx.caseDir, [TIMELINE_JSONL, TIMELINE_CSV, REPORT_MD, REPORT_HTML]);
      // The timeline files come from the events and the session steps, never from the findings:
      // they are written on two connections of their own while the detections, the replay and
      // the report data run on the case's (the export's COPY runs on one thread, so the other
      // core was idle while it ran, and the detections left one idle in turn).
      const timelineConnection = await db.connect();
      const timelineWriter = await db.connect();
      const timeline = exportTimeline(timelineConnection, ctx.caseDir, "events", { writer: timelineWriter });
      timeline.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
      let data: ReportData;
      let detectionErrors: { file: string; reason: string }[];
      let paths;
      try {
        const read = await readRules();
        const loaded = { detections: read.detections, errors: [...read.errors] };
        // An empty folder would read as "nothing found": say that nothing was looked for.
        if (loaded.detections.length === 0 && loaded.errors.length === 0) {
          loaded.errors.push({ file: detectionsDir, reason: "no rule files (*.yml) here: the rules ship in oclog's queries/detections folder; reinstall oclog or restore that folder" });
        }
        const ran = await runDetections(db.connection, loaded.detections);
        detectionErrors = [...loaded.errors, ...ran.errors].map((e) => ({ file: e.file, reason: e.reason }));
        // Pins refer to findings by their place in the report, so the order is fixed first.
        const findings = sortFindings(ran.findings);
        const replay = await collectReplay(db.connection, findings);
        data = await collectReportData(db.connection, {
          caseId: ctx.caseId,
          caseDir: ctx.caseDir,
          user: ctx.user,
          container: ctx.container,
          generatedAt: new Date().toISOString(),
          oclogVersion: options.oclogVersion,
          window: { since: ctx.since?.toISOString() ?? null, until: ctx.until?.toISOString() ?? null, tz: options.tz },
          counts: { blobs: ctx.blobs, bytes: ctx.bytes, records: ctx.load.records, events: ctx.load.events, quarantined: ctx.load.quarantined },
          quarantineByReason: ctx.load.quarantineByReason,
          findings,
          detectionErrors,
          replay,
        });
        paths = await writeReports(db.connection, data, ctx.caseDir, { timeline: await timeline });
      } finally {
        // Whatever failed, the export ends before its connections close.
        await timeline.catch(() => undefined);
        timelineWriter.closeSync();
        timelineConnection.closeSync();
      }
      options.onReport?.(data);
      return {
        findings: data.findings,
        detectionErrors,
        reports: { timelineJsonl: paths.timelineJsonl, timelineCsv: paths.timelineCsv, reportMd: paths.reportMd, reportHtml: paths.reportHtml },
      };
    },
  };
}
