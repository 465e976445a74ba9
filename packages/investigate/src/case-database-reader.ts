/**
 * A case's `case.duckdb` opened read-only, for everything that reads a finished case (`oclog sql`,
 * `oclog ingest`): no query can change the evidence tables, and times read back in UTC.
 */
import { access } from "node:fs/promises";
import { join } from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { UsageError } from "@oclog/errors";

/** An open read-only case database; `close()` releases it. */
export interface CaseDatabaseReader {
  path: string;
  connection: DuckDBConnection;
  close(): void;
}

/** Opens `<caseDir>/case.duckdb` read-only, with a usage error when the folder holds no case. */
export async function openCaseReadOnly(caseDir: string): Promise<CaseDatabaseReader> {
  const path = join(caseDir, "case.duckdb");
  try {
    await access(path);
  } catch {
    throw new UsageError(`no case database at ${JSON.stringify(path)}`, { hint: "pass a case folder that `oclog investigate` made (it prints the path)" });
  }
  const instance = await DuckDBInstance.create(path, { access_mode: "READ_ONLY" });
  const connection = await instance.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
  } catch (error) {
    connection.closeSync();
    instance.closeSync();
    throw error;
  }
  return {
    path,
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
