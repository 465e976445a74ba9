/**
 * The typed errors of a case folder treated as evidence: a folder oclog must not write into, a
 * link it will not follow, a case another run holds, evidence that no longer matches its custody.
 * Each names the folder and file and says what to do next; all exit 3 (something outside oclog).
 */
import { OclogError, quoteUntrusted } from "@oclog/errors";

/** A file name from a case folder as printed: plain ASCII as is, anything else quoted with escapes (names are attacker-chosen). */
export function shownPath(path: string): string {
  return /^[\x21-\x7e]{1,300}$/.test(path) ? path : quoteUntrusted(path, 300);
}

/** `--case-dir` is not an oclog case (nor empty), or is a link: oclog would overwrite someone's files. */
export class ForeignCaseFolderError extends OclogError {
  constructor(caseDir: string, reason: string, context: Record<string, unknown> = {}) {
    super("E_CASE_FOREIGN", `--case-dir ${JSON.stringify(caseDir)} ${reason}; oclog writes reports, a database and evidence there and would overwrite what it holds`, {
      hint: "pass a new or empty folder, or the folder of an earlier `oclog investigate` run for the same user",
      context: { caseDir, ...context },
    });
  }
}

/** A symbolic link inside a case: oclog never follows one (it could point a write at any file). */
export class CaseSymlinkError extends OclogError {
  constructor(caseDir: string, links: string[]) {
    super("E_CASE_SYMLINK", `case ${JSON.stringify(caseDir)} holds symbolic link(s) oclog will not follow: ${links.slice(0, 5).map(shownPath).join(", ")}${links.length > 5 ? ` and ${links.length - 5} more` : ""}`, {
      hint: "someone changed this case folder; keep it as it is for review, run `oclog case verify` on it and investigate into a new --case-dir",
      context: { caseDir, links },
    });
  }
}

/** Another run holds the case lock: two runs on one case would break its custody chain. */
export class CaseLockedError extends OclogError {
  constructor(caseDir: string, holder: { pid?: unknown; host?: unknown; startedAt?: unknown }, why: string) {
    super("E_CASE_LOCKED", `case ${JSON.stringify(caseDir)} is in use by oclog pid ${String(holder.pid)} on host ${JSON.stringify(holder.host)} (since ${String(holder.startedAt)}); ${why}`, {
      hint: `wait for that run to finish, or use another --case-dir; if you are sure no oclog runs on that host for this case, delete ${JSON.stringify(`${caseDir}/case.lock`)}`,
      context: { caseDir, holder },
    });
  }
}

/** Evidence kept by the case no longer matches what custody recorded: the rerun refuses to trust it. */
export class EvidenceTamperedError extends OclogError {
  readonly problems: readonly string[];
  constructor(caseDir: string, problems: string[]) {
    super("E_CASE_TAMPERED", `case ${JSON.stringify(caseDir)}: evidence does not match its chain of custody, so this rerun stops before it analyses or rewrites any report:\n  ${problems.slice(0, 10).join("\n  ")}${problems.length > 10 ? `\n  and ${problems.length - 10} more` : ""}`, {
      hint: "keep this folder untouched as evidence of the change and run `oclog case verify` on it; investigate again into a new --case-dir to download the blobs afresh",
      context: { caseDir, problems },
    });
    this.problems = problems;
  }
}
