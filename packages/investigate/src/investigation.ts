/**
 * `oclog investigate`, the orchestration: list the user's blobs, keep those that may hold
 * records in the window, preserve them as evidence (skipping what the case already has), load
 * the evidence into the case database, run the detections, write the reports. Every step that
 * touches evidence is written to the custody log.
 */
import { lstat } from "node:fs/promises";
import { join } from "node:path";
import { checkDatabase } from "./evidence/case-verify.js";
import type { BlobLimits } from "./evidence/blob-limits.js";
import { unsafeBlobNameReason } from "./source/blob-name.js";
import type { CaseDatabase, LoadResult } from "./load/case-database.js";
import { CaseDatabase as CaseDb } from "./load/case-database.js";
import { CustodyLog, sealedDatabaseHash, verifyCustody } from "./evidence/custody-log.js";
import { EvidenceStore } from "./evidence/evidence-store.js";
import type { Finding } from "./detect/finding.js";

/** A blob as listed by the storage account. */
export interface ListedBlob {
  name: string;
  /** As listed (Azure lists etags unquoted). */
  etag: string;
  size: number;
  /** Base64, as Azure stores it; null when the uploader set none. */
  contentMD5: string | null;
  lastModified: Date;
}

export type DownloadOutcome = { status: "ok" } | { status: "vanished" } | { status: "failed"; reason: string } | { status: "refused"; reason: string };

/** What the investigation needs from storage (the Azure adapter, or anything else). */
export interface EvidenceSource {
  /** Human label for custody and reports: account and container, never a secret. */
  readonly label: string;
  list(): AsyncIterable<ListedBlob>;
  /**
   * Downloads many blobs with bounded parallelism; one outcome per blob, never throws for one blob.
   * `onDone` runs for one blob at a time; `downloaded`, when given, runs as each download lands,
   * several at once (a failure there makes that blob's outcome "failed").
   */
  downloadAll(
    blobs: ListedBlob[],
    destFor: (blob: ListedBlob) => Promise<string>,
    onDone: (blob: ListedBlob, outcome: DownloadOutcome) => Promise<void>,
    downloaded?: (blob: ListedBlob) => Promise<void>,
  ): Promise<void>;
}

/** Decides from a blob's name whether it may hold records in the window (upload time >= since). */
export type BlobFilter = (name: string) => { keep: boolean; reason?: string };

/** Runs detections and writes reports against a loaded case database. */
export interface Analysis {
  /**
   * Starts what the analysis needs that does not depend on the case (reading the rules), so it
   * runs while the evidence loads: the load is DuckDB's work, and JavaScript's thread waits on it.
   */
  prepare?(): void;
  run(db: CaseDatabase, context: AnalysisContext): Promise<{ findings: Finding[]; detectionErrors: { file: string; reason: string }[]; reports: Record<string, string> }>;
}

export interface AnalysisContext {
  caseId: string;
  caseDir: string;
  user: string;
  container: string;
  load: LoadResult;
  blobs: number;
  bytes: number;
  since?: Date;
  until?: Date;
}

export interface InvestigationOptions {
  user: string;
  container: string;
  caseDir: string;
  caseId: string;
  oclogVersion: string;
  since?: Date;
  until?: Date;
  maxLineBytes: number;
  /** Per-blob bounds on reading evidence; defaults in DEFAULT_BLOB_LIMITS. */
  limits?: Partial<BlobLimits>;
  source: EvidenceSource;
  filter: BlobFilter;
  analysis: Analysis;
  onProgress?: (progress: { done: number; total: number; bytes: number }) => void;
  actor?: string;
}

export interface InvestigationResult {
  caseId: string;
  caseDir: string;
  blobs: {
    listed: number;
    skippedByTime: number;
    downloaded: number;
    reused: number;
    vanished: string[];
    failed: { blob: string; reason: string }[];
    /** Never requested: the name would reach another blob. Kept in custody as `evidence.refused`. */
    refused: { blob: string; reason: string }[];
  };
  bytes: number;
  load: LoadResult;
  findings: Finding[];
  detectionErrors: { file: string; reason: string }[];
  reports: Record<string, string>;
  /** Wall-clock seconds per stage, so slow investigations say where their time went. */
  seconds: { download: number; load: number; analyse: number };
  /**
   * The process's peak resident memory (MB) by the end of each stage. It only grows, so a stage
   * that raised it is one whose value is above the stage before (DuckDB runs in the process).
   */
  peakRssMb: { download: number; load: number; analyse: number };
}

const secondsSince = (started: number): number => Math.round(performance.now() - started) / 1000;
const peakRssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

