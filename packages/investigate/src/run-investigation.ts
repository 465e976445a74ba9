/**
 * From command-line style options to a finished investigation: validates the user, picks the
 * container, parses the window, opens the storage account and runs `investigate`. The CLI and
 * the demo both call this; it prints nothing itself.
 */
import { lstat, mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { detectAndReport } from "./analysis.js";
import type { BlobLimits } from "./evidence/blob-limits.js";
import { blobFilter } from "./source/blob-name.js";
import { asEvidenceSource } from "./source/blob-source.js";
import { openBlobSource, type BlobSourceOptions } from "./source/open-blob-source.js";
import { EvidenceTamperedError } from "./case/case-errors.js";
import { checkCaseFolder, readFileNoFollow } from "./case/case-folder.js";
import { acquireCaseLock } from "./case/case-lock.js";
import { containerForUser } from "./source/container-name.js";
import { CustodyLog } from "./evidence/custody-log.js";
import { sha256File } from "./evidence/evidence-store.js";
import { investigate, type InvestigationResult } from "./investigation.js";
import type { ReportData } from "./reports/index.js";
import { Sensitive } from "./sensitive.js";
import { parseTimeWindow } from "./time-window.js";
import { UsageError } from "@oclog/errors";
import { DEFAULT_MAX_LINE_BYTES } from "@oclog/schema";
import { DEFAULT_CONCURRENCY } from "./defaults.js";

export interface RunInvestigationOptions {
  user: string;
  /** Connection string (from the environment or the demo), never echoed. */
  connectionString?: Sensitive<string> | undefined;
  accountUrl?: string | undefined;
  sasEnv?: string | undefined;
  container?: string | undefined;
  containerTemplate?: string | undefined;
  usersFile?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  tz?: string | undefined;
  caseDir?: string | undefined;
  concurrency?: number | undefined;
  maxLineBytes?: number | undefined;
  /** Per-blob bounds (--max-blob-bytes, --max-blob-lines, --max-quarantine-per-blob). */
  limits?: Partial<BlobLimits> | undefined;
  oclogVersion: string;
  now?: Date | undefined;
  onProgress?: ((progress: { done: number; total: number; bytes: number }) => void) | undefined;
}

export interface RunInvestigationResult extends InvestigationResult {
  report: ReportData;
}

/** Validates everything first (usage errors before any network call), then investigates. */
export async function runInvestigation(options: RunInvestigationOptions): Promise<RunInvestigationResult> {
  const choice = await containerForUser(options.user, {
    container: options.container,
    usersFile: options.usersFile,
    template: options.containerTemplate,
  });
  const window = parseTimeWindow({ since: options.since, until: options.until, tz: options.tz, now: options.now });
  const now = options.now ?? new Date();
  // One case per user and UTC day by default, so a rerun the same day resumes its downloads.
  const caseId = `${choice.user}-${now.toISOString().slice(0, 10).replace(/-/g, "")}`;
  const caseDir = resolve(options.caseDir ?? join("cases", caseId));

  let connection: BlobSourceOptions;
  if (options.connectionString !== undefined) {
    connection = { connectionString: options.connectionString, container: choice.container };
  } else if (options.accountUrl !== undefined) {
    connection = { accountUrl: options.accountUrl, container: choice.container, ...(options.sasEnv ? { sasEnv: options.sasEnv } : {}) };
  } else {
    throw new UsageError("no storage account given", {
      hint: "set AZURE_STORAGE_CONNECTION_STRING, or pass --account-url (with AZURE_STORAGE_SAS or your Azure login)",
    });
  }
  // The case folder is evidence: someone else's folder is refused before any storage call and
  // before anything is written into it; its lock is then held for the whole run, so two runs never
  // interleave custody lines.
  await checkCaseFolder(caseDir);
  const blobs = await openBlobSource(connection);
  await mkdir(caseDir, { recursive: true });
  const lock = await acquireCaseLock(caseDir);
  try {
    await refuseLostCustody(caseDir);
    if (lock.takenOver !== undefined) {
      const custody = await CustodyLog.open(join(caseDir, "custody.jsonl"));
      await custody.append("case.lock.takeover", { previous: { pid: lock.takenOver.pid, host: lock.takenOver.host, startedAt: lock.takenOver.startedAt }, pid: lock.holder.pid, host: lock.holder.host });
    }
    let report: ReportData | undefined;
    let result: InvestigationResult;
    try {
      result = await investigate({
        user: choice.user,
        container: choice.container,
        caseDir,
        caseId,
        oclogVersion: options.oclogVersion,
        ...(window.since ? { since: window.since } : {}),
        ...(window.until ? { until: window.until } : {}),
        maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
        ...(options.limits ? { limits: options.limits } : {}),
        source: asEvidenceSource(blobs, { concurrency: options.concurrency ?? DEFAULT_CONCURRENCY }),
        filter: blobFilter(window),
        analysis: detectAndReport({ oclogVersion: options.oclogVersion, tz: options.tz ?? "UTC", onReport: (data) => (report = data) }),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
    } catch (error) {
      if (error instanceof EvidenceTamperedError) await recordRefusal(caseDir, error);
      throw error;
    }
    if (!report) throw new Error("analysis finished without report data");
    // case.duckdb is closed now: its hash goes into custody so `oclog case verify` can check it.
    const database = join(caseDir, "case.duckdb");
    const custody = await CustodyLog.open(join(caseDir, "custody.jsonl"));
    await custody.append("database.sealed", { path: "case.duckdb", sha256: await sha256File(database) });
    return { ...result, report };
  } finally {
    await lock.release();
  }
}

/** A case whose manifest lists evidence but whose custody log is gone cannot be trusted on a rerun. */
async function refuseLostCustody(caseDir: string): Promise<void> {
  let listed: number;
  try {
    listed = Object.keys((JSON.parse(await readFileNoFollow(join(caseDir, "manifest.json"))) as { evidence?: object }).evidence ?? {}).length;
  } catch {
    return; // no manifest yet (a new case), or one EvidenceStore.open will refuse with its own reason
  }
  const custody = await lstat(join(caseDir, "custody.jsonl")).catch(() => undefined);
  if (listed > 0 && custody === undefined) {
    throw new EvidenceTamperedError(caseDir, [`manifest.json lists ${listed} evidence file(s) but custody.jsonl is missing`]);
  }
}

/** Writes the refusal into custody (the chain still verifies: only evidence changed), best effort. */
async function recordRefusal(caseDir: string, error: EvidenceTamperedError): Promise<void> {
  try {
    const custody = await CustodyLog.open(join(caseDir, "custody.jsonl"));
    await custody.append("investigation.refused", { reason: "evidence does not match custody", problems: error.problems.slice(0, 50) });
  } catch {
    // A custody log that no longer verifies cannot take the line; the thrown error still says why.
  }
}
