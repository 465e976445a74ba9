// A case made before sessions were case data has no `sessions` / `session_steps` tables: asking it
// for sessions is a usage error that says to re-run `oclog investigate`, not an empty list (which
// would read as "no agent activity").
import test from "ava";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { ExitCode } from "@oclog/errors";
import { NoSessionTablesError } from "../src/replay/replay-errors.js";
import { readCaseSessionReplay, readCaseSessions } from "../src/replay/session-case.js";

test("a case without session tables says to re-run oclog investigate (exit 2)", async (t) => {
  const caseDir = mkdtempSync(join(tmpdir(), "oclog-old-case-"));
  const instance = await DuckDBInstance.create(join(caseDir, "case.duckdb"));
  const connection = await instance.connect();
  await connection.run("CREATE TABLE events (time TIMESTAMPTZ, message VARCHAR)");
  connection.closeSync();
  instance.closeSync();
  for (const read of [() => readCaseSessions(caseDir), () => readCaseSessionReplay(caseDir, "any")]) {
    const error = await t.throwsAsync(read, { instanceOf: NoSessionTablesError });
    t.is(error.exitCode, ExitCode.usage);
    t.regex(error.message, /has no session tables \(it was made by an older oclog\)/);
    t.regex(error.hint ?? "", /re-run `oclog investigate`/);
  }
});
