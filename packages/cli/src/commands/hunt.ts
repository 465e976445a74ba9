/** `oclog hunt`: the detections' KQL twins over a Log Analytics workspace, findings per user. */
import type { TokenCredential } from "@azure/identity";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ExitCode, ExitError, OclogError, UsageError, type ExitCodeValue } from "@oclog/errors";
import { KQL_DIR, LogsClient, NO_USER, kqlBind, loadKqlDetections, runHunt, type HuntResult, type KqlDetection } from "@oclog/hunt";
import { parseTimeWindow, severityRank, validateUserId, type Severity } from "@oclog/investigate";
import { terminalSafe, type Output } from "../output.js";
import { investigateCommand } from "./investigate.js";

export interface HuntFlags {
  workspace?: string;
  detection: string[];
  all?: boolean;
  since: string;
  until?: string;
  users?: string;
  json?: boolean;
  dryRun?: boolean;
  thenInvestigate?: boolean;
  failOn?: Severity;
  concurrency: number;
  timeout: number;
  endpoint?: string;
  caFile?: string;
  accountUrl?: string;
  containerTemplate?: string;
  casesDir?: string;
  kqlDir?: string;
}

/** For tests: a credential instead of the caller's Azure login, and a clock. */
export interface HuntDeps {
  credential?: TokenCredential;
  now?: Date;
}

const WORKSPACE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function selectDetections(all: KqlDetection[], flags: HuntFlags): KqlDetection[] {
  const wanted = flags.detection.flatMap((d) => d.split(",")).map((d) => d.trim()).filter(Boolean);
  if (flags.all && wanted.length > 0) throw new UsageError("give either --all or --detection, not both");
  if (flags.all) return all;
  if (wanted.length === 0) throw new UsageError("no detection chosen", { hint: "pass --all, or --detection <id or file name> (repeatable); `oclog hunt --dry-run --all` lists them" });
  const unknown = wanted.filter((w) => !all.some((d) => d.id === w || d.stem === w));
  if (unknown.length > 0) {
    throw new UsageError(`unknown detection${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`, { hint: `the rules and their KQL twins are in ${KQL_DIR}; use a rule file name without .yml, or the rule id` });
  }
  return all.filter((d) => wanted.includes(d.id) || wanted.includes(d.stem));
}

function parseUsers(text: string | undefined): string[] {
  if (text === undefined) return [];
  const users = text.split(",").map((u) => u.trim()).filter(Boolean);
  for (const user of users) validateUserId(user);
  return [...new Set(users)];
}

/** `oclog hunt`: flags in, findings per user (or the exact KQL, with --dry-run) out. */
export async function huntCommand(flags: HuntFlags, output: Output, deps: HuntDeps = {}): Promise<void> {
  const now = deps.now ?? new Date();
  const window = parseTimeWindow({ since: flags.since, until: flags.until, now });
  const since = window.since!;
  const until = window.until ?? now;
  const users = parseUsers(flags.users);
  if (!flags.dryRun) {
    if (flags.workspace === undefined) throw new UsageError("--workspace is required", { hint: "the workspace id is a GUID: Log Analytics workspace > Overview > Workspace ID (or use --dry-run to see the KQL)" });
    if (!WORKSPACE_ID.test(flags.workspace)) throw new UsageError(`--workspace ${JSON.stringify(flags.workspace)} is not a workspace id`, { hint: "it is a GUID: Log Analytics workspace > Overview > Workspace ID (not the workspace name)" });
  }

  const loaded = await loadKqlDetections(flags.kqlDir);
  for (const error of loaded.errors) output.err(`hunt: skipped ${error.file}: ${error.reason}`);
  // A hunt with no rule asks nothing: an empty answer would read as a clean fleet.
  if (loaded.detections.length === 0) {
    throw new OclogError("E_NO_DETECTIONS", `no detection with a KQL twin could be loaded from ${flags.kqlDir ?? KQL_DIR}`, { hint: "the rules ship in oclog's queries/detections folder: reinstall oclog, or restore that folder" });
  }
  const chosen = selectDetections(loaded.detections, flags);
  const bound = chosen.map((d) => ({ detection: d, query: kqlBind(d.body, { since, until, users }) }));

  if (flags.dryRun) {
    if (flags.json) {
      output.out(JSON.stringify(bound.map(({ detection: d, query }) => ({ id: d.id, stem: d.stem, title: d.meta.title, severity: d.meta.severity, timespan: { start: since.toISOString(), end: until.toISOString() }, query })), null, 2));
    } else {
      for (const { detection: d, query } of bound) output.out(`// ${d.stem}: ${d.meta.title} (${d.meta.severity})\n${query}\n`);
    }
    return;
  }

  const credential = deps.credential ?? new (await import("@azure/identity")).DefaultAzureCredential();
  const client = new LogsClient({ credential, ...(flags.endpoint ? { endpoint: flags.endpoint } : {}), ...(flags.caFile ? { extraCa: readFileSync(flags.caFile, "utf8") } : {}) });
  const progress = !flags.json;
  if (progress) output.err(`hunt: ${bound.length} detection${bound.length === 1 ? "" : "s"} over workspace ${flags.workspace}, ${since.toISOString()} .. ${until.toISOString()}, users: ${users.length > 0 ? users.join(",") : "all"}`);
  const result = await runHunt(
    client,
    bound.map(({ detection: d, query }) => ({ detectionId: d.id, title: d.meta.title, severity: d.meta.severity, query })),
    {
      workspaceId: flags.workspace!,
      timespan: { startTime: since, endTime: until },
      concurrency: flags.concurrency,
      serverTimeoutInSeconds: flags.timeout,
      onRetry: (e) => output.err(`hunt: ${stemOf(chosen, e.detectionId)}: ${e.reason}, retry ${e.attempt} in ${Math.ceil(e.delayMs / 1000)} s`),
      onDetectionDone: (run) => {
        if (progress && run.status !== "success") output.err(`hunt: ${stemOf(chosen, run.detectionId)}: ${run.status}: ${terminalSafe(run.error?.message ?? "", 300)}`);
      },
    },
  );

  if (flags.json) output.out(JSON.stringify(result, null, 2));
  else printHunt(result, chosen, output);

  let exit: ExitCodeValue = ExitCode.ok;
  const flagged = usersAtOrAbove(result, flags.failOn);
  if (flags.failOn && flagged.length > 0) exit = ExitCode.findings;
  if (flags.thenInvestigate) {
    const investigated = await investigateUsers(flags.failOn ? flagged : Object.keys(result.findingsByUser), flags, { since, until, now }, output);
    if (investigated !== ExitCode.ok) exit = Math.max(exit, investigated) as ExitCodeValue;
  }
  // A hunt with failed or partial detections is not a clean answer, whatever it found.
  if (result.errors.length > 0) exit = ExitCode.environment;
  if (exit !== ExitCode.ok) throw new ExitError(exit);
}

