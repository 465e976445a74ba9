import { runInvestigation, Sensitive, type Severity } from "@oclog/investigate";
import type { Output } from "../output.js";
import { VERSION } from "../version.js";
import { printInvestigation, type InvestigationFormat } from "./investigation-output.js";
import { progressBar } from "./progress-bar.js";

export interface InvestigateFlags {
  user: string;
  connectionString?: string;
  accountUrl?: string;
  sasEnv?: string;
  container?: string;
  containerTemplate?: string;
  users?: string;
  since?: string;
  until?: string;
  tz?: string;
  caseDir?: string;
  concurrency?: number;
  maxLineBytes?: number;
  maxBlobBytes?: number;
  maxBlobLines?: number;
  maxQuarantinePerBlob?: number;
  format: InvestigationFormat;
  json?: boolean;
  failOn?: Severity;
  progress?: boolean;
}

/** `oclog investigate`: flags and environment in, summary and exit code out. */
export async function investigateCommand(flags: InvestigateFlags, output: Output): Promise<void> {
  if (flags.connectionString !== undefined) {
    output.err("warning: --connection-string is visible to other users in the process list; prefer AZURE_STORAGE_CONNECTION_STRING");
  }
  const fromEnv = process.env.AZURE_STORAGE_CONNECTION_STRING;
  const connection = flags.connectionString ?? (flags.accountUrl === undefined ? fromEnv : undefined);
  const result = await runInvestigation({
    user: flags.user,
    connectionString: connection ? new Sensitive(connection) : undefined,
    accountUrl: flags.accountUrl,
    sasEnv: flags.sasEnv,
    container: flags.container,
    containerTemplate: flags.containerTemplate,
    usersFile: flags.users,
    since: flags.since,
    until: flags.until,
    tz: flags.tz,
    caseDir: flags.caseDir,
    concurrency: flags.concurrency,
    maxLineBytes: flags.maxLineBytes,
    limits: {
      ...(flags.maxBlobBytes !== undefined ? { maxBlobBytes: flags.maxBlobBytes } : {}),
      ...(flags.maxBlobLines !== undefined ? { maxBlobLines: flags.maxBlobLines } : {}),
      ...(flags.maxQuarantinePerBlob !== undefined ? { maxQuarantinePerBlob: flags.maxQuarantinePerBlob } : {}),
    },
    oclogVersion: VERSION,
    onProgress: progressBar(flags.progress !== false && !flags.json && flags.format === "text", output),
  });
  await printInvestigation(result, { format: flags.json ? "json" : flags.format, failOn: flags.failOn, color: process.stdout.isTTY === true }, output);
}
