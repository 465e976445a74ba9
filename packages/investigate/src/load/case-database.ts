/**
 * The case database (`case.duckdb`, openable by any DuckDB client from 1.3 on). DuckDB reads the evidence
 * files itself: lines with its CSV reader (gzip, parallel, rejects with line numbers), records
 * with `json_transform` into typed columns (one table per source, `records` a view over them),
 * then `quarantine` for whatever does not parse or validate, and the normalized `events` table
 * built in SQL. No JavaScript step per line for a clean file; a file DuckDB's reader cannot take
 * as it is (CRLF, gzip not named `.gz`, damage, an over-long line, a blob over a limit) is first
 * rewritten by `evidence-lines.ts`.
 *
 * Every line read is a record or a quarantine row at its own line number; lines past a per-blob
 * limit are not read, and the first of them is a quarantine row saying which limit. A blank
 * line is a quarantine row ("blank line"): Fluent Bit never writes one, so it is counted like
 * any other line that is not a record. Quarantine rows past the per-blob cap are counted in
 * `quarantine_not_stored`, not stored.
 */
import { createHash } from "node:crypto";
import { mkdir, rename, rm, rmdir, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { mapConcurrently } from "@oclog/errors";
import { SOURCE_NAMES, allEventsSql, duckdbType, eventsOfSourcesSql, invalidSql, ownFieldsOfSourceSql, rawViewName, recordsTableName, recordStructureLiteral, sourceFieldsSql, sourceSql, sourceStructure, sqlIdentifier, sqlString, variantSql, type SourceName } from "@oclog/schema";
import { DEFAULT_BLOB_LIMITS, type BlobLimits } from "../evidence/blob-limits.js";
import { MEASURE_CONCURRENCY } from "../defaults.js";
import { measureEvidence, measuredFromShape, rewriteEvidence, type LineFault, type LineLimits, type Measured } from "./evidence-lines.js";
import type { LineShape } from "../evidence/gzip-integrity.js";
import { checkEnvelopes, withEnvelopeColumnsSql } from "./envelope-checks.js";
import { createEventViews, eventsTableDdl, TIMELINE_STATE_TABLE } from "./events-table.js";
import { buildSessionSteps, updateSessionSteps } from "./session-steps.js";
import { buildToolSteps, type ToolStepsUpdate } from "./tool-steps.js";
import { makeScanDir, removeDeadScans } from "./stale-scans.js";
import { readTypedRecords, sourceOfBlobName, type TypedCandidate } from "./typed-read.js";

/** Every source's records table (recordsTableName). */
const RECORD_TABLES = SOURCE_NAMES.map(recordsTableName);

/** Where an append keeps a source's records while its new ones are loaded into the source's table. */
const keptRecordsTable = (source: SourceName) => `${recordsTableName(source)}_kept`;

/**
 * `records`: every source's table as one relation. `r` then holds every source's fields (UNION ALL
 * BY NAME joins the structures), and a filter on `source` reads only that source's table.
 */
const RECORDS_VIEW_SQL = `CREATE OR REPLACE VIEW records AS ${SOURCE_NAMES.map((source) => `SELECT blob, line, r, source, variant FROM ${recordsTableName(source)}`).join(" UNION ALL BY NAME ")}`;

/** One source's records table; while a load fills it, with the columns that mark the rows it refuses. */
function recordsTableDdl(name: string, source: SourceName, staging: boolean): string {
  return `CREATE OR REPLACE TABLE ${sqlIdentifier(name)} (blob VARCHAR, line BIGINT, r ${duckdbType(sourceStructure(source))}, source VARCHAR, variant VARCHAR${staging ? ", reason VARCHAR, raw_prefix VARCHAR" : ""})`;
}

export interface EvidenceFile {
  blob: string;
  /** Absolute path of the evidence file (gzip when the name ends in .gz). */
  path: string;
  /** Why the file is damaged (a truncated gzip), when known: its readable lines are salvaged. */
  damaged?: string;
  /** The file's SHA-256 (the manifest's): an incremental load reuses what it loaded only for the same bytes. */
  sha256?: string;
  /** Its lines as measured when it was added in this run (EvidenceStore.shapeOf): it is not measured again. */
  shape?: LineShape;
}

export interface LoadOptions {
  maxLineBytes: number;
  since?: Date;
  until?: Date;
  /** The user whose container the evidence came from: events whose envelope names another are marked. */
  containerUser?: string;
  /** Where rewritten copies of odd files go while they are scanned (inside the case folder). */
  workDir: string;
  /** Per-blob bounds; defaults in DEFAULT_BLOB_LIMITS. */
  limits?: Partial<BlobLimits>;
  /**
   * Load only the files this database has not loaded, when everything it loaded before is among
   * `files` with the same bytes and the same settings; otherwise rebuild from all of them.
   */
  incremental?: boolean;
  /**
   * Read every file with the line scan, none with the typed fast path (typed-read.ts). The two
   * make the same tables; tests compare them, and the profiler measures both.
   */
  lineScanOnly?: boolean;
  /** Part of what "the same settings" means: the oclog version that loads. */
  loaderVersion?: string;
}

/**
 * Each file's lines, as the scan needs them: from the shape measured at download, or measured
 * now, several files at once (each a gunzip on libuv's pool). A file that cannot be read is an `error` of its own.
 */
async function measureFiles(files: EvidenceFile[], limits: LineLimits): Promise<Array<{ measured: Measured } | { error: unknown }>> {
  return mapConcurrently(files, MEASURE_CONCURRENCY, async (file) => {
    try {
      const measured = file.damaged !== undefined ? { gzip: true, rewrite: "damaged" } : file.shape !== undefined ? measuredFromShape(file.shape, limits) : await measureEvidence(file.path, limits);
      return { measured };
    } catch (error) {
      return { error };
    }
  });
}

/** A blob whose reading stopped early or never started, and why. */
export interface BlobProblem {
  blob: string;
  kind: "limit" | "set aside";
  reason: string;
}

export interface LoadResult {
  /** `rebuilt`: every table from all files; `appended`: only new files loaded; `reused`: nothing new. */
  mode?: "rebuilt" | "appended" | "reused";
  /** Files read by this load (all of them when rebuilt). */
  filesLoaded?: number;
  /** Of those, the files the typed fast path read (typed-read.ts); the rest went through the line scan. */
  filesReadTyped?: number;
  /** Of those, the files decompressed to measure their lines: no shape was known from download or custody. */
  filesMeasured?: number;
  /** How `tool_steps` was brought up to date (appended to, or rebuilt and why). */
  toolSteps?: ToolStepsUpdate;
  lines: number;
  records: number;
  events: number;
  eventsOutsideWindow: number;
  /** Events stamped outside the window but kept, because their blob was uploaded inside it. */
  eventsAdmittedByUpload?: number;
  /** Events whose envelope names a user other than the container's. */
  eventsEnvelopeMismatch?: number;
  /** Lines set aside, stored or not (see quarantineNotStored). */
  quarantined: number;
  /** Quarantined lines over the per-blob cap: counted here, not stored. */
  quarantineNotStored: number;
  quarantineByReason: { reason: string; count: number }[];
  /** Blobs that hit a limit (the rest of them not read) or were set aside whole. */
  blobProblems: BlobProblem[];
}

/** How one evidence file reaches the scan: its path for DuckDB, and what rewriting found. */
interface ScanPlan {
  file: EvidenceFile;
  scanPath: string;
  /** Lines measured, when the file goes to the scan as it is. */
  lines?: number;
  faultsPath?: string;
  stop?: LineFault;
  limited?: boolean;
}

export class CaseDatabase {
  readonly connection: DuckDBConnection;
  readonly #instance: DuckDBInstance;

  private constructor(instance: DuckDBInstance, connection: DuckDBConnection) {
    this.#instance = instance;
    this.connection = connection;
  }

  /** Opens (creating) a case database file; `:memory:` for tests. */
  static async open(path: string, options: { memoryLimit?: string } = {}): Promise<CaseDatabase> {
    const instance = await DuckDBInstance.create(path, {
      // Not lower: with 400MB the parse of records into their wide STRUCT (CREATE TABLE records)
      // ran out of memory at 512 MB of logs, every time, though 1 GB and 4 GB passed; with 512MB
      // no size measured has. DuckDB holds memory outside this limit during that parse (peak RSS
      // 1,042 MB at 1 GB of logs with 512MB, 939 MB with 400MB).
      memory_limit: options.memoryLimit ?? "512MB",
      // Line numbers come from insertion order: it must be kept.
      preserve_insertion_order: "true",
      // Memory DuckDB freed goes back to the system sooner: its allocator (jemalloc) otherwise
      // keeps up to 128 MiB per task and purges only in the foreground. 4 GB of logs, peak RSS:
      // 938, 941, 981 and 1,297 MB in four runs without these, 902 and 895 MB in two with them,
      // in the same time.
      allocator_flush_threshold: "32MB",
      allocator_background_threads: "true",
      // No vacuum: a checkpoint would merge the under-filled row groups a load leaves at the end of
      // `events`, and not the checkpoint that wrote them but the first one after it with any change,
      // however small. That is the warm run's: 0.6-0.85 s of it at 1 GB of logs (150,000 events
      // rewritten), where its whole load takes 2-3 s. Unmerged, a case is a few row groups longer,
      // and events deleted for being outside the window stay in theirs, skipped by every scan:
      // blobs are chosen by upload time first, so those are the window's edges, few.
      max_vacuum_tasks: "0",
      // DuckDB 1.3's storage format for a new case, not 0.10's (DuckDB's default, for old readers):
      // at 1 GB of logs the file is 77 MB instead of 98, and the cold load 0.3 s faster (two runs
      // each). A case keeps the format it was created in.
      storage_compatibility_version: "v1.3.0",
      // An in-memory database spills to `.tmp` in the working directory by default: not there.
      ...(path === ":memory:" ? { temp_directory: join(tmpdir(), "oclog-duckdb-spill") } : {}),
    });
    const connection = await instance.connect();
    await connection.run("SET TimeZone = 'UTC'");
    return new CaseDatabase(instance, connection);
  }

  /**
   * Loads the evidence files: rebuilds every table from all of them, or, with `incremental`,
   * appends only the files not loaded before (see LoadOptions.incremental). `tool_steps` is
   * appended to when it can be (tool-steps.ts); the sessions are rebuilt over the whole case.
   */
  async load(files: EvidenceFile[], options: LoadOptions): Promise<LoadResult> {
    const key = loadKey(options);
    if (options.incremental === true) {
      const fresh = await this.#newFiles(files, key);
      if (fresh !== undefined) return fresh.length === 0 ? { ...(await this.#result()), mode: "reused", filesLoaded: 0 } : this.#append(fresh, options);
    }
    return { ...(await this.#rebuild(files, options, key)), mode: "rebuilt", filesLoaded: files.length };
  }

  /** Files not loaded yet, or undefined when the earlier load cannot be reused (other settings, other bytes, a file gone). */
  async #newFiles(files: EvidenceFile[], key: string): Promise<EvidenceFile[] | undefined> {
    const c = this.connection;
    const tables = (await c.runAndReadAll("SELECT table_name FROM duckdb_tables() WHERE NOT temporary")).getRows().map((r) => String(r[0]));
    if (!["load_state", "loaded_files", "load_stops", ...RECORD_TABLES, "events", "quarantine", "quarantine_not_stored", "evidence_files"].every((t) => tables.includes(t))) return undefined;
    const state = (await c.runAndReadAll("SELECT key FROM load_state")).getRows();
    if (state.length !== 1 || state[0]![0] !== key) return undefined;
    const loaded = (await c.runAndReadAll("SELECT blob, sha256, damaged FROM loaded_files")).getRowObjectsJson();
    const byBlob = new Map(files.map((f) => [f.blob, f]));
    for (const row of loaded) {
      const file = byBlob.get(String(row.blob));
      if (file === undefined || file.sha256 === undefined || file.sha256 !== row.sha256 || (file.damaged ?? null) !== row.damaged) return undefined;
    }
    if (files.some((f) => f.sha256 === undefined)) return undefined;
    const done = new Set(loaded.map((row) => String(row.blob)));
    return files.filter((f) => !done.has(f.blob));
  }

  /** Rebuilds every table from the evidence files. */
  async #rebuild(files: EvidenceFile[], options: LoadOptions, key: string): Promise<LoadResult> {
    const c = this.connection;
    // `records` is a view; in a case written by an earlier oclog it is a table.
    const recordsIsView = (await this.scalar("SELECT count(*) FROM duckdb_views() WHERE view_name = 'records' AND NOT temporary")) > 0;
    await c.run(`DROP ${recordsIsView ? "VIEW" : "TABLE"} IF EXISTS records`);
    const recordTables = SOURCE_NAMES.flatMap((source) => [recordsTableName(source), keptRecordsTable(source)]);
    for (const table of ["events", "records_kept", ...recordTables, "quarantine", "quarantine_not_stored", "evidence_files", "load_state", "loaded_files", "load_stops", TIMELINE_STATE_TABLE, "envelope_usual_accounts", "envelope_account_counts"]) {
      await c.run(`DROP TABLE IF EXISTS ${sqlIdentifier(table)}`);
    }
    // Until the load finishes, the state says nothing can be reused: a load cut short rebuilds.
    await c.run("CREATE TABLE load_state (key VARCHAR, outside_window BIGINT)");
    await c.run("CREATE TABLE loaded_files (blob VARCHAR, sha256 VARCHAR, damaged VARCHAR)");
    await c.run("CREATE TABLE load_stops (blob VARCHAR, line BIGINT, reason VARCHAR, kind VARCHAR)");
    await c.run("CREATE TABLE evidence_files (file_index INTEGER, blob VARCHAR, path VARCHAR)");
    await c.run("CREATE TABLE quarantine (blob VARCHAR, line BIGINT, reason VARCHAR, raw_prefix VARCHAR)");
    await c.run("CREATE TABLE quarantine_not_stored (blob VARCHAR, lines BIGINT)");
    await c.run(eventsTableDdl());
    await createEventViews(c);
    if (files.length === 0) {
      for (const source of SOURCE_NAMES) await c.run(recordsTableDdl(recordsTableName(source), source, false));
      await this.#recordViews();
      await buildToolSteps(c);
      await buildSessionSteps(c);
      return { lines: 0, records: 0, events: 0, eventsOutsideWindow: 0, eventsAdmittedByUpload: 0, eventsEnvelopeMismatch: 0, quarantined: 0, quarantineNotStored: 0, quarantineByReason: [], blobProblems: [] };
    }
    const { outside, typed, measured, toolSteps } = await this.#scanAndLoad(files, options, 0, false);
    await this.#finishLoad(files, key, outside);
    return { ...(await this.#result()), filesReadTyped: typed, filesMeasured: measured, toolSteps };
  }

  /**
   * Appends files never loaded to a database whose earlier load used the same settings: their
   * records, quarantine and events join the tables; a record re-sent by the collector (same
   * oclog_id) is a duplicate of the copy already loaded. The derived tables are rebuilt.
   */
  async #append(files: EvidenceFile[], options: LoadOptions): Promise<LoadResult> {
    const c = this.connection;
    const offset = await this.scalar("SELECT coalesce(max(file_index) + 1, 0) FROM evidence_files");
    const before = await this.scalar("SELECT coalesce(sum(outside_window), 0) FROM load_state");
    await c.run("UPDATE load_state SET key = 'loading'");
    const { outside, typed, measured, toolSteps } = await this.#scanAndLoad(files, options, offset, true);
    await this.#finishLoad(files, loadKey(options), before + outside);
    return { ...(await this.#result()), mode: "appended", filesLoaded: files.length, filesReadTyped: typed, filesMeasured: measured, toolSteps };
  }

  /** Scans `files` into the tables (file indexes from `offset`); returns how many events left the window. */
  async #scanAndLoad(files: EvidenceFile[], options: LoadOptions, offset: number, appending: boolean): Promise<{ outside: number; typed: number; measured: number; toolSteps: ToolStepsUpdate }> {
    const limits: LineLimits = { ...DEFAULT_BLOB_LIMITS, ...options.limits, maxLineBytes: options.maxLineBytes };
    await mkdir(options.workDir, { recursive: true });
    await removeDeadScans(options.workDir);
    const scanDir = await makeScanDir(options.workDir);
    try {
      return await this.#load(files, options, limits, scanDir, offset, appending);
    } finally {
      // The scan is materialized in DuckDB; the links and rewritten copies are not evidence,
      // and an empty work folder is not left behind in the case.
      await rm(scanDir, { recursive: true, force: true });
      await rmdir(options.workDir).catch(() => undefined);
    }
  }

  /** Records what was loaded with which settings, so the next incremental load knows. */
  async #finishLoad(files: EvidenceFile[], key: string, outsideWindow: number): Promise<void> {
    const c = this.connection;
    for (let i = 0; i < files.length; i += 500) {
      const values = files.slice(i, i + 500).map((f) => `(${sqlString(f.blob)}, ${f.sha256 === undefined ? "NULL" : sqlString(f.sha256)}, ${f.damaged === undefined ? "NULL" : sqlString(f.damaged)})`);
      await c.run(`INSERT INTO loaded_files VALUES ${values.join(", ")}`);
    }
    await c.run("DELETE FROM load_state");
    await c.run(`INSERT INTO load_state VALUES (${sqlString(key)}, ${outsideWindow})`);
  }

  /**
   * This load's records become their sources' tables: as they are after a rebuild (no copy), added
   * to the records kept after an append. Then `records` and the raw views show them all.
   */
  async #keepLoadedRecords(appending: boolean): Promise<void> {
    const c = this.connection;
    for (const source of SOURCE_NAMES) {
      const table = recordsTableName(source);
      if (appending) {
        await c.run(`INSERT INTO ${keptRecordsTable(source)} SELECT blob, line, r, source, variant FROM ${table}`);
        await c.run(`DROP TABLE ${table}`);
        await c.run(`ALTER TABLE ${keptRecordsTable(source)} RENAME TO ${table}`);
      } else {
        await c.run(`ALTER TABLE ${table} DROP COLUMN reason`);
        await c.run(`ALTER TABLE ${table} DROP COLUMN raw_prefix`);
      }
    }
    await this.#recordViews();
  }

  /** `records` over every source's table, and one view per source, so `oclog sql` users can ask `SELECT r.time FROM raw_gateway_log`. */
  async #recordViews(): Promise<void> {
    await this.connection.run(RECORDS_VIEW_SQL);
    for (const source of SOURCE_NAMES) {
      await this.connection.run(`CREATE OR REPLACE VIEW ${rawViewName(source)} AS SELECT blob, line, variant, r FROM ${recordsTableName(source)}`);
    }
  }

  /** The load's accounting, from the tables: the same whether the case was rebuilt or appended to. */
  async #result(): Promise<LoadResult> {
    const c = this.connection;
    const reasons = await c.runAndReadAll(
      `SELECT reason, count::INTEGER AS count FROM (
         SELECT regexp_replace(reason, '(:? [0-9]+ bytes|: this line and the rest).*$', '') AS reason, count(*) AS count FROM quarantine GROUP BY 1
         UNION ALL SELECT 'not stored: over the per-blob quarantine cap (--max-quarantine-per-blob)', sum(lines) FROM quarantine_not_stored HAVING count(*) > 0)
       ORDER BY 2 DESC, 1`,
    );
    const stored = await this.scalar("SELECT count(*) FROM quarantine");
    const notStored = await this.scalar("SELECT coalesce(sum(lines), 0) FROM quarantine_not_stored");
    const records = await this.scalar("SELECT count(*) FROM records");
    // A stop row stands for lines not read (or a cut line), not a line read.
    const stops = await this.scalar("SELECT count(*) FROM load_stops WHERE NOT starts_with(reason, 'damaged file')");
    const problems = (await c.runAndReadAll("SELECT blob, kind, reason FROM load_stops WHERE kind IN ('limit', 'set aside') ORDER BY rowid")).getRowObjectsJson();
    return {
      lines: records + stored + notStored - stops,
      records,
      events: await this.scalar("SELECT count(*) FROM events"),
      eventsOutsideWindow: await this.scalar("SELECT coalesce(sum(outside_window), 0) FROM load_state"),
      eventsAdmittedByUpload: await this.scalar("SELECT count(*) FROM events WHERE window_note IS NOT NULL"),
      eventsEnvelopeMismatch: await this.scalar("SELECT count(*) FROM events WHERE envelope_mismatch IS NOT NULL"),
      quarantined: stored + notStored,
      quarantineNotStored: notStored,
      quarantineByReason: reasons.getRowObjectsJson() as { reason: string; count: number }[],
      blobProblems: problems.map((p) => ({ blob: String(p.blob), kind: p.kind === "limit" ? "limit" : "set aside", reason: String(p.reason) })),
    };
  }

  async #load(files: EvidenceFile[], options: LoadOptions, limits: LineLimits, scanDir: string, offset: number, appending: boolean): Promise<{ outside: number; typed: number; measured: number; toolSteps: ToolStepsUpdate }> {
    const c = this.connection;
    this.#offset = offset;
    // This load's records go into fresh tables, one per source (an append moves the records it
    // keeps aside until the end), so the events below are made of this load's records alone.
    await c.run("DROP VIEW IF EXISTS records");
    for (const source of SOURCE_NAMES) {
      if (appending) await c.run(`ALTER TABLE ${recordsTableName(source)} RENAME TO ${keptRecordsTable(source)}`);
      await c.run(recordsTableDdl(recordsTableName(source), source, true));
    }
    const { scanned, typed, setAside, measured } = await this.#scanLines(files, limits, scanDir, options.lineScanOnly === true);
    // Scanned files first, so file_index (less the offset of files loaded before) is also the
    // scan's file index; files read typed (already in their tables) and files set aside follow.
    const listed = [...scanned.map((p) => p.file), ...typed.map((p) => p.file), ...setAside.map((s) => s.file)];
    await c.run(`INSERT INTO evidence_files VALUES ${listed.map((f, i) => `(${offset + i}, ${sqlString(f.blob)}, ${sqlString(f.path)})`).join(", ")}`);
    await c.run(`CREATE OR REPLACE TEMP TABLE scan_paths AS SELECT * FROM (VALUES ${scanned.length ? scanned.map((p, i) => `(${offset + i}, ${sqlString(p.scanPath)})`).join(", ") : "(NULL, NULL)"}) t(file_index, scan_path) WHERE file_index IS NOT NULL`);
    await this.#numberLines(options.maxLineBytes);
    await this.#readLineFaults(scanned);

    // Only a line that starts like an object can be a record; the rest (blank lines, text, JSON
    // that is no object) is quarantined without the parse below. A bomb is millions of such
    // lines, and each parsed row costs its full record structure on disk (1M "x" lines: 16 s).
    // The literal test first: ltrim copies every line, and nearly all lines start with "{"
    // (256 MB: 0.55 s with ltrim alone, 0.09 s behind starts_with; in a WHERE, DuckDB evaluates
    // the second branch only for the rows the first leaves).
    const objectLike = "(s.text IS NOT NULL AND (starts_with(s.text, '{') OR ltrim(s.text, chr(32) || chr(9)) LIKE '{%'))";
    // Its negation spelled out, so that the literal test filters first here too.
    const notObjectLike = "(s.text IS NULL OR (NOT starts_with(s.text, '{') AND NOT ltrim(s.text, chr(32) || chr(9)) LIKE '{%'))";
    // The rewrite's placeholders are blank lines that carry the reason their line was refused.
    // Before the parse, while the scan is still in memory: after it, the scan had spilled and
    // was read back (256 MB: 0.7 s). Read once into a small table (the non-object lines, usually
    // none), then stored capped and counted: two passes over the scan cost 12 s at 4 GB.
    await c.run(`CREATE OR REPLACE TEMP TABLE non_object_lines AS SELECT b.file_index, b.line,
        CASE WHEN b.text IS NULL OR trim(b.text) = '' THEN coalesce(lf.reason, 'blank line') WHEN json_valid(b.text) THEN 'not a JSON object' ELSE 'not JSON' END AS reason,
        CASE WHEN b.text IS NULL OR trim(b.text) = '' THEN lf.raw_prefix ELSE left(b.text, 200) END AS raw_prefix
      FROM (SELECT s.file_index, s.text, ${this.#lineSql} AS line FROM scan s JOIN scan_files f USING (file_index) WHERE ${notObjectLike}) b
      LEFT JOIN line_faults lf ON lf.file_index = b.file_index AND lf.line = b.line`);
    // Capped as they go in: the rows past the cap are only counted.
    await c.run(`INSERT INTO quarantine SELECT e.blob, n.line, n.reason, n.raw_prefix FROM non_object_lines n JOIN evidence_files e USING (file_index)
      QUALIFY row_number() OVER (PARTITION BY e.blob ORDER BY n.line) <= ${limits.maxQuarantinePerBlob}`);
    await c.run(`INSERT INTO quarantine_not_stored SELECT e.blob, count(*) - ${limits.maxQuarantinePerBlob} FROM non_object_lines n JOIN evidence_files e USING (file_index)
      GROUP BY e.blob HAVING count(*) > ${limits.maxQuarantinePerBlob}`);
    await c.run("DROP TABLE non_object_lines");
    // One pass over the lines: parse, classify, validate. Materializing each step separately
    // copied every line three times (measured: 4.4 s of 9 s for 100 MB).
    // A record keeps its own source's fields (ownFieldsOfSourceSql), as the typed read keeps them.
    // Parsed once into the whole record structure (a line may be any source's), then each
    // source's rows go to its table with its own fields; a line of no known source is quarantined.
    await c.run(`CREATE OR REPLACE TEMP TABLE scanned_records AS
      SELECT blob, line, ${ownFieldsOfSourceSql()} AS r, source, variant, reason, CASE WHEN reason IS NOT NULL THEN left(text, 200) END AS raw_prefix FROM (
      SELECT blob, line, text, r, source, ${variantSql()} AS variant,
        CASE WHEN r IS NULL AND NOT json_valid(text) THEN 'not JSON'
             WHEN r IS NULL THEN 'not a JSON object'
             WHEN source IS NULL AND json_type(text) <> 'OBJECT' THEN 'not a JSON object'
             WHEN source IS NULL AND r.oclog_source IS NOT NULL THEN 'source ' || left(r.oclog_source, 40) || ' has no schema in this oclog version'
             WHEN source IS NULL THEN 'unknown record shape: not any OpenClaw source oclog knows'
             WHEN r.oclog_invalid IS NOT NULL THEN 'marked invalid by the collector: ' || left(r.oclog_invalid, 200)
             ELSE ${invalidSql()} END AS reason
      FROM (SELECT *, ${sourceSql()} AS source FROM (
        SELECT e.blob, ${this.#lineSql} AS line, s.text, try(json_transform(s.text, ${recordStructureLiteral()})) AS r
        FROM scan s JOIN evidence_files e USING (file_index) JOIN scan_files f USING (file_index)
        WHERE ${objectLike})))`);
    await c.run("INSERT INTO quarantine SELECT blob, line, reason, raw_prefix FROM scanned_records WHERE source IS NULL");
    for (const source of SOURCE_NAMES) {
      await c.run(`INSERT INTO ${recordsTableName(source)}
        SELECT blob, line, ${sourceFieldsSql(source, (name) => `r.${sqlIdentifier(name)}`)}, source, variant, reason, raw_prefix FROM scanned_records WHERE source = ${sqlString(source)}`);
    }
    await c.run("DROP TABLE scanned_records");
    // Invalid rows move to quarantine. The collector delivers at least once: after a crash it may
    // re-send one batch, with the same oclog_id. The first copy is the record; later ones are set
    // aside, counted, not dropped. When appending, a copy already loaded is the first.
    for (const source of SOURCE_NAMES) {
      const table = recordsTableName(source);
      await c.run(`UPDATE ${table} SET reason = 'duplicate of an earlier record with the same oclog_id (collector re-send)', raw_prefix = left(${table}.r.oclog_id, 200)
        FROM (SELECT blob AS b, line AS l FROM (
          SELECT blob, line, row_number() OVER (PARTITION BY r.oclog_id ORDER BY blob, line) AS copy
          FROM ${table} WHERE reason IS NULL AND r.oclog_id IS NOT NULL) WHERE copy > 1
          ${appending ? `UNION SELECT n.blob, n.line FROM ${table} n JOIN ${keptRecordsTable(source)} k ON k.r.oclog_id = n.r.oclog_id WHERE n.reason IS NULL` : ""}) AS d
        WHERE ${table}.blob = d.b AND ${table}.line = d.l`);
      await c.run(`INSERT INTO quarantine SELECT blob, line, reason, raw_prefix FROM ${table} WHERE reason IS NOT NULL`);
      await c.run(`DELETE FROM ${table} WHERE reason IS NOT NULL`);
    }
    for (const table of ["scan", "scan_files", "rejects", "line_faults", "scan_paths"]) await c.run(`DROP TABLE IF EXISTS ${table}`);
    await this.#capQuarantine(limits.maxQuarantinePerBlob);
    // Where reading stopped (a limit, damage) or never started: one row each, never capped.
    const stops = [
      ...scanned.filter((p) => p.stop).map((p) => ({ blob: p.file.blob, ...p.stop!, kind: p.limited ? "limit" : "stop" })),
      ...setAside.map((s) => ({ blob: s.file.blob, line: 1, reason: s.reason, rawPrefix: null, kind: "set aside" })),
    ];
    for (const stop of stops) {
      await c.run(`INSERT INTO quarantine VALUES (${sqlString(stop.blob)}, ${stop.line}, ${sqlString(stop.reason)}, NULL)`);
      // Kept apart as well, so the accounting (and the blobs that hit a limit) survives later loads.
      await c.run(`INSERT INTO load_stops VALUES (${sqlString(stop.blob)}, ${stop.line}, ${sqlString(stop.reason)}, ${sqlString(stop.kind)})`);
    }

    await this.#insertEvents(options.containerUser);
    await this.#keepLoadedRecords(appending);
    // Records are kept whole; only events outside the window leave the timeline, and an event
    // stamped outside it stays when its blob was uploaded inside it (backdating cannot hide it).
    const newBlobs = appending ? `SELECT blob FROM evidence_files WHERE file_index >= ${offset}` : undefined;
    const envelope = await checkEnvelopes(c, {
      containerUser: options.containerUser,
      window: { ...(options.since ? { since: options.since } : {}), ...(options.until ? { until: options.until } : {}) },
      newBlobs,
    });
    // After the window: taint is tracked over the steps the case keeps. The new blobs' steps are
    // appended only while the events already loaded stayed as they were.
    const toolSteps = await buildToolSteps(c, scanDir, envelope.oldEventsChanged ? undefined : newBlobs);
    // Likewise the sessions: only those the new blobs touch are stepped again.
    let stepsKept = false;
    if (newBlobs === undefined || envelope.oldEventsChanged) await buildSessionSteps(c);
    else stepsKept = (await updateSessionSteps(c, newBlobs)).oldStepsKept;
    // The timeline files are appended to only while every event they hold is as they hold it.
    if (envelope.oldEventsChanged || !stepsKept) await c.run(`DROP TABLE IF EXISTS ${TIMELINE_STATE_TABLE}`);

    return { outside: envelope.outsideWindow, typed: typed.length, measured, toolSteps };
  }

  /**
   * The loaded records' events: the gateway log's and the other sources' on two connections at
   * once. One statement ran the sources one after the other, each parallel only across its own row
   * groups, with a core idle at every source's end; and an appended day fills one row group per
   * source, so there one statement ran on one core. Measured with profile-load.ts at 1 GB, two runs
   * each: the cold load 14.0/13.7 s -> 12.4/12.4 s (the insert 6.1/5.9 -> 4.2/4.0 s), the warm
   * load 2.14/2.13 -> 1.89/1.99 s. Both are committed in source order, so the rows land in the
   * order one statement gave them; a load cut off between the two commits left its state
   * "loading", and the next load rebuilds.
   */
  async #insertEvents(containerUser: string | undefined): Promise<void> {
    const insert = (sources: readonly SourceName[]) => `INSERT INTO events BY NAME ${withEnvelopeColumnsSql(eventsOfSourcesSql(sources), containerUser)}`;
    const other = await this.connect();
    try {
      await this.connection.run("BEGIN TRANSACTION");
      await other.run("BEGIN TRANSACTION");
      const inserted = await Promise.allSettled([this.connection.run(insert(["gateway-log"])), other.run(insert(SOURCE_NAMES.filter((s) => s !== "gateway-log")))]);
      const failed = inserted.find((result) => result.status === "rejected");
      if (failed !== undefined) {
        await Promise.allSettled([this.connection.run("ROLLBACK"), other.run("ROLLBACK")]);
        throw failed.reason;
      }
      await this.connection.run("COMMIT");
      await other.run("COMMIT");
    } finally {
      other.closeSync();
    }
  }

  /**
   * Reads all files' lines in one parallel scan. Each file is measured first: clean ones are
   * scanned as they are, odd ones rewritten; a file the scan still cannot read is set aside
   * whole with DuckDB's reason, so one blob never stops the investigation.
   */
  async #scanLines(
    files: EvidenceFile[],
    limits: LineLimits,
    scanDir: string,
    lineScanOnly: boolean,
  ): Promise<{ scanned: ScanPlan[]; typed: ScanPlan[]; setAside: { file: EvidenceFile; reason: string }[]; measured: number }> {
    const measuredPlans: ScanPlan[] = [];
    const setAside: { file: EvidenceFile; reason: string }[] = [];
    const measuredFiles = await measureFiles(files, limits);
    const measured = files.filter((file, index) => file.damaged === undefined && file.shape === undefined && !("error" in measuredFiles[index]!)).length;
    for (const [index, file] of files.entries()) {
      try {
        const result = measuredFiles[index]!;
        if ("error" in result) throw result.error;
        const measured = result.measured;
        // DuckDB picks the decompression by extension: the link's name says what the content is.
        const scanPath = join(scanDir, `${index}.txt${measured.gzip ? ".gz" : ""}`);
        const linked = measured.rewrite === undefined && (await symlink(file.path, scanPath).then(() => true, () => false));
        measuredPlans.push(linked ? { file, scanPath, ...(measured.lines !== undefined ? { lines: measured.lines } : {}) } : await this.#rewrite(file, index, limits, scanDir));
      } catch (error) {
        // The evidence file itself is missing or unreadable (removed from the case, a folder).
        setAside.push({ file, reason: `set aside whole: cannot read the evidence file (${ioReason(error)}); run case verify, and download it again if it is gone` });
      }
    }
    const typed = lineScanOnly ? [] : await this.#readTyped(measuredPlans, limits.maxLineBytes);
    const typedSet = new Set(typed);
    const plans = measuredPlans.filter((p) => !typedSet.has(p));
    try {
      await this.#readCsv(plans.map((p) => p.scanPath), limits.maxLineBytes);
      return { scanned: plans, typed, setAside, measured };
    } catch {
      // Slow path, only when a file still breaks the reader: find which, one at a time.
    }
    const scanned: ScanPlan[] = [];
    for (const plan of plans) {
      // The rewrite's file names are by the file's own index: another plan's may be in use.
      const index = files.indexOf(plan.file);
      let usable = plan;
      let failure = await this.#tryScan(usable, limits);
      if (failure !== undefined && usable.faultsPath === undefined) {
        try {
          usable = await this.#rewrite(plan.file, index, limits, scanDir);
          failure = await this.#tryScan(usable, limits);
        } catch (error) {
          failure = ioReason(error);
        }
      }
      if (failure === undefined) scanned.push(usable);
      else setAside.push({ file: plan.file, reason: `set aside whole: the line reader cannot read it (${failure.split("\n")[0]!.slice(0, 200)})` });
    }
    await this.#readCsv(scanned.map((p) => p.scanPath), limits.maxLineBytes);
    return { scanned, typed, setAside, measured };
  }

  /** The fast path (typed-read.ts) for the clean files whose blob name says their source; returns the plans it took. */
  async #readTyped(plans: ScanPlan[], maxLineBytes: number): Promise<ScanPlan[]> {
    const candidates = new Map<TypedCandidate, ScanPlan>();
    for (const plan of plans) {
      const source = sourceOfBlobName(plan.file.blob);
      if (plan.lines === undefined || plan.faultsPath !== undefined || source === undefined) continue;
      candidates.set({ blob: plan.file.blob, scanPath: plan.scanPath, lines: plan.lines, source }, plan);
    }
    if (candidates.size === 0) return [];
    const accepted = await readTypedRecords(this.connection, [...candidates.keys()], maxLineBytes, recordsTableName);
    return [...candidates].filter(([candidate]) => accepted.has(candidate)).map(([, plan]) => plan);
  }

  async #rewrite(file: EvidenceFile, index: number, limits: LineLimits, scanDir: string): Promise<ScanPlan> {
    const scanPath = join(scanDir, `${index}.rewritten.txt`);
    const faultsPath = join(scanDir, `${index}.faults.jsonl`);
    await rm(scanPath, { force: true });
    await rm(faultsPath, { force: true });
    let rewritten = await rewriteEvidence(file.path, scanPath, faultsPath, limits);
    if (rewritten.stop && !rewritten.limited) {
      // Damage: a gzip member followed by other bytes loses its last chunk to gunzip, so the
      // first member alone is tried too, and whichever keeps more lines is the salvage.
      const [memberPath, memberFaults] = [`${scanPath}.member`, `${faultsPath}.member`];
      await rm(memberPath, { force: true });
      await rm(memberFaults, { force: true });
      const member = await rewriteEvidence(file.path, memberPath, memberFaults, limits, { firstMemberOnly: true });
      if (member.lines > rewritten.lines) {
        await rename(memberPath, scanPath);
        await rename(memberFaults, faultsPath);
        rewritten = { ...member, stop: { line: member.limited ? member.stop!.line : member.lines + 1, reason: member.limited ? member.stop!.reason : rewritten.stop.reason, rawPrefix: null } };
      }
    }
    let stop = rewritten.stop;
    if (stop && file.damaged !== undefined && !rewritten.limited) stop = { ...stop, reason: `damaged file: ${file.damaged}`.slice(0, 300) };
    if (!stop && file.damaged !== undefined) stop = { line: rewritten.lines + 1, reason: `damaged file: ${file.damaged}`.slice(0, 300), rawPrefix: null };
    return { file, scanPath, faultsPath, ...(stop ? { stop } : {}), ...(rewritten.limited ? { limited: true } : {}) };
  }

  /** The scan error for one file alone, or undefined when it scans. */
  async #tryScan(plan: ScanPlan, limits: LineLimits): Promise<string | undefined> {
    try {
      await this.#readCsv([plan.scanPath], limits.maxLineBytes);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }

  /** Loads the rewrite's faults into `line_faults`. */
  async #readLineFaults(scanned: ScanPlan[]): Promise<void> {
    const c = this.connection;
    await c.run("CREATE OR REPLACE TEMP TABLE line_faults (file_index INTEGER, line BIGINT, reason VARCHAR, raw_prefix VARCHAR)");
    for (const [index, plan] of scanned.entries()) {
      if (plan.faultsPath === undefined) continue;
      await c.run(`INSERT INTO line_faults SELECT ${this.#offset + index}, line, reason, raw_prefix FROM read_json(${sqlString(plan.faultsPath)},
        format = 'newline_delimited', columns = {'line': 'BIGINT', 'reason': 'VARCHAR', 'raw_prefix': 'VARCHAR'})`);
    }
  }

  /** Keeps the first `cap` quarantine rows of each blob (by line); the rest are only counted. */
  async #capQuarantine(cap: number): Promise<void> {
    const c = this.connection;
    await c.run(`INSERT INTO quarantine_not_stored SELECT blob, count(*) - ${cap} FROM quarantine GROUP BY blob HAVING count(*) > ${cap}`);
    if ((await this.scalar("SELECT count(*) FROM quarantine_not_stored")) === 0) return;
    await c.run(`DELETE FROM quarantine WHERE rowid IN (
      SELECT rowid FROM quarantine QUALIFY row_number() OVER (PARTITION BY blob ORDER BY line) > ${cap})`);
  }

  async #readCsv(paths: string[], maxLineBytes: number): Promise<void> {
    const c = this.connection;
    for (const table of ["scan", "scan_rejects", "scan_reject_scans"]) await c.run(`DROP TABLE IF EXISTS ${table}`);
    if (paths.length === 0) {
      // Every file was set aside: empty tables of the reader's shapes keep the rest uniform.
      await c.run("CREATE TEMP TABLE scan (file_index UBIGINT, text VARCHAR)");
      await c.run("CREATE TEMP TABLE scan_rejects (scan_id UBIGINT, file_id UBIGINT, line UBIGINT, error_type VARCHAR, csv_line VARCHAR)");
      await c.run("CREATE TEMP TABLE scan_reject_scans (scan_id UBIGINT, file_id UBIGINT, file_path VARCHAR)");
      return;
    }
    const list = `[${paths.map((p) => sqlString(p)).join(", ")}]`;
    // One VARCHAR column per line: delimiter and quote are bytes valid JSON never contains raw.
    // No line reaches the reader longer than maxLineBytes (measured first), so none outgrows its buffer.
    await c.run(`CREATE TEMP TABLE scan AS SELECT file_index + ${this.#offset} AS file_index, line AS text FROM read_csv(${list},
      columns = {'line': 'VARCHAR'}, delim = chr(1), quote = '', escape = '', header = false, auto_detect = false,
      new_line = '\\n', max_line_size = ${maxLineBytes}, buffer_size = ${Math.max(maxLineBytes * 2, 32 << 20)},
      ignore_errors = true, store_rejects = true, rejects_table = 'scan_rejects', rejects_scan = 'scan_reject_scans', rejects_limit = 0)`);
  }

  #lineSql = "s.rowid - f.first_rowid + 1";
  /** File indexes of this load start here (after the files an earlier load kept). */
  #offset = 0;

  /** Line numbers from scan order, corrected for the lines the reader rejected (and quarantines those). */
  async #numberLines(maxLineBytes: number): Promise<void> {
    const c = this.connection;
    await c.run(`CREATE TEMP TABLE rejects AS
      SELECT DISTINCT ON (e.file_index, j.line) e.file_index, j.line AS rline,
        CASE j.error_type WHEN 'LINE SIZE OVER MAXIMUM' THEN 'line over the ' || ${maxLineBytes} || '-byte limit (--max-line-bytes)'
          WHEN 'INVALID ENCODING' THEN 'not valid UTF-8'
          WHEN 'TOO MANY COLUMNS' THEN 'not JSON (control character 0x01)'
          ELSE lower(j.error_type) END AS reason, left(j.csv_line, 200) AS raw_prefix
      FROM scan_rejects j JOIN scan_reject_scans s USING (scan_id, file_id) JOIN scan_paths e ON e.scan_path = s.file_path
      ORDER BY e.file_index, j.line`);
    await c.run(`INSERT INTO quarantine SELECT e.blob, r.rline, r.reason, r.raw_prefix FROM rejects r JOIN evidence_files e USING (file_index)`);
    // Scan order is file order (insertion order is preserved), so a line's number is its rowid
    // minus its file's first rowid, plus one; only this small per-file table is materialized.
    await c.run("CREATE TEMP TABLE scan_files AS SELECT file_index, min(rowid) AS first_rowid FROM scan GROUP BY file_index");
    const rejected = await this.scalar("SELECT count(*) FROM rejects");
    // The k-th kept line of a file is line k plus the rejected lines that came before it.
    this.#lineSql =
      rejected === 0
        ? "s.rowid - f.first_rowid + 1"
        : `s.rowid - f.first_rowid + 1 + (SELECT count(*) FROM (SELECT file_index, rline - row_number() OVER (PARTITION BY file_index ORDER BY rline) AS kept_before FROM rejects) g
             WHERE g.file_index = s.file_index AND g.kept_before < s.rowid - f.first_rowid + 1)`;
  }

  /** One number from a query. */
  async scalar(sql: string): Promise<number> {
    const result = await this.connection.runAndReadAll(sql);
    return Number(result.getRows()[0]?.[0] ?? 0);
  }

  /** Another connection to the same database, for work beside the main one (the timeline's two files); the caller closes it. */
  async connect(): Promise<DuckDBConnection> {
    const connection = await this.#instance.connect();
    await connection.run("SET TimeZone = 'UTC'");
    return connection;
  }

  /** Closes the database (flushes case.duckdb). */
  close(): void {
    this.connection.closeSync();
    this.#instance.closeSync();
  }
}

