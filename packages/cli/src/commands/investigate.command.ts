/** `oclog investigate`: the spec (flags, defaults, help); the work is in investigate.ts. */
import { DEFAULT_BLOB_LIMITS, DEFAULT_CONCURRENCY, DEFAULT_CONTAINER_TEMPLATE, DEFAULT_SAS_ENV, SEVERITIES } from "@oclog/investigate/defaults";
import { DEFAULT_MAX_LINE_BYTES } from "@oclog/schema";
import { defineCommand } from "../spec/command-spec.js";
import { option } from "../spec/option-spec.js";

/** The formats `--format` offers. */
export const INVESTIGATION_FORMATS = ["text", "json", "md", "html"] as const;

export const investigateSpec = defineCommand({
  name: "investigate",
  description: "Pull a user's blobs into an evidence folder, load them into DuckDB, run detections, write reports",
  options: {
    user: option.required("-u, --user <user>", "the user whose VM records to investigate (lowercase letters, digits, dashes)"),
    connectionString: option.string("--connection-string <string>", "storage connection string (prefer AZURE_STORAGE_CONNECTION_STRING: argv is visible to other users)"),
    accountUrl: option.string("--account-url <url>", "storage account URL, e.g. https://acct.blob.core.windows.net (with --sas, AZURE_STORAGE_SAS or your Azure login)"),
    sasEnv: option.string("--sas-env <name>", "environment variable holding a read/list SAS for --account-url", DEFAULT_SAS_ENV),
    container: option.string("--container <name>", "container to read (default: from --users or --container-template)"),
    containerTemplate: option.string("--container-template <template>", "container name template", DEFAULT_CONTAINER_TEMPLATE),
    users: option.string("--users <file>", "users map file: user -> container"),
    since: option.string("--since <time>", "records at or after this time, and older-stamped ones in blobs uploaded after it (marked): ISO 8601 or relative (7d, 36h, 90m)"),
    until: option.string("--until <time>", "records at or before this time, and later-stamped ones in blobs uploaded before it (marked): ISO 8601 or relative"),
    tz: option.string("--tz <zone>", "time zone for display and zone-less times", "UTC"),
    caseDir: option.string("--case-dir <dir>", "case folder (default: ./cases/<user>-<date>)"),
    concurrency: option.positiveInt("--concurrency <n>", "parallel downloads", DEFAULT_CONCURRENCY),
    maxLineBytes: option.positiveInt("--max-line-bytes <n>", "longest record accepted, in bytes", DEFAULT_MAX_LINE_BYTES),
    maxBlobBytes: option.positiveInt("--max-blob-bytes <n>", "uncompressed bytes read per blob; the rest is reported, not read", DEFAULT_BLOB_LIMITS.maxBlobBytes),
    maxBlobLines: option.positiveInt("--max-blob-lines <n>", "lines read per blob; the rest is reported, not read", DEFAULT_BLOB_LIMITS.maxBlobLines),
    maxQuarantinePerBlob: option.positiveInt("--max-quarantine-per-blob <n>", "quarantine rows stored per blob; more are counted, not stored", DEFAULT_BLOB_LIMITS.maxQuarantinePerBlob),
    format: option.choice("--format <format>", "what to print", INVESTIGATION_FORMATS, "text"),
    json: option.flag("--json", "same as --format json: {case_dir, blobs, bytes, records, quarantined, findings}"),
    failOn: option.choice("--fail-on <severity>", "exit 1 when findings at or above this severity exist", SEVERITIES),
    progress: option.negated("--no-progress", "no progress bar even on a terminal"),
  },
  help: `
Credentials come from the environment, never from files you pass around:
  AZURE_STORAGE_CONNECTION_STRING, or --account-url with AZURE_STORAGE_SAS (read+list), or your
  Azure CLI / managed identity login (DefaultAzureCredential).

Exit status: 0 done, 1 findings at or above --fail-on, 2 usage or configuration error,
3 records were quarantined, or blobs failed, were refused (unsafe name) or cut short by a
limit, and nothing at or above --fail-on fired.

Examples:
  oclog investigate --user alice
  oclog investigate --user alice --since 7d --fail-on high --json
  AZURE_STORAGE_SAS=... oclog investigate --user alice --account-url https://acct.blob.core.windows.net
  oclog investigate --user alice --max-blob-lines 5000000 --max-blob-bytes 4294967296   # a blob hit a limit

A blob over a limit is read up to it; the rest of it is reported (a quarantine row at the first
line not read), and the rest of the case goes on.`,
  async run({ opts }, output) {
    const { investigateCommand } = await import("./investigate.js");
    await investigateCommand(opts, output);
  },
});
