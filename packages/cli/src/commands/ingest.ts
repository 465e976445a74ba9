/** `oclog ingest`: a case's normalized events into OclogEvents_CL (Logs Ingestion API), for `oclog hunt`. */
import type { TokenCredential } from "@azure/identity";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ExitCode, ExitError, OclogError, UsageError } from "@oclog/errors";
import { IngestClient, IngestLedger, ingestCase, type IngestCaseResult } from "@oclog/hunt";
import { OCLOG_EVENTS_TABLE, streamFor } from "@oclog/schema";
import { terminalSafe, type Output } from "../output.js";

export interface IngestFlags {
  endpoint?: string;
  ruleId?: string;
  stream?: string;
  ledger?: string;
  audience?: string;
  caFile?: string;
  concurrency: number;
  dryRun?: boolean;
  json?: boolean;
}

/** For tests: a credential instead of the caller's Azure login. */
export interface IngestDeps {
  credential?: TokenCredential;
}

/** `oclog ingest <case...>`: every case in turn; one case that cannot be read does not stop the others. */
export async function ingestCommand(cases: string[], flags: IngestFlags, output: Output, deps: IngestDeps = {}): Promise<void> {
  if (cases.length === 0) throw new UsageError("no case folder given", { hint: "pass the folder(s) `oclog investigate` made, e.g. `oclog ingest cases/alice-20261203`" });
  const stream = flags.stream ?? streamFor(OCLOG_EVENTS_TABLE);
  if (!flags.dryRun && (flags.endpoint === undefined || flags.ruleId === undefined)) {
    throw new UsageError(`${flags.endpoint === undefined ? "--endpoint" : "--rule-id"} is required`, {
      hint: "both are on the data collection rule: its logs ingestion endpoint (or the DCE's) and its immutable id (dcr-...); `oclog schema export --format dcr` prints the rule to create. Or use --dry-run",
    });
  }
  const ruleId = flags.ruleId ?? "dcr-(dry-run)";
  // Beside the cases by default, so the next day's case (overlapping blobs) shares it.
  const ledgerPath = resolve(flags.ledger ?? join(dirname(resolve(cases[0]!)), "ingest-ledger.jsonl"));
  const ledger = IngestLedger.open(ledgerPath);
  const client = flags.dryRun
    ? undefined
    : new IngestClient(
        { endpoint: flags.endpoint!, ruleId, stream },
        {
          credential: deps.credential ?? new (await import("@azure/identity")).DefaultAzureCredential(),
          concurrency: flags.concurrency,
          ...(flags.audience ? { audience: flags.audience } : {}),
          ...(flags.caFile ? { extraCa: readFileSync(flags.caFile, "utf8") } : {}),
          onRetry: (e) => output.err(`ingest: HTTP ${e.status}${e.retryAfter ? ` (Retry-After ${e.retryAfter} s)` : ""}, retrying`),
        },
      );

  const results: IngestCaseResult[] = [];
  const problems: { caseDir: string; message: string; hint?: string }[] = [];
  if (!flags.dryRun) ledger.lock();
  try {
    for (const caseDir of cases) {
      try {
        const result = await ingestCase({
          caseDir: resolve(caseDir),
          ledger,
          target: { ruleId, stream },
          ...(client ? { uploader: client } : {}),
          dryRun: flags.dryRun ?? false,
          onBlob: flags.json ? undefined : (p) => output.err(`ingest: ${caseDir}: blob ${p.done}/${p.total}, ${p.sent} rows ${flags.dryRun ? "to send" : "sent"}`),
        });
        results.push(result);
        if (!flags.json) printResult(result, output);
      } catch (error) {
        if (!(error instanceof OclogError)) throw error;
        problems.push({ caseDir, message: error.message, ...(error.hint ? { hint: error.hint } : {}) });
        if (!flags.json) output.err(`ingest: ${caseDir}: ${terminalSafe(error.message, 2000)}${error.hint ? `\n  hint: ${error.hint}` : ""}`);
      }
    }
  } finally {
    ledger.unlock();
  }

  if (flags.json) output.out(JSON.stringify({ ruleId, stream, ledger: ledgerPath, dryRun: flags.dryRun ?? false, cases: results, problems }, null, 2));
  const incomplete = problems.length > 0 || results.some((r) => r.failed.length > 0 || r.invalid.length > 0 || r.changed.length > 0);
  if (incomplete) throw new ExitError(ExitCode.environment);
}

function printResult(r: IngestCaseResult, output: Output): void {
  const verb = r.dryRun ? "would send" : "sent";
  output.out(`${r.caseDir}: ${r.user}, ${r.blobs} blobs, ${r.events} events: ${verb} ${r.sent}, already sent ${r.alreadySent}, not sent ${r.failed.length + r.invalid.length}`);
  for (const p of [...r.failed, ...r.invalid].slice(0, 5)) output.out(`  not sent: ${terminalSafe(p.blob, 200)}:${p.line ?? "?"}: ${terminalSafe(p.reason, 400)}`);
  if (r.failed.length + r.invalid.length > 5) output.out(`  ... ${r.failed.length + r.invalid.length - 5} more`);
  if (r.asideFile) output.out(`  kept aside with reasons: ${r.asideFile} (a rerun sends the refused rows again)`);
  for (const c of r.changed) output.out(`  not resent: ${terminalSafe(c.blob, 200)} made ${c.rowsThen} rows when sent, ${c.rowsNow} now (a newer normalizer?); resending would duplicate rows`);
  if (r.longFields > 0) output.out(`  note: ${r.longFields} row(s) have a field over 64 KB; Log Analytics truncates such values`);
}
