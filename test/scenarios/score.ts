/**
 * Holds `oclog investigate` to account: a scenario's blobs go into their own Azurite container
 * (`oclog-<user>`), the real investigation runs over them, and its findings are compared with
 * what the scenario file expects. An attack passes when every expected detection fired at (at
 * least) its expected severity; a benign run passes when nothing fired at medium or above.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runInvestigation, Sensitive, severityRank, type Finding, type ReportData, type Severity } from "@oclog/investigate";
import { uploadDirectory } from "@oclog/test-kit/azurite";
import { replayProblems } from "./replay-check.js";
import type { Scenario } from "./scenario-spec.js";
import { writeBlobs, type ShippedBlob } from "./ship.js";

/** A detection's file stem (`queries/detections/<stem>.yml`). */
export const stemOf = (finding: Finding) => finding.detection.file.replace(/^.*\//, "").replace(/\.yml$/, "");

/** The user (and so the container) a scenario's records belong to. */
export const scenarioUser = (scenario: Pick<Scenario, "name">) => `sc-${scenario.name}`.slice(0, 40);

/** The host name of the scenario's VM (the envelope's `oclog_host`). */
export const scenarioHost = (scenario: Pick<Scenario, "name">) => `vm-${scenario.name}`.slice(0, 40);

export interface ScenarioScore {
  scenario: string;
  kind: Scenario["kind"];
  /** Detection stem -> the severity it fired at. */
  fired: Record<string, Severity>;
  /** Expected detections that did not fire at their severity. */
  missed: { detection: string; severity: Severity; fired: Severity | null }[];
  /** For benign runs: findings at medium or above. */
  falsePositives: { detection: string; severity: Severity }[];
  /** Live runs: requests the fake internet should have received and did not (the attack did not happen). */
  missingRequests: { method: string; url: string; bodyIncludes?: string | undefined }[];
  pass: boolean;
  records: number;
  quarantined: number;
  /** What is wrong with the replay of the scenario's sessions (replay-check.ts); empty when it holds. */
  replayProblems: string[];
}

/** Uploads the blobs to `connectionString`'s container for the scenario and investigates it. */
export async function investigateScenario(scenario: Scenario, blobs: ShippedBlob[], connectionString: string): Promise<{ findings: Finding[]; records: number; quarantined: number; replay: ReportData["replay"] }> {
  const work = mkdtempSync(join(tmpdir(), `oclog-scenario-case-${scenario.name}-`));
  try {
    const user = scenarioUser(scenario);
    writeBlobs(join(work, "blobs"), blobs);
    await uploadDirectory(connectionString, `oclog-${user}`, join(work, "blobs"));
    const result = await runInvestigation({
      user,
      connectionString: new Sensitive(connectionString),
      caseDir: join(work, "case"),
      // Scenario records may be re-timed into the future (a silence); look at everything.
      since: "1970-01-01T00:00:00Z",
      oclogVersion: "scenarios",
    });
    return { findings: result.report.findings, records: result.load.records, quarantined: result.load.quarantined, replay: result.report.replay };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Compares findings with the scenario's expectations. */
export function scoreScenario(
  scenario: Scenario,
  outcome: { findings: Finding[]; records: number; quarantined: number; replay?: ReportData["replay"] },
  internetRequests?: { method: string; url: string; body: string }[],
): ScenarioScore {
  const fired: Record<string, Severity> = {};
  for (const f of outcome.findings) fired[stemOf(f)] = f.detection.severity;
  const missed = scenario.expect
    .filter((e) => fired[e.detection] === undefined || severityRank(fired[e.detection]!) < severityRank(e.severity))
    .map((e) => ({ ...e, fired: fired[e.detection] ?? null }));
  const falsePositives = scenario.kind === "benign"
    ? Object.entries(fired).filter(([, s]) => severityRank(s) >= severityRank("medium")).map(([detection, severity]) => ({ detection, severity }))
    : [];
  const missingRequests = internetRequests === undefined
    ? []
    : scenario.expectRequests.filter((want) => !internetRequests.some((r) => r.method === want.method && r.url === want.url && (want.bodyIncludes === undefined || r.body.includes(want.bodyIncludes))));
  const pass = missed.length === 0 && falsePositives.length === 0 && missingRequests.length === 0;
  const replay = replayProblems(scenario, outcome.findings, outcome.replay);
  return { scenario: scenario.name, kind: scenario.kind, fired, missed, falsePositives, missingRequests, pass, records: outcome.records, quarantined: outcome.quarantined, replayProblems: replay };
}