/**
 * Bumped whenever the load's own logic changes in a way the SQL below does not show (the scan,
 * the rewrite of odd files, the accounting): an older case is then rebuilt, never appended to.
 */
const LOAD_LOGIC_VERSION = 3;

/**
 * What must be the same for an earlier load to be appended to: the loader, the SQL that reads
 * and normalizes records, and every setting that decides which lines become what.
 */
function loadKey(options: LoadOptions): string {
  const sql = createHash("sha256").update([recordStructureLiteral(), sourceSql(), variantSql(), invalidSql(), allEventsSql(), eventsTableDdl()].join("\n")).digest("hex");
  return JSON.stringify({
    logic: LOAD_LOGIC_VERSION,
    loader: options.loaderVersion ?? null,
    sql,
    maxLineBytes: options.maxLineBytes,
    limits: { ...DEFAULT_BLOB_LIMITS, ...options.limits },
    since: options.since?.toISOString() ?? null,
    until: options.until?.toISOString() ?? null,
    containerUser: options.containerUser ?? null,
  });
}

/** A file error's code (ENOENT, EISDIR, ...) or first message line, without the path. */
function ioReason(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown };
  return typeof e?.code === "string" ? e.code : String(e?.message ?? error).split("\n")[0]!.slice(0, 200);
}
