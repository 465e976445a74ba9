/**
 * The optional second output of the openclaw-vm preset: the same redacted, enveloped records
 * to Azure Monitor Logs through Fluent Bit's `azure_logs_ingestion` (Logs Ingestion API, a
 * data collection rule). It lands them in `OclogRaw_CL`; the DCR comes from
 * `oclog schema export --format dcr`. Off by default: it needs an Entra app secret on the VM
 * (README.md, "Azure Monitor Logs").
 */
import { OCLOG_RAW_TABLE, RAW_TABLE_SOURCES, TIME_GENERATED, streamFor } from "@oclog/schema";
import { UsageError } from "@oclog/errors";
import type { PluginInstance } from "./config-model.js";
import type { ParamKindName } from "./presets/param-kinds.js";

/** The variable the host's include file defines; the pipeline never holds the secret itself. */
export const AZURE_LOGS_SECRET_VARIABLE = "OCLOG_AZURE_LOGS_CLIENT_SECRET";

const STREAM_PREFIX = streamFor("");

/** The preset's parameters for this output, with their defaults and what they are. */
export const AZURE_LOGS_PARAMS = {
  azure_logs: { default: "off", kind: "onOff", doc: "on: also ship to Azure Monitor Logs (needs an Entra app secret on the VM; see packages/fluent-bit/README.md)" },
  azure_tenant_id: { default: "${OCLOG_AZURE_TENANT_ID}", kind: "guid", doc: "Entra tenant of the app that may write to the DCR" },
  azure_client_id: { default: "${OCLOG_AZURE_CLIENT_ID}", kind: "guid", doc: "client (application) id of that app" },
  azure_dce_url: { default: "${OCLOG_AZURE_DCE_URL}", kind: "httpsUrl", doc: "logs ingestion URL of the data collection endpoint (https://<dce>.<region>.ingest.monitor.azure.com)" },
  azure_dcr_id: { default: "${OCLOG_AZURE_DCR_ID}", kind: "dcrId", doc: "immutable id of the DCR (dcr-...)" },
  azure_stream: { default: streamFor(OCLOG_RAW_TABLE), kind: "stream", doc: "DCR stream the records go to (Custom-<name>; Fluent Bit's table_name is <name>)" },
  azure_logs_include: { default: "oclog-azure-logs.yaml", kind: "includeFile", doc: `include file the host writes with the app secret (env ${AZURE_LOGS_SECRET_VARIABLE}), relative to the pipeline file` },
  azure_buffer_limit: { default: "1G", kind: "size", doc: "cap of this output's share of the filesystem buffer" },
} as const satisfies Record<string, { default: string; kind: ParamKindName; doc: string }>;
export type AzureLogsParam = keyof typeof AZURE_LOGS_PARAMS;

/** Whether the `azure_logs` parameter turns the output on; anything but on/off is a usage error. */
export function azureLogsEnabled(value: string): boolean {
  if (value === "on" || value === "off") return value === "on";
  throw new UsageError(`azure_logs is "${value}"`, { hint: "azure_logs=on or azure_logs=off (the default)" });
}

/**
 * The `azure_logs_ingestion` output. `tagOf` gives a source's tag; only sources @oclog/schema can
 * normalize are sent (the others stay in the blobs).
 */
export function azureLogsOutput(p: Record<AzureLogsParam, string>, tagOf: (source: string) => string): PluginInstance {
  if (!p.azure_stream.startsWith(STREAM_PREFIX) || p.azure_stream.length === STREAM_PREFIX.length) {
    throw new UsageError(`azure_stream "${p.azure_stream}" is not a custom stream`, { hint: `${STREAM_PREFIX}<name>: Fluent Bit posts to ${STREAM_PREFIX}<table_name>` });
  }
  const tags = RAW_TABLE_SOURCES.map((source) => tagOf(source).replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return {
    name: "azure_logs_ingestion",
    alias: "hunt",
    match_regex: `^(${tags.join("|")})$`,
    tenant_id: p.azure_tenant_id,
    client_id: p.azure_client_id,
    // Only ever a reference: the value lives in the include file the host writes.
    client_secret: `\${${AZURE_LOGS_SECRET_VARIABLE}}`,
    dce_url: p.azure_dce_url,
    dcr_id: p.azure_dcr_id,
    // The plugin posts to `Custom-<table_name>`: table_name names the stream, not the table.
    table_name: p.azure_stream.slice(STREAM_PREFIX.length),
    // The record's Fluent Bit time, ISO 8601, in the column every table needs.
    time_generated: true,
    time_key: TIME_GENERATED,
    compress: true,
    tls: true,
    "tls.verify": true,
    retry_limit: "no_limits",
    "storage.total_limit_size": p.azure_buffer_limit,
  };
}
