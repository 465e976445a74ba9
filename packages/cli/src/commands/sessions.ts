import { readCaseSessionReplay, readCaseSessions, renderSessionList, renderSessionReplay, severityRank, type Severity } from "@oclog/investigate";
import type { Output } from "../output.js";

// --json keeps the values exact, as the case holds them (like `oclog investigate --format json`):
// JSON.stringify escapes C0 controls and the output sink shows the rest (ESC, C1, bidi) as `\uXXXX`,
// which is still valid JSON for the same character, so nothing in them reaches a terminal raw.

/** `oclog sessions`: the case's sessions worst first, as a table or one JSON array. */
export async function sessionsCommand(caseDir: string, options: { json: boolean; severity?: Severity | undefined }, output: Output): Promise<void> {
  const min = options.severity;
  const all = await readCaseSessions(caseDir);
  const sessions = all.filter((s) => min === undefined || (s.worst !== null && severityRank(s.worst) >= severityRank(min)));
  if (options.json) output.out(JSON.stringify(sessions));
  else if (sessions.length === 0 && all.length > 0) output.out(`No session has a finding of severity ${min} or worse (${all.length} in the case; drop --severity to list them).`);
  else output.out(renderSessionList(sessions));
}

/** `oclog session`: one session replayed step by step, as text or one JSON document. */
export async function sessionCommand(caseDir: string, sessionId: string, options: { json: boolean }, output: Output): Promise<void> {
  const replay = await readCaseSessionReplay(caseDir, sessionId);
  output.out(options.json ? JSON.stringify(replay) : renderSessionReplay(replay));
}