/** Runs one investigation end to end. */
export async function investigate(options: InvestigationOptions): Promise<InvestigationResult> {
  const store = await EvidenceStore.open(options.caseDir, {
    caseId: options.caseId,
    user: options.user,
    container: options.container,
    oclogVersion: options.oclogVersion,
  });
  const custody = await CustodyLog.open(join(options.caseDir, "custody.jsonl"), options.actor);
  await custody.append("investigation.start", {
    user: options.user,
    container: options.container,
    source: options.source.label,
    since: options.since?.toISOString() ?? null,
    until: options.until?.toISOString() ?? null,
    oclogVersion: options.oclogVersion,
  });

  const listed: ListedBlob[] = [];
  const refused: { blob: string; reason: string }[] = [];
  let skippedByTime = 0;
  for await (const blob of options.source.list()) {
    // Names are data: one that URL resolution would turn into another blob is never requested.
    const unsafe = unsafeBlobNameReason(blob.name);
    if (unsafe !== undefined) {
      refused.push({ blob: blob.name, reason: unsafe });
      await custody.append("evidence.refused", { blob: blob.name, etag: blob.etag, size: blob.size, reason: unsafe });
    } else if (options.filter(blob.name).keep) listed.push(blob);
    else skippedByTime++;
  }
  const wanted: ListedBlob[] = [];
  let reused = 0;
  for (const blob of listed) {
    if (await store.has(blob.name, blob.etag)) reused++;
    else wanted.push(blob);
  }
  const result: InvestigationResult["blobs"] = { listed: listed.length + skippedByTime + refused.length, skippedByTime, downloaded: 0, reused, vanished: [], failed: [], refused };
  let done = 0;
  let bytes = 0;
  const total = wanted.length;
  options.onProgress?.({ done, total, bytes });
  const downloadStarted = performance.now();
  await options.source.downloadAll(
    wanted,
    (blob) => store.prepare(blob.name),
    async (blob, outcome) => {
      done++;
      if (outcome.status === "ok") {
        const entry = await store.add(blob);
        bytes += entry.size;
        result.downloaded++;
        const shape = store.shapeOf(blob.name);
        await custody.append("evidence.add", { blob: blob.name, etag: blob.etag, sha256: entry.sha256, size: entry.size, ...(entry.damaged ? { damaged: entry.damaged } : {}), ...(shape ? { shape } : {}) });
      } else if (outcome.status === "vanished") {
        result.vanished.push(blob.name);
        await custody.append("evidence.vanished", { blob: blob.name, etag: blob.etag });
      } else if (outcome.status === "refused") {
        result.refused.push({ blob: blob.name, reason: outcome.reason });
        await custody.append("evidence.refused", { blob: blob.name, etag: blob.etag, size: blob.size, reason: outcome.reason });
      } else {
        result.failed.push({ blob: blob.name, reason: outcome.reason });
        await custody.append("evidence.failed", { blob: blob.name, reason: outcome.reason });
      }
      options.onProgress?.({ done, total, bytes });
    },
    // Hashing and the gzip check of each file, while other downloads run: one at a time in the
    // hand-over above, they were most of the download stage (512 MB of logs: 4.0 s against 1.8 s).
    (blob) => store.examine(blob.name),
  );
  await store.save();
  const downloadSeconds = secondsSince(downloadStarted);
  const downloadRss = peakRssMb();

  // Everything preserved in this case that may hold records in the window is analysed.
  const evidence = store.entries().filter((entry) => options.filter(entry.blob).keep);
  // The tables of an earlier run are appended to only when case.duckdb is exactly as custody
  // sealed it; anything else (never sealed, changed since, a run cut short) rebuilds from evidence.
  const databasePath = join(options.caseDir, "case.duckdb");
  const existed = await lstat(databasePath).then(() => true, () => false);
  const notAsSealed = existed ? await checkDatabase(options.caseDir, sealedDatabaseHash((await verifyCustody(join(options.caseDir, "custody.jsonl"))).entries)) : [];
  if (existed && notAsSealed.length > 0) await custody.append("database.rebuild", { reason: notAsSealed.join("; ").slice(0, 1000) });
  const db = await CaseDb.open(databasePath);
  try {
    options.analysis.prepare?.();
    const loadStarted = performance.now();
    const load = await db.load(
      evidence.map((entry) => {
        const shape = store.shapeOf(entry.blob);
        return { blob: entry.blob, path: join(options.caseDir, entry.path), sha256: entry.sha256, ...(entry.damaged ? { damaged: entry.damaged } : {}), ...(shape ? { shape } : {}) };
      }),
      { maxLineBytes: options.maxLineBytes, workDir: join(options.caseDir, "work"), containerUser: options.user, incremental: existed && notAsSealed.length === 0, loaderVersion: options.oclogVersion, ...(options.limits ? { limits: options.limits } : {}), ...(options.since ? { since: options.since } : {}), ...(options.until ? { until: options.until } : {}) },
    );
    const loadSeconds = secondsSince(loadStarted);
    const loadRss = peakRssMb();
    const totalBytes = evidence.reduce((sum, entry) => sum + entry.size, 0);
    const analyseStarted = performance.now();
    const analysis = await options.analysis.run(db, {
      caseId: options.caseId,
      caseDir: options.caseDir,
      user: options.user,
      container: options.container,
      load,
      blobs: evidence.length,
      bytes: totalBytes,
      ...(options.since ? { since: options.since } : {}),
      ...(options.until ? { until: options.until } : {}),
    });
    const analyseSeconds = secondsSince(analyseStarted);
    const analyseRss = peakRssMb();
    await custody.append("investigation.analyse", {
      blobs: evidence.length,
      load: load.mode ?? "rebuilt",
      filesLoaded: load.filesLoaded ?? evidence.length,
      records: load.records,
      events: load.events,
      quarantined: load.quarantined,
      ...(load.quarantineNotStored > 0 ? { quarantineNotStored: load.quarantineNotStored } : {}),
      ...(load.blobProblems.length > 0 ? { blobProblems: load.blobProblems } : {}),
      findings: analysis.findings.map((f) => ({ id: f.detection.id, count: f.count })),
    });
    return { caseId: options.caseId, caseDir: options.caseDir, blobs: result, bytes: totalBytes, load, ...analysis, seconds: { download: downloadSeconds, load: loadSeconds, analyse: analyseSeconds }, peakRssMb: { download: downloadRss, load: loadRss, analyse: analyseRss } };
  } finally {
    db.close();
  }
}
