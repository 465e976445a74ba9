/**
 * `oclog sql <case> "<query>"`: ad-hoc questions against a case database. Three walls keep it
 * read-only: the database is opened read-only and sandboxed (no file outside it, no extension,
 * locked settings; see case-database-reader.ts), exactly one statement is accepted, and DuckDB's
 * own parser must call it a query (SELECT, FROM, WITH, VALUES, DESCRIBE, SHOW, SUMMARIZE).
 */
import { StatementType, type DuckDBConnection, type DuckDBPreparedStatement } from "@duckdb/node-api";
import { OclogError } from "@oclog/errors";
import { openCaseReadOnly } from "./case-database-reader.js";

export interface SqlResult {
  columns: string[];
  rows: Record<string, unknown>[];
  /** True when the query had more rows than `maxRows`; the rest were never read. */
  truncated: boolean;
}

const HINT = "Tables: events, records, quarantine, evidence_files. Try: SELECT category, count(*) FROM events GROUP BY 1";

/** Why a statement is refused: `oclog sql` answers questions, it never changes or exports anything. */
export class SqlRefusedError extends OclogError {
  constructor(message: string, context: Record<string, unknown>) {
    super("E_SQL_REFUSED", message, {
      exitCode: 2,
      hint: "oclog sql runs one read-only query (SELECT/FROM/WITH/DESCRIBE/SHOW) against the case and nothing else; to export, use the case's timeline.csv or open a copy of case.duckdb in your own DuckDB",
      context,
    });
  }
}

const statementName = (type: number): string => (StatementType as unknown as Record<number, string>)[type] ?? `type ${type}`;

/** Parses `sql` with DuckDB and returns it prepared, or refuses it: one statement, and a query. */
async function prepareQuery(connection: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
  let extracted;
  try {
    extracted = await connection.extractStatements(sql);
  } catch (error) {
    // The binding reports text without any statement (empty, only comments) as a bare native error.
    if ((error as Error).message === "Error in native callback") {
      throw new SqlRefusedError("oclog sql runs exactly one statement; this text holds none", { statements: 0 });
    }
    throw error;
  }
  if (extracted.count !== 1) {
    throw new SqlRefusedError(`oclog sql runs exactly one statement; this text holds ${extracted.count}`, { statements: extracted.count });
  }
  const prepared = await extracted.prepare(0);
  if (prepared.statementType !== StatementType.SELECT) {
    const kind = statementName(prepared.statementType);
    prepared.destroySync();
    throw new SqlRefusedError(`oclog sql is read-only: it refuses ${kind} statements, only queries run`, { statementType: kind });
  }
  return prepared;
}

/** A typed error for anything a query ran into; the sandbox's own refusals say so. */
function asSqlError(error: unknown): OclogError {
  if (error instanceof OclogError) return error;
  const reason = (error as Error).message;
  // Some table functions (sniff_csv) only meet the sandbox when they run, others when prepared.
  if (/^Permission Error/.test(reason)) {
    return new SqlRefusedError(`oclog sql refuses to reach outside the case database: ${reason}`, { refusedBy: "duckdb sandbox" });
  }
  return new OclogError("E_SQL", `query failed: ${reason}`, { exitCode: 2, hint: HINT });
}

/** Runs one query against `<caseDir>/case.duckdb` (read-only, sandboxed) and returns at most `maxRows` JSON-safe rows. */
export async function runCaseQuery(caseDir: string, sql: string, options: { maxRows?: number } = {}): Promise<SqlResult> {
  const { connection, close } = await openCaseReadOnly(caseDir);
  try {
    let prepared: DuckDBPreparedStatement;
    try {
      prepared = await prepareQuery(connection, sql);
    } catch (error) {
      throw asSqlError(error);
    }
    try {
      const max = options.maxRows ?? Number.POSITIVE_INFINITY;
      if (Number.isFinite(max)) {
        // Streamed, so only the chunks up to maxRows + 1 are ever produced (the +1 tells truncation).
        const streamed = await prepared.streamAndReadUntil(max + 1);
        if (streamed.currentRowCount > max) {
          const rows = streamed.getRowObjectsJson().slice(0, max) as Record<string, unknown>[];
          return { columns: streamed.columnNames(), rows, truncated: true };
        }
        // @duckdb/node-api 1.5 ends a stream silently when the query fails midway (measured: an
        // error() at row 200000 gave 71680 rows and no error). A stream that ended short may be such
        // a failure, so the query, now known to be small, runs again materialized, which does throw.
      }
      const reader = await prepared.runAndReadAll();
      const rows = reader.getRowObjectsJson() as Record<string, unknown>[];
      return { columns: reader.columnNames(), rows: rows.slice(0, max), truncated: rows.length > max };
    } catch (error) {
      throw asSqlError(error);
    } finally {
      prepared.destroySync();
    }
  } finally {
    close();
  }
}