function stemOf(detections: KqlDetection[], id: string): string {
  return detections.find((d) => d.id === id)?.stem ?? id;
}

function usersAtOrAbove(result: HuntResult, failOn: Severity | undefined): string[] {
  return Object.entries(result.findingsByUser)
    .filter(([, findings]) => findings.some((f) => failOn === undefined || severityRank(f.severity) >= severityRank(failOn)))
    .map(([user]) => user);
}

function printHunt(result: HuntResult, detections: KqlDetection[], output: Output): void {
  const users = Object.keys(result.findingsByUser);
  for (const user of users) {
    output.out(user);
    for (const f of result.findingsByUser[user]!) {
      output.out(`  ${f.severity.padEnd(13)} ${terminalSafe(f.title, 120)}  (${stemOf(detections, f.detectionId)}: ${f.count} row${f.count === 1 ? "" : "s"}, ${f.firstSeen ?? "?"} .. ${f.lastSeen ?? "?"})`);
    }
  }
  for (const problem of result.errors) {
    output.out(`problem: ${stemOf(detections, problem.detectionId)} ${problem.status}: ${terminalSafe(problem.message, 500)}${problem.hint ? ` (${problem.hint})` : ""}`);
  }
  const findings = users.reduce((n, u) => n + result.findingsByUser[u]!.length, 0);
  const { success, partial, failed } = result.counts;
  output.out(`hunt: ${findings} finding${findings === 1 ? "" : "s"} for ${users.length} user${users.length === 1 ? "" : "s"}; detections: ${success} ok, ${partial} partial, ${failed} failed`);
}

/** Hands each user to `oclog investigate` over the same window; one failure does not stop the rest. */
async function investigateUsers(users: string[], flags: HuntFlags, window: { since: Date; until: Date; now: Date }, output: Output): Promise<ExitCodeValue> {
  let worst: ExitCodeValue = ExitCode.ok;
  const day = window.now.toISOString().slice(0, 10).replace(/-/g, "");
  for (const user of users.filter((u) => u !== NO_USER)) {
    output.err(`hunt: investigating ${user}`);
    try {
      // The same window as the hunt, fixed at the hunt's start: "30d" must not drift between users.
      const caseDir = flags.casesDir === undefined ? undefined : join(flags.casesDir, `${user}-${day}`);
      await investigateCommand({ user, since: window.since.toISOString(), until: window.until.toISOString(), accountUrl: flags.accountUrl, containerTemplate: flags.containerTemplate, caseDir, format: "text", failOn: flags.failOn, progress: false }, output);
    } catch (error) {
      if (error instanceof ExitError) {
        worst = Math.max(worst, error.exitCode) as ExitCodeValue;
      } else if (error instanceof OclogError) {
        output.err(`hunt: investigate ${user} failed: ${terminalSafe(error.message, 500)}${error.hint ? ` (hint: ${error.hint})` : ""}`);
        worst = Math.max(worst, error.exitCode) as ExitCodeValue;
      } else {
        throw error;
      }
    }
  }
  return worst;
}
