/**
 * `oclog sql <case> "<query>"`: ad-hoc questions against a case database, opened read-only so
 * a query cannot change the evidence tables.
 */
import { OclogError } from "@oclog/errors";
import { openCaseReadOnly } from "./case-database-reader.js";

export interface SqlResult {
  columns: string[];
  rows: Record<string, unknown>[];
}

/** Runs one query against `<caseDir>/case.duckdb` (read-only) and returns JSON-safe rows. */
export async function runCaseQuery(caseDir: string, sql: string, options: { maxRows?: number } = {}): Promise<SqlResult> {
  const { connection, close } = await openCaseReadOnly(caseDir);
  try {
    const reader = await connection.runAndReadAll(sql);
    const rows = reader.getRowObjectsJson() as Record<string, unknown>[];
    return { columns: reader.columnNames(), rows: rows.slice(0, options.maxRows ?? rows.length) };
  } catch (error) {
    throw new OclogError("E_SQL", `query failed: ${(error as Error).message}`, {
      exitCode: 2,
      hint: "Tables: events, records, quarantine, evidence_files. Try: SELECT category, count(*) FROM events GROUP BY 1",
    });
  } finally {
    close();
  }
}
