/**
 * The load's fast path. A clean evidence file whose blob name says its source (Fluent Bit names
 * each blob after its tag, `openclaw.gateway/...`) is read by DuckDB's `read_json` with that
 * source's fields only, typed, and goes straight into its source's records table: no line
 * scan, no parse of every line into every source's fields (at 1 GB of logs: about 6 s against 11 s).
 *
 * A file is accepted only when the read shows it is exactly what the line scan would have made
 * of it, so the fast path never decides anything the line scan would decide differently:
 * - one row per line: `read_json` skips blank lines without a word, so its row count must equal
 *   the line count measured when the file was added;
 * - every record names, in its envelope, the source its blob name says;
 * - every record is valid.
 * Anything else (a read error: not an object, a duplicate key, bad UTF-8, a value the structure
 * cannot take; a count that differs; a record of another source; an invalid record) sends the
 * whole file to the line scan, which quarantines line by line, with the reason.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { duckdbType, invalidSql, LOG_SOURCES, ownFieldsSql, sourceFieldsSql, sourceSql, sourceStructure, sqlIdentifier, sqlString, variantSql, type SourceName } from "@oclog/schema";

/** A file that may take the fast path. */
export interface TypedCandidate {
  blob: string;
  /** The path DuckDB reads (its name ends in .gz when the content is gzip). */
  scanPath: string;
  /** Lines measured when the file was added (blank ones included). */
  lines: number;
  source: SourceName;
}

const PATH_COLUMN = "oclog_typed_path";

/**
 * The source a Fluent Bit blob name says, if it names one: the tag's folder (`.../openclaw.gateway/...`,
 * Fluent Bit 5) or the file name (`openclaw.gateway.<id>.<ms>.gz`, Fluent Bit 4). Only a guess:
 * the read checks every record's own envelope.
 */
export function sourceOfBlobName(blob: string): SourceName | undefined {
  const tag = /(?:^|\/)openclaw\.([a-z0-9_-]+)(?:\/|\.[A-Za-z0-9]+\.[0-9]+\.gz$)/.exec(blob)?.[1];
  return LOG_SOURCES.find((s) => s.pipelineName === tag)?.name;
}

/**
 * Reads the candidates into their source's table `into(source)` (which must exist, empty of their
 * blobs; columns blob, line, r, source, variant, reason, raw_prefix), one `read_json` per source;
 * returns the candidates accepted. The rows of a file not accepted are removed again.
 */
export async function readTypedRecords(connection: DuckDBConnection, candidates: TypedCandidate[], maxLineBytes: number, into: (source: SourceName) => string): Promise<Set<TypedCandidate>> {
  const accepted = new Set<TypedCandidate>();
  for (const source of new Set(candidates.map((c) => c.source))) {
    const group = candidates.filter((c) => c.source === source);
    for (const file of await readSource(connection, source, group, maxLineBytes, sqlIdentifier(into(source)))) accepted.add(file);
  }
  return accepted;
}

async function readSource(c: DuckDBConnection, source: SourceName, group: TypedCandidate[], maxLineBytes: number, table: string): Promise<TypedCandidate[]> {
  const structure = sourceStructure(source);
  const columns = Object.entries(structure).map(([name, type]) => `${sqlString(name)}: ${sqlString(duckdbType(type))}`);
  await c.run(`CREATE OR REPLACE TEMP TABLE typed_read (${Object.entries(structure).map(([name, type]) => `${sqlIdentifier(name)} ${duckdbType(type)}`).join(", ")}, ${PATH_COLUMN} VARCHAR)`);
  const read = (files: TypedCandidate[]) =>
    c.run(`INSERT INTO typed_read BY NAME SELECT * FROM read_json([${files.map((f) => sqlString(f.scanPath)).join(", ")}], format = 'newline_delimited',
      columns = {${columns.join(", ")}}, filename = ${sqlString(PATH_COLUMN)}, maximum_object_size = ${maxLineBytes + 1})`);
  let readable = group;
  try {
    await read(group);
  } catch {
    // Some file does not read as records of this source: find which, one at a time (rare).
    readable = [];
    for (const file of group) {
      if (await read([file]).then(() => true, () => false)) readable.push(file);
    }
  }
  try {
    if (readable.length === 0) return [];
    await c.run(`CREATE OR REPLACE TEMP TABLE typed_files AS SELECT * FROM (VALUES ${readable.map((f) => `(${sqlString(f.scanPath)}, ${sqlString(f.blob)}, ${f.lines})`).join(", ")}) t(path, blob, lines)`);
    await c.run(`CREATE OR REPLACE TEMP TABLE typed_counts AS SELECT ${PATH_COLUMN} AS path, min(rowid) AS first_rowid, count(*) AS rows FROM typed_read GROUP BY ALL`);
    // `reason` is only a marker here: a file with any marked row goes to the line scan.
    // Classified on the whole record structure (the checks read any source's fields), stored with
    // the source's own fields only.
    await c.run(`INSERT INTO ${table} SELECT blob, line, ${sourceFieldsSql(source, (name) => `r.${sqlIdentifier(name)}`)}, source, variant,
        CASE WHEN r.oclog_source IS NULL OR source IS DISTINCT FROM ${sqlString(source)} THEN 'other source'
             WHEN r.oclog_invalid IS NOT NULL THEN 'marked invalid' ELSE ${invalidSql()} END, NULL
      FROM (SELECT *, ${variantSql()} AS variant FROM (SELECT *, ${sourceSql()} AS source FROM (
        SELECT f.blob, t.rowid - n.first_rowid + 1 AS line, ${ownFieldsSql(source, (name) => `t.${sqlIdentifier(name)}`)} AS r
        FROM typed_read t JOIN typed_counts n ON n.path = t.${PATH_COLUMN} JOIN typed_files f ON f.path = t.${PATH_COLUMN})))`);
    const refused = new Set(
      (
        await c.runAndReadAll(`SELECT DISTINCT blob FROM ${table} WHERE reason IS NOT NULL AND blob IN (SELECT blob FROM typed_files)
          UNION SELECT f.blob FROM typed_files f LEFT JOIN typed_counts n USING (path) WHERE coalesce(n.rows, 0) <> f.lines`)
      )
        .getRows()
        .map((row) => String(row[0])),
    );
    if (refused.size > 0) await c.run(`DELETE FROM ${table} WHERE blob IN (${[...refused].map(sqlString).join(", ")})`);
    return readable.filter((f) => !refused.has(f.blob));
  } finally {
    for (const table of ["typed_read", "typed_files", "typed_counts"]) await c.run(`DROP TABLE IF EXISTS ${table}`);
  }
}

