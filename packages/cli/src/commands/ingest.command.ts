/** `oclog ingest`: the spec (flags, defaults, help); the work is in ingest.ts. */
import { INGEST_CONCURRENCY } from "@oclog/hunt/defaults";
import { defineCommand, variadic } from "../spec/command-spec.js";
import { option } from "../spec/option-spec.js";

export const ingestSpec = defineCommand({
  name: "ingest",
  description: "Send cases' normalized events to Log Analytics (OclogEvents_CL), the table `oclog hunt` reads",
  arguments: [variadic("<case...>", "case folders made by `oclog investigate`")],
  options: {
    endpoint: option.string("--endpoint <url>", "the DCR's (or data collection endpoint's) logs ingestion URL, https://...ingest.monitor.azure.com"),
    ruleId: option.string("--rule-id <id>", "the data collection rule's immutable id (dcr- and 32 hex digits)"),
    stream: option.string("--stream <name>", "the DCR stream", "Custom-OclogEvents_CL"),
    ledger: option.string("--ledger <file>", "what was already sent (default: ingest-ledger.jsonl beside the first case)"),
    audience: option.string("--audience <url>", "token audience for sovereign clouds, e.g. https://monitor.azure.cn"),
    caFile: option.string("--ca-file <pem>", "extra CA certificate to trust (a TLS-inspecting proxy)"),
    concurrency: option.positiveInt("--concurrency <n>", "requests in flight at once", INGEST_CONCURRENCY),
    dryRun: option.flag("--dry-run", "verify the cases and count what would be sent; send nothing, write no ledger"),
    json: option.flag("--json", "print the result as JSON"),
  },
  help: `
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
  async run({ args: [cases], opts }, output) {
    const { ingestCommand } = await import("./ingest.js");
    await ingestCommand(cases, opts, output);
  },
});
