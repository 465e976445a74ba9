// One analysis in its own process, for analysis.test.ts's kill test. Given a job file
// ({ dbPath, caseDir }), it opens the loaded case and runs the detections and reports; it sends
// itself SIGKILL as soon as a COPY into a timeline file has finished, before that file is renamed
// into place (the export's other COPY may still be running): a crash with no cleanup or close.
import { readFileSync } from "node:fs";
import { DuckDBConnection } from "@duckdb/node-api";
import { CaseDatabase } from "../src/index.js";
import { detectAndReport } from "../src/analysis.js";
import type { AnalysisContext } from "../src/investigation.js";

const job = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as { dbPath: string; caseDir: string; ctx: Omit<AnalysisContext, "load"> & { load: AnalysisContext["load"] } };
const run = DuckDBConnection.prototype.run;
DuckDBConnection.prototype.run = function (this: DuckDBConnection, ...args: Parameters<typeof run>) {
  const running = run.apply(this, args);
  if (/^COPY .* TO '.*timeline\.(jsonl|csv)\.tmp-/.test(String(args[0]))) {
    void running.then(() => {
      process.stdout.write("copied\n");
      process.kill(process.pid, "SIGKILL");
    });
  }
  return running;
};
const db = await CaseDatabase.open(job.dbPath);
await detectAndReport({ oclogVersion: "test", tz: "UTC" }).run(db, job.ctx);
process.stdout.write("finished\n");
