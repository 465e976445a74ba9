/**
 * The analysis step of an investigation: run the detections over `events`, then write the
 * reports. Kept apart from the orchestration so tests and benchmarks can run it on any case.
 */
import type { CaseDatabase } from "./load/case-database.js";
import { DETECTIONS_DIR, loadDetections, runDetections } from "./detect/detections.js";
import type { Analysis, AnalysisContext } from "./investigation.js";
import { collectReplay } from "./replay/collect-replay.js";
import { collectReportData, sortFindings, writeReports, type ReportData } from "./reports/index.js";

export interface AnalysisOptions {
  oclogVersion: string;
  tz: string;
  detectionsDir?: string;
  /** Receives the report data (for the terminal summary and `--format`). */
  onReport?: (data: ReportData) => void;
}

/** Detections from `queries/detections`, then every report into the case folder. */
export function detectAndReport(options: AnalysisOptions): Analysis {
  return {
    async run(db: CaseDatabase, ctx: AnalysisContext) {
      const detectionsDir = options.detectionsDir ?? DETECTIONS_DIR;
      const loaded = await loadDetections(detectionsDir);
      // An empty folder would read as "nothing found": say that nothing was looked for.
      if (loaded.detections.length === 0 && loaded.errors.length === 0) {
        loaded.errors.push({ file: detectionsDir, reason: "no rule files (*.yml) here: the rules ship in oclog's queries/detections folder; reinstall oclog or restore that folder" });
      }
      const ran = await runDetections(db.connection, loaded.detections);
      const detectionErrors = [...loaded.errors, ...ran.errors].map((e) => ({ file: e.file, reason: e.reason }));
      // Pins refer to findings by their place in the report, so the order is fixed first.
      const findings = sortFindings(ran.findings);
      const replay = await collectReplay(db.connection, findings);
      const data = await collectReportData(db.connection, {
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
      const writer = await db.connect();
      let paths;
      try {
        paths = await writeReports(db.connection, data, ctx.caseDir, { writer });
      } finally {
        writer.closeSync();
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
