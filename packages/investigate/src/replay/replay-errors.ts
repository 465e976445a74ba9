/**
 * The typed errors of replaying a case's sessions (`oclog sessions`, `oclog session`): both are
 * the user's request meeting a case that cannot answer it, so both exit 2 with a hint saying
 * which command can.
 */
import { UsageError } from "@oclog/errors";

/** The case predates session tables: only a fresh `oclog investigate` run builds them. */
export class NoSessionTablesError extends UsageError {
  constructor(caseDir: string) {
    super(`case ${JSON.stringify(caseDir)} has no session tables (it was made by an older oclog)`, {
      hint: `re-run \`oclog investigate\` with --case-dir ${JSON.stringify(caseDir)}: it keeps the evidence and rebuilds the database with sessions`,
      context: { caseDir },
    });
  }
}

/** No session of the case has this id (a typo, or an id from another case). */
export class UnknownSessionError extends UsageError {
  constructor(caseDir: string, sessionId: string) {
    // The id is what the user typed; JSON.stringify shows any control in it as an escape.
    super(`case ${JSON.stringify(caseDir)} has no session ${JSON.stringify(sessionId)}`, {
      hint: `run \`oclog sessions ${caseDir}\` to list the session ids of this case`,
      context: { caseDir, sessionId },
    });
  }
}
