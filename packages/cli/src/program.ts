/** Flag parsing only: each command lazily imports its implementation. */
import { Command, InvalidArgumentError, Option } from "commander";
import type { RotateSettings } from "@oclog/sas";
import { SOURCE_NAMES } from "@oclog/schema";
import type { Output } from "./output.js";
import { VERSION } from "./version.js";

/** Builds the `oclog` command tree, writing through `output`. */
export function buildProgram(output: Output): Command {
  const program = new Command("oclog")
    .description("Security toolkit for OpenClaw: log schemas, pipeline, SAS rotation and investigations.")
    .version(VERSION, "-V, --version")
    .exitOverride()
    .configureOutput({ writeOut: (s) => output.out(s.trimEnd()), writeErr: (s) => output.err(s.trimEnd()) })
    .showHelpAfterError("(run with --help for usage)");
  program.addHelpText(
    "after",
    `
Examples:
  oclog schema validate --source auto test/fixtures/openclaw-2026.9.6/gateway.log
  oclog schema export --out schema-export/`,
  );

  const schema = program
    .command("schema")
    .description("Validate OpenClaw records and export the log schemas")
    .exitOverride();

  schema
    .command("validate")
    .description("Validate JSON-lines files (plain or .gz) against an OpenClaw source schema")
    .argument("<files...>", "files to validate")
    .addOption(
      new Option("-s, --source <source>", "which source the files hold").choices([...SOURCE_NAMES, "auto"]).default("auto"),
    )
    .option("--json", "print one JSON object instead of text")
    .option("--max-line-bytes <n>", "longest line accepted, in bytes", parsePositiveInt, 4 * 1024 * 1024)
    .option("--max-errors <n>", "line errors listed per file (all are counted)", parsePositiveInt, 1000)
    .addHelpText(
      "after",
      `
Exit status: 0 all lines valid, 1 some lines invalid, 2 usage error (bad flag, unreadable file).

Examples:
  oclog schema validate --source gateway-log /tmp/openclaw/openclaw-2026-11-25.log
  oclog schema validate --json blobs/*.gz | jq '.invalid'`,
    )
    .exitOverride()
    .action(async (files: string[], opts: { source: string; json?: boolean; maxLineBytes: number; maxErrors: number }) => {
      const { schemaValidate } = await import("./commands/schema-validate.js");
      await schemaValidate(files, { ...opts, json: opts.json ?? false, source: opts.source as never }, output);
    });

  schema
    .command("export")
    .description("Write JSON Schema files for every source, the envelope and the normalized event, or the Azure Monitor Logs tables and DCR")
    .addOption(new Option("-f, --format <format>", "json-schema files, or dcr: Log Analytics tables + data collection rule as one JSON document").choices(["json-schema", "dcr"]).default("json-schema"))
    .option("-o, --out <path>", "json-schema: directory to write (default schema-export); dcr: file to write (default stdout)")
    .option("--json", "print the written files as JSON")
    .addHelpText(
      "after",
      `
Examples:
  oclog schema export --out schema-export/
  oclog schema export --format dcr > oclog-dcr.json   # then see packages/fluent-bit/README.md`,
    )
    .exitOverride()
    .action(async (opts: { out?: string; json?: boolean; format: "json-schema" | "dcr" }) => {
      const { schemaExport } = await import("./commands/schema-export.js");
      await schemaExport({ ...(opts.out !== undefined ? { out: opts.out } : {}), json: opts.json ?? false, format: opts.format }, output);
    });

  program
    .command("investigate")
    .description("Pull a user's blobs into an evidence folder, load them into DuckDB, run detections, write reports")
    .requiredOption("-u, --user <user>", "the user whose VM records to investigate (lowercase letters, digits, dashes)")
    .option("--connection-string <string>", "storage connection string (prefer AZURE_STORAGE_CONNECTION_STRING: argv is visible to other users)")
    .option("--account-url <url>", "storage account URL, e.g. https://acct.blob.core.windows.net (with --sas, AZURE_STORAGE_SAS or your Azure login)")
    .option("--sas-env <name>", "environment variable holding a read/list SAS for --account-url", "AZURE_STORAGE_SAS")
    .option("--container <name>", "container to read (default: from --users or --container-template)")
    .option("--container-template <template>", "container name template", "oclog-{user}")
    .option("--users <file>", "users map file: user -> container")
    .option("--since <time>", "records at or after this time, and older-stamped ones in blobs uploaded after it (marked): ISO 8601 or relative (7d, 36h, 90m)")
    .option("--until <time>", "records at or before this time, and later-stamped ones in blobs uploaded before it (marked): ISO 8601 or relative")
    .option("--tz <zone>", "time zone for display and zone-less times", "UTC")
    .option("--case-dir <dir>", "case folder (default: ./cases/<user>-<date>)")
    .option("--concurrency <n>", "parallel downloads", parsePositiveInt, 8)
    .option("--max-line-bytes <n>", "longest record accepted, in bytes", parsePositiveInt, 4 * 1024 * 1024)
    .option("--max-blob-bytes <n>", "uncompressed bytes read per blob; the rest is reported, not read", parsePositiveInt, 1024 * 1024 * 1024)
    .option("--max-blob-lines <n>", "lines read per blob; the rest is reported, not read", parsePositiveInt, 1_000_000)
    .option("--max-quarantine-per-blob <n>", "quarantine rows stored per blob; more are counted, not stored", parsePositiveInt, 10_000)
    .addOption(new Option("--format <format>", "what to print").choices(["text", "json", "md", "html"]).default("text"))
    .option("--json", "same as --format json: {case_dir, blobs, bytes, records, quarantined, findings}")
    .addOption(new Option("--fail-on <severity>", "exit 1 when findings at or above this severity exist").choices(["informational", "low", "medium", "high", "critical"]))
    .option("--no-progress", "no progress bar even on a terminal")
    .addHelpText(
      "after",
      `
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
    )
    .exitOverride()
    .action(async (opts: Record<string, unknown>) => {
      const { investigateCommand } = await import("./commands/investigate.js");
      await investigateCommand(opts as never, output);
    });

  program
    .command("hunt")
    .description("Run the detections' KQL twins over a Log Analytics workspace: findings per user, fleet-wide")
    .option("-w, --workspace <id>", "Log Analytics workspace id (a GUID)")
    .option("-d, --detection <id>", "a detection: file name without .kql, or rule id (repeatable, or comma-separated)", collect, [])
    .option("--all", "every detection that has a KQL twin")
    .option("--since <time>", "window start: ISO 8601 or relative (30d, 36h, 90m)", "30d")
    .option("--until <time>", "window end: ISO 8601 or relative (default: now)")
    .option("--users <list>", "only these users, comma-separated (default: all)")
    .option("--json", "print the result as JSON (with --dry-run: the bound queries)")
    .option("--dry-run", "print the exact KQL that would be sent, parameters bound, and send nothing")
    .option("--then-investigate", "run `oclog investigate` for every user with findings (at or above --fail-on)")
    .addOption(new Option("--fail-on <severity>", "exit 1 when findings at or above this severity exist").choices(["informational", "low", "medium", "high", "critical"]))
    .option("--concurrency <n>", "queries in flight at once", parsePositiveInt, 3)
    .option("--timeout <seconds>", "server-side limit per query (1-600)", parsePositiveInt, 180)
    .option("--endpoint <url>", "Logs Query API endpoint with version (sovereign clouds), e.g. https://api.loganalytics.azure.cn/v1")
    .option("--ca-file <pem>", "extra CA certificate to trust (a TLS-inspecting proxy)")
    .option("--account-url <url>", "with --then-investigate: the storage account (else AZURE_STORAGE_CONNECTION_STRING)")
    .option("--container-template <template>", "with --then-investigate: container name template", "oclog-{user}")
    .option("--cases-dir <dir>", "with --then-investigate: where the cases go, one <user>-<date> folder each (default ./cases)")
    .addHelpText(
      "after",
      `
Runs as you: your Azure CLI / managed identity login (DefaultAzureCredential) needs Log
Analytics Reader on the workspace. The table is OclogEvents_CL (oclog schema export --format dcr).

Exit status: 0 done, 1 findings at or above --fail-on, 2 usage error, 3 a detection failed or
returned partial results (throttled, timed out, workspace refused); all are reported.

Examples:
  oclog hunt --dry-run --all --since 7d --users alice,bob
  oclog hunt --workspace 0b9f2c4e-1d2a-4c3b-9e8f-7a6b5c4d3e2f --all --since 90d
  oclog hunt -w 0b9f2c4e-1d2a-4c3b-9e8f-7a6b5c4d3e2f -d tool_exec_network_tool_external --json
  oclog hunt -w 0b9f2c4e-1d2a-4c3b-9e8f-7a6b5c4d3e2f --all --fail-on high --then-investigate`,
    )
    .exitOverride()
    .action(async (opts: Record<string, unknown>) => {
      const { huntCommand } = await import("./commands/hunt.js");
      await huntCommand(opts as never, output);
    });

  program
    .command("ingest")
    .description("Send cases' normalized events to Log Analytics (OclogEvents_CL), the table `oclog hunt` reads")
    .argument("<case...>", "case folders made by `oclog investigate`")
    .option("--endpoint <url>", "the DCR's (or data collection endpoint's) logs ingestion URL, https://...ingest.monitor.azure.com")
    .option("--rule-id <id>", "the data collection rule's immutable id (dcr- and 32 hex digits)")
    .option("--stream <name>", "the DCR stream", "Custom-OclogEvents_CL")
    .option("--ledger <file>", "what was already sent (default: ingest-ledger.jsonl beside the first case)")
    .option("--audience <url>", "token audience for sovereign clouds, e.g. https://monitor.azure.cn")
    .option("--ca-file <pem>", "extra CA certificate to trust (a TLS-inspecting proxy)")
    .option("--concurrency <n>", "requests in flight at once", parsePositiveInt, 5)
    .option("--dry-run", "verify the cases and count what would be sent; send nothing, write no ledger")
    .option("--json", "print the result as JSON")
    .addHelpText(
      "after",
      `
Verifies each case (hashes, custody) first and sends nothing from one that does not verify.
Rows go out in gzipped requests under 1 MB; the ledger keeps reruns from sending a row twice
(Log Analytics does not deduplicate). Rows that do not arrive are kept with the reason in
<case>/ingest/not-sent-<time>.jsonl, and a rerun sends them again.

Runs as you: your Azure login (DefaultAzureCredential) needs Monitoring Metrics Publisher on
the data collection rule. \`oclog schema export --format dcr\` prints the table and rule.

Exit status: 0 all sent, 2 usage error, 3 some rows or cases not sent (all reported).

Examples:
  oclog ingest cases/alice-20261203 --dry-run
  oclog ingest cases/*-20261203 --endpoint https://oclog-dce-a1b2.westeurope-1.ingest.monitor.azure.com \\
    --rule-id dcr-0123456789abcdef0123456789abcdef
  oclog investigate --user alice --since 1d && oclog ingest cases/alice-$(date -u +%Y%m%d) --endpoint ... --rule-id ...`,
    )
    .exitOverride()
    .action(async (cases: string[], opts: Record<string, unknown>) => {
      const { ingestCommand } = await import("./commands/ingest.js");
      await ingestCommand(cases, opts as never, output);
    });

  const fluentBit = program
    .command("fluent-bit")
    .description("Generate, validate and check Fluent Bit pipelines (YAML) against the real plugin schema")
    .exitOverride();

  fluentBit
    .command("generate")
    .description("Render a preset pipeline as Fluent Bit YAML (validated before it is written)")
    .option("--preset <name>", "which pipeline", "openclaw-vm")
    .option("--param <key=value>", "preset parameter (repeatable), checked against what it names; unset ones stay ${VARIABLE}s the VM provides", collect, [])
    .option("--fluent-bit-version <version>", "the Fluent Bit the pipeline runs on (4.2.8, 5.1.1, 4.x, 5.x)", VM_FLUENT_BIT_VERSION_DEFAULT)
    .option("-o, --out <file>", "write here (and redact.lua beside it) instead of stdout")
    .addHelpText(
      "after",
      `
Parameters of openclaw-vm: user, host, storage_account, container, endpoint, emulator_mode,
tls_ca_file, sas_include, params_include, lua_dir, gateway_logs, config_audit, nginx_access_log,
forward_socket, state_dir, journal_dir, http_port, buffer_limit, journal_units; the optional Azure Monitor Logs output
(off by default, see packages/fluent-bit/README.md): azure_logs=on, azure_tenant_id,
azure_client_id, azure_dce_url, azure_dcr_id, azure_stream, azure_logs_include.

Examples:
  oclog fluent-bit generate --preset openclaw-vm > fluent-bit.yaml
  oclog fluent-bit generate --param user=alice --param host=vm-alice --param storage_account=acmelogs --fluent-bit-version 4.2.8 -o /tmp/fb/fluent-bit.yaml`,
    )
    .exitOverride()
    .action(async (opts: { preset: string; param: string[]; fluentBitVersion: string; out?: string }) => {
      const { fluentBitGenerate } = await import("./commands/fluent-bit.js");
      await fluentBitGenerate({ preset: opts.preset, params: opts.param, fluentBitVersion: opts.fluentBitVersion, ...(opts.out ? { out: opts.out } : {}) }, output);
    });

  fluentBit
    .command("validate")
    .description("Check a Fluent Bit YAML file against the plugin schema and the security/reliability lint")
    .argument("<file>", "Fluent Bit YAML configuration")
    .option("--fluent-bit-version <version>", "the Fluent Bit it will run on", VM_FLUENT_BIT_VERSION_DEFAULT)
    .option("--json", "print the report as JSON")
    .option("--allow <rule[@alias]:reason>", "accept one lint finding on purpose, with the reason (repeatable); it stays in the report as a warning", collect, [])
    .addHelpText(
      "after",
      `
Records may leave only through the preset's azure_blob output (and the optional azure_logs_ingestion
one); any other output, and any filter that drops or rewrites records on the way to the blob
output (grep, modify remove/rename/set, a lua script other than redact.lua, nest, record_modifier
remove_key, rewrite_tag without keep, throttle), is an error [data-flow/output, data-flow/filter];
so is an input whose records no allowed output receives [data-flow/unshipped].
--allow accepts such a finding with a reason: <rule>, optionally @<alias> (or @pipeline.outputs[1])
for one plugin instance. An --allow that matches nothing is reported as a warning.

Exit status: 0 no errors (warnings may be listed), 1 errors found, 2 usage error.

Examples:
  oclog fluent-bit validate /etc/fluent-bit/fluent-bit.yaml
  oclog fluent-bit validate --fluent-bit-version 4.2.8 --json pipeline.yaml | jq '.diagnostics[] | select(.severity=="error")'
  oclog fluent-bit validate --allow 'data-flow/output@debug:stdout copy while debugging the lab VM' lab.yaml`,
    )
    .exitOverride()
    .action(async (file: string, opts: { fluentBitVersion: string; json?: boolean; allow: string[] }) => {
      const { fluentBitValidate } = await import("./commands/fluent-bit.js");
      await fluentBitValidate(file, { fluentBitVersion: opts.fluentBitVersion, json: opts.json ?? false, allow: opts.allow }, output);
    });

  fluentBit
    .command("check")
    .description("Fail with a diff when the checked-in fluent-bit/ differs from what the generator makes now")
    .option("--dir <dir>", "the generated pipeline directory", "fluent-bit")
    .option("--write", "rewrite stale files instead of failing")
    .option("--json", "print the result as JSON")
    .addHelpText("after", "\nExit status: 0 up to date (or rewritten with --write), 1 stale.\n\nExample:\n  oclog fluent-bit check || oclog fluent-bit check --write")
    .exitOverride()
    .action(async (opts: { dir: string; write?: boolean; json?: boolean }) => {
      const { fluentBitCheck } = await import("./commands/fluent-bit.js");
      await fluentBitCheck({ dir: opts.dir, write: opts.write ?? false, json: opts.json ?? false }, output);
    });

  program
    .command("collect")
    .description("Ship OpenClaw's SQLite stores (transcripts, audit ledger) to Fluent Bit's forward input")
    .requiredOption("--state-dir <dir>", "OpenClaw's state directory (holds agents/ and state/); opened read-only")
    .option("--socket <path>", "Fluent Bit forward input on a unix socket (the openclaw-vm pipeline: /run/fluent-bit/forward.sock)")
    .option("--port <n>", "Fluent Bit forward input on a TCP port", parsePositiveInt)
    .option("--host <host>", "host for --port", "127.0.0.1")
    .option("--collector-state <dir>", "the collector's cursors and spool", "/var/lib/oclog-collect")
    .option("--once", "send what is there now, then exit (exit 3 if Fluent Bit does not take it)")
    .option("--batch-size <n>", "rows per acknowledged batch", parsePositiveInt, 500)
    .option("--spool-limit-mb <n>", "cap of the on-disk spool while Fluent Bit is away", parsePositiveInt, 256)
    .option("--poll-ms <n>", "pause between polls when nothing is new", parsePositiveInt, 1000)
    .option("--ack-timeout-ms <n>", "how long Fluent Bit may take to acknowledge a batch", parsePositiveInt, 10_000)
    .option("--redact-literals <file>", "secrets to mask as literals (default: OCLOG_REDACT_LITERALS or /etc/oclog/redact-literals)")
    .option("--json", "JSON log lines on stderr and a JSON summary on stdout")
    .addHelpText(
      "after",
      `
Delivery: a store's cursor moves only when Fluent Bit acknowledged the rows; unacknowledged rows
wait in the spool (on disk, bounded). Records are redacted like the pipeline's redact.lua and
never logged. Exit status: 0 all sent, 2 usage error, 3 Fluent Bit did not take the records.

Examples:
  oclog collect --state-dir /var/lib/openclaw/.openclaw --socket /run/fluent-bit/forward.sock
  oclog collect --state-dir ~/.openclaw --port 24224 --collector-state /tmp/collect --once --json`,
    )
    .exitOverride()
    .action(async (opts: { stateDir: string; socket?: string; port?: number; host: string; collectorState: string; once?: boolean; batchSize: number; spoolLimitMb: number; pollMs: number; ackTimeoutMs: number; redactLiterals?: string; json?: boolean }) => {
      const { collectCommand } = await import("./commands/collect.js");
      await collectCommand({ ...opts, once: opts.once ?? false, json: opts.json ?? false }, output);
    });

  const sas = program.command("sas").description("The shipping SAS: inspect, issue, install in the VM, rotate from the host").exitOverride();
  sas
    .command("inspect")
    .description("What a SAS grants and until when (never prints the signature)")
    .argument("<token|file|->", "a file holding the SAS (or its URL), - for stdin, or the token itself (visible in ps: avoid)")
    .option("--json", "print the result as JSON")
    .addHelpText("after", "\nExit status: 0 fine as a shipping SAS (warnings may be listed), 1 it would be refused, 2 not a SAS.\n\nExamples:\n  oclog sas inspect /tmp/alice.sas\n  oclog sas issue --container oclog-alice --stdout | oclog sas inspect - --json")
    .exitOverride()
    .action(async (source: string, opts: { json?: boolean }) => {
      const { sasInspect } = await import("./commands/sas.js");
      await sasInspect(source, { json: opts.json ?? false }, output);
    });
  sas
    .command("issue")
    .description("Mint a container SAS: a user delegation SAS from your Azure login, or (Azurite) from a connection string")
    .requiredOption("--container <name>", "the user's container, e.g. oclog-alice")
    .option("--account-url <url>", "https://<account>.blob.core.windows.net (your Azure login signs; AZURE_STORAGE_KEY instead signs with the key)")
    .option("--lifetime <duration>", "how long it lives (at most 7d for a user delegation SAS)", "7d")
    .option("--permissions <sp>", "what it grants; the shipping SAS needs only cw", "cw")
    .option("--out <file>", "write the SAS URL to this file (mode 0600)")
    .option("--stdout", "print the SAS URL on stdout (for a pipe into oclog sas install)")
    .option("--json", "print the summary as JSON (on stderr)")
    .addHelpText("after", "\nWithout --out or --stdout nothing secret is printed.\n\nExamples:\n  oclog sas issue --account-url https://acmelogs.blob.core.windows.net --container oclog-alice --out ~/alice.sas\n  AZURE_STORAGE_CONNECTION_STRING=... oclog sas issue --container oclog-alice --stdout | vagrant ssh alice -- sudo oclog sas install")
    .exitOverride()
    .action(async (opts: { container: string; accountUrl?: string; lifetime: string; permissions: string; out?: string; stdout?: boolean; json?: boolean }) => {
      const { sasIssue } = await import("./commands/sas.js");
      await sasIssue({ ...opts, stdout: opts.stdout ?? false, json: opts.json ?? false }, output);
    });
  sas
    .command("install")
    .description("In the VM, as root: install the SAS URL read from stdin for Fluent Bit, write the public state, reload Fluent Bit")
    .option("--container <name>", "the VM's container (default: the one in the state file)")
    .option("--include <file>", "the Fluent Bit include holding OCLOG_SAS_TOKEN", "/etc/fluent-bit/oclog-sas.yaml")
    .option("--state-file <file>", "the public state file", "/run/oclog/sas-state.json")
    .option("--reload-url <url>", "Fluent Bit's HTTP server", "http://127.0.0.1:2020")
    .option("--renew-command <text>", "what the gate tells people to run (default: oclog sas rotate --vm <hostname>)")
    .option("--fluent-bit-group <group>", "group that may read the include", "fluent-bit")
    .option("--restart-command <command>", "fallback when the hot reload does not take", "systemctl restart fluent-bit")
    .option("--json", "print the result as JSON")
    .addHelpText("after", "\nRefuses (listing every reason) a SAS that is malformed, expired, grants more than create/write/add, is for another container, is an account SAS, allows http, lives over 7 days, starts in the future or is oversized; prints what inspect would warn about.\n\nExample:\n  oclog sas issue --container oclog-alice --stdout | sudo oclog sas install --container oclog-alice")
    .exitOverride()
    .action(async (opts: { container?: string; include: string; stateFile: string; reloadUrl: string; renewCommand?: string; fluentBitGroup: string; restartCommand: string; json?: boolean }) => {
      const { sasInstall } = await import("./commands/sas.js");
      await sasInstall({ ...opts, json: opts.json ?? false }, output);
    });
  sas
    .command("rotate")
    .description("On the host: renew a VM's SAS when less than the threshold is left (from cron or a systemd timer)")
    .requiredOption("--vm <name>", "the VM (vagrant machine name or ssh host)")
    .addOption(new Option("--transport <kind>", "how to reach the VM").choices(["vagrant", "ssh", "local"]).default("vagrant"))
    .option("--threshold <duration>", "rotate when less than this is left", "48h")
    .option("--lifetime <duration>", "lifetime of the new SAS", "7d")
    .option("--account-url <url>", "the storage account, https:// (your Azure login signs; AZURE_STORAGE_KEY instead signs with the key)")
    .option("--env-file <file>", "AZURE_* variables to sign with, one NAME=value a line, mode 0600 (AZURE_STORAGE_KEY, or AZURE_STORAGE_CONNECTION_STRING without --account-url)")
    .option("--vagrant-dir <dir>", "the directory of the VM's Vagrantfile (default: where you are)")
    .option("--vagrant-env <name=value>", "a variable vagrant needs, e.g. OCLOG_USER=alice for vm/'s Vagrantfile (repeatable; never a secret)", collect, [])
    .option("--state-file <file>", "the state file inside the VM", "/run/oclog/sas-state.json")
    .option("--install-command <command>", "the installer inside the VM", "/opt/oclog/bin/oclog sas install")
    .option("--lock <file>", "lock file (default ~/.cache/oclog/sas-rotate-<vm>.lock)")
    .option("--events-socket <path>", "also send the rotation events to this Fluent Bit forward socket (tag openclaw.oclog)")
    .option("--json", "JSON events on stderr and a JSON result on stdout")
    .addHelpText(
      "after",
      `
Exit status: 0 rotated or not due, 2 usage error, 3 the VM or Azure could not be reached (an
expired Azure login needs a person: az login).

Examples:
  oclog sas rotate --vm oclog-alice --account-url https://acmelogs.blob.core.windows.net
  oclog sas rotate --vm oclog-alice --vagrant-dir ~/oclog/vm --vagrant-env OCLOG_USER=alice --account-url https://acmelogs.blob.core.windows.net
  oclog sas schedule --vm oclog-alice --vagrant-env OCLOG_USER=alice --account-url https://acmelogs.blob.core.windows.net   # run it hourly`,
    )
    .exitOverride()
    .action(async (opts: RotateFlags & { threshold: string; lifetime: string; stateFile: string; installCommand: string; json?: boolean }) => {
      const { sasRotate } = await import("./commands/sas.js");
      await sasRotate({ ...opts, json: opts.json ?? false }, output);
    });
  sas
    .command("schedule")
    .description("Print the crontab line and the systemd user timer that run `oclog sas rotate` hourly, as they must be to run unattended")
    .requiredOption("--vm <name>", "the VM (vagrant machine name or ssh host)")
    .addOption(new Option("--transport <kind>", "how to reach the VM").choices(["vagrant", "ssh", "local"]).default("vagrant"))
    .option("--account-url <url>", "the storage account, https:// (required unless --env-file holds AZURE_STORAGE_CONNECTION_STRING)")
    .option("--env-file <file>", "absolute path of a 0600 file of AZURE_* variables the run signs with; never printed, only its path")
    .option("--vagrant-dir <dir>", "absolute directory of the VM's Vagrantfile (default: this directory, if it holds one)")
    .option("--vagrant-env <name=value>", "a variable vagrant needs, e.g. OCLOG_USER=alice for vm/'s Vagrantfile (repeatable; printed, so never a secret)", collect, [])
    .option("--threshold <duration>", "passed to rotate (its default: 48h)")
    .option("--lifetime <duration>", "passed to rotate (its default: 7d)")
    .option("--state-file <file>", "passed to rotate (its default: /run/oclog/sas-state.json)")
    .option("--install-command <command>", "passed to rotate (its default: /opt/oclog/bin/oclog sas install)")
    .option("--events-socket <path>", "passed to rotate: also send its events to this Fluent Bit forward socket")
    .option("--oclog <path>", "absolute path of the oclog the job runs (default: this one)")
    .option("--json", "print {unit, command, environment, log_file, crontab, service, timer, warnings} as JSON")
    .addHelpText(
      "after",
      `
The lines run as printed: the absolute oclog, a PATH holding this node and the transport's
programs (cron's own is /usr/bin:/bin), the Vagrantfile's directory, every flag rotate needs.
The inputs are checked as rotate checks them, and for vagrant \`vagrant status\` confirms the
machine exists without your shell's environment. Secrets never appear in the lines: your Azure
login signs (az login, kept in ~/.azure), or put AZURE_STORAGE_KEY (with --account-url) or
AZURE_STORAGE_CONNECTION_STRING (Azurite, without --account-url) in a file, chmod 600, and pass
--env-file. With --transport ssh the key must work without your ssh-agent (cron has none).
cron appends the output to ~/.cache/oclog/sas-rotate-<vm>.log; the timer's goes to the journal.

Exit status: 0 printed, 2 a setting would not run unattended (each problem is named).

Examples:
  cd oclog/vm && oclog sas schedule --vm oclog-alice --vagrant-env OCLOG_USER=alice --account-url https://acmelogs.blob.core.windows.net
  oclog sas schedule --vm alice.vms.example.com --transport ssh --account-url https://acmelogs.blob.core.windows.net --json
  oclog sas schedule --vm dev --transport local --env-file ~/.config/oclog/azurite.env --state-file /run/oclog/sas-state.json`,
    )
    .exitOverride()
    .action(async (opts: RotateFlags & { oclog?: string; json?: boolean }) => {
      const { sasSchedule } = await import("./commands/sas.js");
      await sasSchedule({ ...opts, json: opts.json ?? false }, output);
    });

  program
    .command("guard")
    .description("Check that Fluent Bit delivers and publish it as shipping in the SAS state file (run by oclog-guard.timer)")
    .option("--state-file <path>", "the public SAS state file to update", "/run/oclog/sas-state.json")
    .option("--metrics-url <url>", "Fluent Bit's monitoring API (JSON metrics)", "http://127.0.0.1:2020/api/v1/metrics")
    .option("--history <path>", "the guard's own sample history", "/var/lib/oclog-guard/history.json")
    .option("--failing-after-minutes <n>", "minutes of errors without deliveries (or of unreadable metrics) before failing (default 10)", parsePositiveInt)
    .option("--failing-after <duration>", "the same as a duration (90s, 5m), instead of --failing-after-minutes")
    .addOption(new Option("--enforce <mode>", "what to do when shipping turns failing").choices(["none", "stop-gateway"]).default("none"))
    .option("--json", "print one JSON object")
    .addHelpText("after", "\nExit status: 0 shipping ok, 1 marked failing, 3 metrics or state file unreadable.\n\nExample:\n  oclog guard --failing-after-minutes 5 --json")
    .exitOverride()
    .action(async (opts: { stateFile: string; metricsUrl: string; history: string; failingAfterMinutes?: number; failingAfter?: string; enforce: "none" | "stop-gateway"; json?: boolean }) => {
      const { guardCommand } = await import("./commands/guard.js");
      await guardCommand({ ...opts, json: opts.json ?? false }, output);
    });

  const caseCommand = program.command("case").description("Work with case folders").exitOverride();
  caseCommand
    .command("verify")
    .description("Re-hash every evidence file against the manifest and check the custody chain")
    .argument("<case-dir>", "the case folder")
    .option("--json", "print the report as JSON")
    .addHelpText("after", "\nExit status: 0 intact, 1 tampering or damage found, 2 not a case folder.\n\nExample:\n  oclog case verify cases/alice-20261125")
    .exitOverride()
    .action(async (caseDir: string, opts: { json?: boolean }) => {
      const { caseVerifyCommand } = await import("./commands/case-verify.js");
      await caseVerifyCommand(caseDir, { json: opts.json ?? false }, output);
    });

  program
    .command("sql")
    .description("Ask a case database a question (read-only)")
    .argument("<case-dir>", "the case folder")
    .argument("<query>", "SQL over events, records, quarantine, evidence_files")
    .option("--json", "print rows as JSON lines")
    .option("--max-rows <n>", "rows to read: the query stops there and says when it has more", parsePositiveInt, 200)
    .addHelpText("after", `\nExample:\n  oclog sql cases/alice-20261125 "SELECT category, outcome, count(*) FROM events GROUP BY ALL ORDER BY 3 DESC"`)
    .exitOverride()
    .action(async (caseDir: string, query: string, opts: { json?: boolean; maxRows: number }) => {
      const { sqlCommand } = await import("./commands/sql.js");
      await sqlCommand(caseDir, query, { json: opts.json ?? false, maxRows: opts.maxRows }, output);
    });

  program
    .command("demo")
    .description("Investigate the embedded demo incident: Azurite, alice's blobs, the full investigation")
    .option("--case-dir <dir>", "case folder (default: a new temporary folder)")
    .option("--json", "print the investigation summary as JSON")
    .exitOverride()
    .action(async (opts: { caseDir?: string; json?: boolean }) => {
      const { demoCommand } = await import("./commands/demo.js");
      await demoCommand({ caseDir: opts.caseDir, json: opts.json ?? false }, output);
    });

  return program;
}

/** Must match @oclog/fluent-bit's VM_FLUENT_BIT_VERSION; kept literal so --help needs no import (a test compares them). */
export const VM_FLUENT_BIT_VERSION_DEFAULT = "5.1.1";

/** The flags `sas rotate` and `sas schedule` share (commander always gives --vagrant-env, as a list). */
type RotateFlags = RotateSettings & { vagrantEnv: string[] };

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, got ${JSON.stringify(value)}`);
  return n;
}
