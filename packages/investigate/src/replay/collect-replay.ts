/**
 * Everything the reports need to replay a case's sessions, gathered once detections ran: findings
 * pinned to their steps (written to `finding_steps`), the cross-source strips, the sessions worst
 * first, their steps within the report's budget, and the incident story.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { Finding } from "../detect/finding.js";
import { stepSourceDisagreements } from "../load/session-steps.js";
import { crossSourceStrips } from "./cross-source.js";
import { pinFindings } from "./finding-steps.js";
import { buildIncidentStory } from "./incident-story.js";
import { readSessions, readStepsOf } from "./replay-data.js";
import type { ReplayData } from "./replay-types.js";

/**
 * Steps a report embeds, in whole sessions, worst first: enough for every session with a finding
 * and thousands without, while the page stays a few MB. The rest replay with `oclog session`.
 */
export const REPORT_STEP_BUDGET = 20_000;

/** Pins, strips, sessions, steps and the story for `findings` (in report order). */
export async function collectReplay(connection: DuckDBConnection, findings: readonly Finding[], options: { stepBudget?: number } = {}): Promise<ReplayData> {
  const pins = await pinFindings(connection, findings);
  const strips = await crossSourceStrips(connection, findings, pins);
  const sessions = await readSessions(connection);
  const { steps, omitted } = await readStepsOf(connection, sessions.map((s) => s.sessionId), options.stepBudget ?? REPORT_STEP_BUDGET);
  const story = buildIncidentStory({ findings, sessions, pins, steps, strips });
  // The transcript and the gateway's own trace should name the same calls; say where they do not.
  for (const d of await stepSourceDisagreements(connection)) {
    story.uncertain.push({
      text: `Run ${d.runId}: the transcript and the gateway log disagree on its tool calls (only in the transcript: ${d.onlyTranscript.join(", ") || "none"}; only in the gateway log: ${d.onlyGateway.join(", ") || "none"}); a transcript may have been edited or partly lost.`,
      ref: null,
    });
  }
  return { sessions, steps, omittedSessions: omitted, pins, story, strips };
}
