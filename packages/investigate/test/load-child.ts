// One CaseDatabase load in its own process, for incremental-load.test.ts's kill test. Given a job file
// ({ dbPath, files, options, killAt }), it loads; with killAt = n it sends itself SIGKILL just
// after the load's nth statement was handed to DuckDB (so the statement is running or just done:
// a crash with no cleanup, no checkpoint, no close). Run whole, it prints the statements the load ran (each cut short).
import { readFileSync } from "node:fs";
import { DuckDBConnection } from "@duckdb/node-api";
import { CaseDatabase, type EvidenceFile, type LoadOptions } from "../src/index.js";

interface Job {
  dbPath: string;
  files: EvidenceFile[];
  options: Omit<LoadOptions, "since"> & { since?: string };
  killAt: number;
}
const job = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as Job;

let counting = false;
const sql: string[] = [];
const run = DuckDBConnection.prototype.run;
DuckDBConnection.prototype.run = function (this: DuckDBConnection, ...args: Parameters<typeof run>) {
  const running = run.apply(this, args);
  if (!counting) return running;
  sql.push(String(args[0]).replace(/\s+/g, " ").slice(0, 100));
  if (sql.length === job.killAt) setImmediate(() => process.kill(process.pid, "SIGKILL"));
  return running;
};

const db = await CaseDatabase.open(job.dbPath);
counting = true;
const { since, ...rest } = job.options;
const result = await db.load(job.files, { ...rest, ...(since !== undefined ? { since: new Date(since) } : {}) });
counting = false;
db.close();
process.stdout.write(`${JSON.stringify({ sql, mode: result.mode })}\n`);
