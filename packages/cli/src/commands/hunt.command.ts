/** `oclog hunt`: the spec (flags, defaults, help); the work is in hunt.ts. */
import { DEFAULT_SERVER_TIMEOUT_SECONDS, HUNT_CONCURRENCY } from "@oclog/hunt/defaults";
import { DEFAULT_CONTAINER_TEMPLATE, SEVERITIES } from "@oclog/investigate/defaults";
import { defineCommand } from "../spec/command-spec.js";
import { option } from "../spec/option-spec.js";

export const huntSpec = defineCommand({
  name: "hunt",
  description: "Run the detections' KQL twins over a Log Analytics workspace: findings per user, fleet-wide",
  options: {
    workspace: option.string("-w, --workspace <id>", "Log Analytics workspace id (a GUID)"),
    detection: option.list("-d, --detection <id>", "a detection: rule file name without .yml, or rule id (repeatable, or comma-separated)"),
    all: option.flag("--all", "every detection that has a KQL twin"),
    since: option.string("--since <time>", "window start: ISO 8601 or relative (30d, 36h, 90m)", "30d"),
    until: option.string("--until <time>", "window end: ISO 8601 or relative (default: now)"),
    users: option.string("--users <list>", "only these users, comma-separated (default: all)"),
    json: option.flag("--json", "print the result as JSON (with --dry-run: the bound queries)"),
    dryRun: option.flag("--dry-run", "print the exact KQL that would be sent, parameters bound, and send nothing"),
    thenInvestigate: option.flag("--then-investigate", "run `oclog investigate` for every user with findings (at or above --fail-on)"),
    failOn: option.choice("--fail-on <severity>", "exit 1 when findings at or above this severity exist", SEVERITIES),
    concurrency: option.positiveInt("--concurrency <n>", "queries in flight at once", HUNT_CONCURRENCY),
    timeout: option.positiveInt("--timeout <seconds>", "server-side limit per query (1-600)", DEFAULT_SERVER_TIMEOUT_SECONDS),
    endpoint: option.string("--endpoint <url>", "Logs Query API endpoint with version (sovereign clouds), e.g. https://api.loganalytics.azure.cn/v1"),
    caFile: option.string("--ca-file <pem>", "extra CA certificate to trust (a TLS-inspecting proxy)"),
    accountUrl: option.string("--account-url <url>", "with --then-investigate: the storage account (else AZURE_STORAGE_CONNECTION_STRING)"),
    containerTemplate: option.string("--container-template <template>", "with --then-investigate: container name template", DEFAULT_CONTAINER_TEMPLATE),
    casesDir: option.string("--cases-dir <dir>", "with --then-investigate: where the cases go, one <user>-<date> folder each (default ./cases)"),
  },
  help: `
Runs as you: your Azure CLI / managed identity login (DefaultAzureCredential) needs Log
Analytics Reader on the workspace. The table is OclogEvents_CL (oclog schema export --format dcr).

Exit status: 0 done, 1 findings at or above --fail-on, 2 usage error, 3 a detection failed or
returned partial results (throttled, timed out, workspace refused); all are reported.

Examples:
  oclog hunt --dry-run --all --since 7d --users alice,bob
  oclog hunt --workspace 0b9f2c4e-1d2a-4c3b-9e8f-7a6b5c4d3e2f --all --since 90d
  oclog hunt -w 0b9f2c4e-1d2a-4c3b-9e8f-7a6b5c4d3e2f -d tool_exec_network_tool_external --json
  oclog hunt -w 0b9f2c4e-1d2a-4c3b-9e8f-7a6b5c4d3e2f --all --fail-on high --then-investigate`,
  async run({ opts }, output) {
    const { huntCommand } = await import("./hunt.js");
    await huntCommand(opts, output);
  },
});
