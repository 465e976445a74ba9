/**
 * A case's `case.duckdb` opened read-only and sandboxed, for everything that reads a finished case
 * (`oclog sql`, `oclog ingest`): no query can change the evidence tables, touch any other file on
 * the host (`read_text`, `COPY ... TO`, `ATTACH`), load an extension or undo those settings, and
 * times read back in UTC.
 */
import { lstat } from "node:fs/promises";
import { join } from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { UsageError } from "@oclog/errors";
import { CaseSymlinkError } from "./case-errors.js";

/** An open read-only case database; `close()` releases it. */
export interface CaseDatabaseReader {
  path: string;
  connection: DuckDBConnection;
  close(): void;
}

/**
 * The instance settings of a reader. External access off is what closes the host's files (and
 * other cases) to a query; autoload/autoinstall off keeps extensions out. The configuration is
 * locked once the time zone is set, so `SET enable_external_access = true` fails.
 */
const SANDBOX = {
  access_mode: "READ_ONLY",
  enable_external_access: "false",
  autoload_known_extensions: "false",
  autoinstall_known_extensions: "false",
  allow_community_extensions: "false",
  allow_unsigned_extensions: "false",
} as const;

/** Opens `<caseDir>/case.duckdb` read-only and sandboxed, with a usage error when the folder holds no case. */
export async function openCaseReadOnly(caseDir: string): Promise<CaseDatabaseReader> {
  const path = join(caseDir, "case.duckdb");
  let isLink: boolean;
  try {
    isLink = (await lstat(path)).isSymbolicLink();
  } catch {
    throw new UsageError(`no case database at ${JSON.stringify(path)}`, { hint: "pass a case folder that `oclog investigate` made (it prints the path)" });
  }
  if (isLink) {
    // A link would let a case folder point a reader at any database on the host.
    throw new CaseSymlinkError(caseDir, ["case.duckdb"]);
  }
  const instance = await DuckDBInstance.create(path, SANDBOX);
  const connection = await instance.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
    await connection.run("SET lock_configuration = true");
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
