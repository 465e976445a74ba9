/** Whether a case database holds a table: the optional tables (sessions, steps, state) are asked this. */
import type { DuckDBConnection } from "@duckdb/node-api";
import { sqlString } from "@oclog/schema";

/** True when `name` is a table of the database (temporary tables not counted). */
export async function tableExists(connection: DuckDBConnection, name: string): Promise<boolean> {
  const result = await connection.runAndReadAll(`SELECT count(*) FROM duckdb_tables() WHERE table_name = ${sqlString(name)} AND NOT temporary`);
  return Number(result.getRows()[0]?.[0] ?? 0) > 0;
}

/** The first column of the first row of `sql`, as a number (a count, mostly). */
export async function queryNumber(connection: DuckDBConnection, sql: string): Promise<number> {
  return Number((await connection.runAndReadAll(sql)).getRows()[0]?.[0] ?? 0);
}
