/**
 * The `openclaw-vm` preset: the pipeline the hardened VM runs. Every source OpenClaw and the
 * VM write is tailed or received, redacted, stamped with the oclog envelope and shipped to the
 * user's container with settings that survive outages, restarts and SAS rotation. Field names
 * come from @oclog/schema; per-VM values default to `${VARIABLE}`s the VM provides, so one
 * checked-in file serves every VM. An optional second output to Azure Monitor Logs
 * (`azure_logs=on`, azure-logs-output.ts) is off by default.
 */
import { ENVELOPE_FIELDS, ENVELOPE_VERSION, LOG_SOURCES, type PipelineSource } from "@oclog/schema";
import { UsageError } from "@oclog/errors";
import type { FluentBitConfig, ParserDefinition, PluginInstance } from "../config-model.js";
import { compareVersions, resolveVersion } from "../plugin-schema.js";
import { AZURE_LOGS_PARAMS, azureLogsEnabled, azureLogsOutput } from "../azure-logs-output.js";
import { checkParams, PARAM_KINDS, type ParamKindName } from "./param-kinds.js";

/** Every parameter the preset takes, with its default and what it is. */
export const OPENCLAW_VM_PARAMS = {
  user: { default: "${OCLOG_USER}", kind: "userId", doc: "the user the VM belongs to (oclog_user)" },
  host: { default: "${HOSTNAME}", kind: "hostName", doc: "the VM's host name (oclog_host); Fluent Bit predefines ${HOSTNAME}" },
  storage_account: { default: "${OCLOG_STORAGE_ACCOUNT}", kind: "storageAccount", doc: "Azure storage account name" },
  container: { default: "${OCLOG_CONTAINER}", kind: "container", doc: "the user's container (default oclog-<user> when user is given)" },
  endpoint: { default: "${OCLOG_BLOB_ENDPOINT}", kind: "blobEndpoint", doc: "blob service URL, https://<account>.blob.core.windows.net on Azure; its scheme decides TLS, so always https" },
  emulator_mode: { default: "${OCLOG_BLOB_EMULATOR}", kind: "onOff", doc: "on for Azurite (the account is the URL's first path segment), off for Azure" },
  tls_ca_file: { default: "${OCLOG_TLS_CA_FILE}", kind: "absolutePath", doc: "CA bundle that verifies the blob endpoint (the system bundle on the VM)" },
  // Fluent Bit resolves a relative include against the main file's directory and expands no
  // ${VARIABLE} in include paths, so the includes are named relative to the pipeline file.
  sas_include: { default: "oclog-sas.yaml", kind: "includeFile", doc: "include file the SAS rotator writes (env OCLOG_SAS_TOKEN), relative to the pipeline file" },
  params_include: { default: "oclog-params.yaml", kind: "includeFile", doc: "include file with the per-VM env values (OCLOG_USER, ...), relative to the pipeline file" },
  lua_dir: { default: "${OCLOG_LUA_DIR}", kind: "absolutePath", doc: "where redact.lua is installed" },
  gateway_logs: { default: "${OCLOG_GATEWAY_LOGS}", kind: "absolutePath", doc: "the gateway unit's LogsDirectory (logging.file points here)" },
  config_audit: { default: "${OCLOG_CONFIG_AUDIT}", kind: "absolutePath", doc: "OpenClaw's config audit file" },
  nginx_access_log: { default: "${OCLOG_NGINX_ACCESS_LOG}", kind: "absolutePath", doc: "nginx's JSON access log" },
  forward_socket: { default: "${OCLOG_FORWARD_SOCKET}", kind: "absolutePath", doc: "unix socket of the forward input (collector, oclog)" },
  state_dir: { default: "${OCLOG_STATE_DIR}", kind: "absolutePath", doc: "position databases and the filesystem buffer" },
  journal_dir: { default: "${OCLOG_JOURNAL_DIR}", kind: "absolutePathOrEmpty", doc: "journal directory both systemd inputs read; empty: the system journal (runtime and persistent)" },
  http_port: { default: "${OCLOG_HTTP_PORT}", kind: "port", doc: "port of the HTTP server on 127.0.0.1 (metrics, health, hot reload)" },
  buffer_limit: { default: "2G", kind: "size", doc: "cap of the blob output's filesystem buffer" },
  journal_units: { default: "openclaw.service,nginx.service,oclog-collect.service,oclog-guard.service,fluent-bit.service,openclaw-sandbox-podman.service", kind: "unitList", doc: "units whose journal is shipped" },
  ...AZURE_LOGS_PARAMS,
} as const satisfies Record<string, { default: string; kind: ParamKindName; doc: string }>;
export type OpenclawVmParam = keyof typeof OPENCLAW_VM_PARAMS;

/**
 * The start of every kernel log line the egress ruleset (vm/nftables) writes; what follows is
 * the verdict: `log` (recorded, let through) or `reject`.
 */
export const EGRESS_LOG_PREFIX = "oclog-egress-";

/**
 * The nftables log line, e.g. `oclog-egress-log: IN= OUT=eth0 SRC=10.0.0.4 DST=203.0.113.7 LEN=60
 * ... PROTO=TCP SPT=40522 DPT=443 ... UID=998 GID=998`. Onigmo (Fluent Bit) and
 * JavaScript read it alike. Ports are absent for ICMP (only rejected, never logged as a
 * connection), UID/GID when a packet has no socket owner; IPv6 addresses come fully expanded.
 */
export const EGRESS_LINE_REGEX = String.raw`^${EGRESS_LOG_PREFIX}(?<verdict>[a-z]+): IN=\S* OUT=(?<out>\S*) (?:MAC=\S* )?SRC=(?<src>\S+) DST=(?<dst>\S+) .*?PROTO=(?<proto>\S+)(?: SPT=(?<spt>\d+) DPT=(?<dpt>\d+))?(?:.*? UID=(?<uid>\d+) GID=(?<gid>\d+))?`;

/** The tag of each source's records; its last part is the envelope's `oclog_source`. */
const tag = (source: PipelineSource) => `openclaw.${source}`;

/** The service's grace period: a hot reload after the SAS expired takes this long (sas install waits for it). */
export const OPENCLAW_VM_GRACE_SECONDS = 5;

/** The longest wait between two tries of a chunk that failed to upload. */
const RETRY_WAIT_CAP_SECONDS = 30;

/** How often tail looks for new files matching its path. */
const TAIL_REFRESH_SECONDS = 5;

const PARSERS: ParserDefinition[] = [
  // tslog writes `time` as 2026-11-25T09:49:54.841+00:00.
  { name: "oclog_gateway", format: "json", time_key: "time", time_format: "%Y-%m-%dT%H:%M:%S.%L%z", time_keep: true },
  { name: "oclog_config_audit", format: "json", time_key: "ts", time_format: "%Y-%m-%dT%H:%M:%S.%LZ", time_keep: true },
  // nginx's $time_iso8601: 2026-11-25T09:49:54+00:00.
  { name: "oclog_nginx", format: "json", time_key: "time", time_format: "%Y-%m-%dT%H:%M:%S%z", time_keep: true },
  // The egress record's kernel log line; the record keeps the journal's timestamp.
  { name: "oclog_egress_nft", format: "regex", regex: EGRESS_LINE_REGEX, types: "spt:integer dpt:integer uid:integer gid:integer" },
];

function params(overrides: Record<string, string>): Record<OpenclawVmParam, string> {
  const unknown = Object.keys(overrides).filter((k) => !(k in OPENCLAW_VM_PARAMS));
  if (unknown.length) {
    throw new UsageError(`unknown parameter${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} for preset openclaw-vm`, {
      hint: `known: ${Object.keys(OPENCLAW_VM_PARAMS).join(", ")}`,
    });
  }
  // Every value reaches YAML Fluent Bit expands, and some reach blob paths and every record.
  checkParams("openclaw-vm", overrides, Object.fromEntries(Object.entries(OPENCLAW_VM_PARAMS).map(([k, v]) => [k, v.kind])));
  const values = Object.fromEntries(Object.entries(OPENCLAW_VM_PARAMS).map(([k, v]) => [k, overrides[k] ?? v.default])) as Record<OpenclawVmParam, string>;
  if (overrides.user !== undefined && overrides.container === undefined) {
    values.container = `oclog-${overrides.user}`;
    // A user id may be longer than a container name may be: say so rather than render a pipeline Azure refuses.
    if (!PARAM_KINDS.container.accepts(values.container)) {
      throw new UsageError(`user "${overrides.user}" makes the container name "${values.container}", which is not ${PARAM_KINDS.container.allowed}`, { hint: "pass --param container=<name> as well" });
    }
  }
  return values;
}

/** A tail input with the settings that keep every line: position DB, filesystem buffer, long lines kept. */
function tailInput(source: PipelineSource, path: string, stateDir: string): PluginInstance {
  return {
    name: "tail",
    alias: `in_${source.replace("-", "_")}`,
    tag: tag(source),
    path,
    exclude_path: "*.gz,*.zst",
    path_key: ENVELOPE_FIELDS.path,
    read_from_head: true,
    db: `${stateDir}/tail-${source}.db`,
    "db.locking": true,
    // A new file (the next day's log, a rotated one) is found by this periodic scan; the default
    // 60 s left its first lines waiting that long.
    refresh_interval: TAIL_REFRESH_SECONDS,
    buffer_chunk_size: "256k",
    buffer_max_size: "4M",
    truncate_long_lines: true,
    skip_long_lines: false,
    "storage.type": "filesystem",
  };
}

/** Parses the JSON line in `log` while keeping it (the investigator reads both). */
function parseLine(source: PipelineSource, parser: string): PluginInstance {
  return { name: "parser", alias: `parse_${source.replace("-", "_")}`, match: tag(source), key_name: ENVELOPE_FIELDS.rawLine, parser, reserve_data: true, preserve_key: true };
}

/** The openclaw-vm pipeline for one Fluent Bit version. */
export function openclawVm(options: { fluentBitVersion: string; params?: Record<string, string> }): FluentBitConfig {
  const version = resolveVersion(options.fluentBitVersion);
  const p = params(options.params ?? {});
  const templated = compareVersions(version, "5.0.0") >= 0;

  const inputs: PluginInstance[] = [
    tailInput("gateway", `${p.gateway_logs}/*.log`, p.state_dir),
    tailInput("config-audit", p.config_audit, p.state_dir),
    tailInput("nginx", p.nginx_access_log, p.state_dir),
    {
      // The egress record is the kernel's: nftables logs each new outbound connection of the
      // OpenClaw users (vm/nftables) and journald stores the line with the kernel transport.
      name: "systemd",
      alias: "in_egress",
      tag: tag("egress"),
      systemd_filter: "_TRANSPORT=kernel",
      path: p.journal_dir,
      db: `${p.state_dir}/journal-egress.db`,
      read_from_tail: false,
      // Field names lowercased (MESSAGE -> message): Azure Monitor's columns ignore case, and the
      // other sources already have a `message`.
      lowercase: true,
      strip_underscores: false,
      "storage.type": "filesystem",
    },
    {
      name: "systemd",
      alias: "in_journal",
      tag: tag("journal"),
      // A unit's own output (_SYSTEMD_UNIT) and systemd's messages about it (UNIT): started,
      // stopped, failed, restarted. The latter come from PID 1, whose own unit is init.scope.
      systemd_filter: p.journal_units.split(",").flatMap((unit) => [`_SYSTEMD_UNIT=${unit.trim()}`, `UNIT=${unit.trim()}`]),
      systemd_filter_type: "Or",
      path: p.journal_dir,
      db: `${p.state_dir}/journal.db`,
      read_from_tail: false,
      lowercase: true,
      strip_underscores: false,
      "storage.type": "filesystem",
    },
    // The collector and oclog send already-tagged records (openclaw.transcript, openclaw.ledger, ...).
    { name: "forward", alias: "in_forward", unix_path: p.forward_socket, unix_perm: "0660", "storage.type": "filesystem" },
  ];

  const filters: PluginInstance[] = [
    parseLine("gateway", "oclog_gateway"),
    parseLine("config-audit", "oclog_config_audit"),
    parseLine("nginx", "oclog_nginx"),
    // Only the ruleset's lines stay in the egress source: one record, one connection. The rest of
    // the kernel log (drivers, OOM kills, AppArmor denials) is not egress, was never shipped, and
    // would need a source of its own; the drop is counted in Fluent Bit's metrics
    // (fluentbit_filter_drop_records_total{name="keep_egress"}), not silent.
    { name: "grep", alias: "keep_egress", match: tag("egress"), regex: `message ^${EGRESS_LOG_PREFIX}` },
    // The line stays next to the fields, as the tailed sources keep their raw line.
    { name: "parser", alias: "parse_egress", match: tag("egress"), key_name: "message", parser: "oclog_egress_nft", reserve_data: true, preserve_key: true },
    // After parsing, so secrets are masked in the parsed fields and in the raw line alike, and
    // before anything else: no later filter, and nothing shipped, sees a secret.
    { name: "lua", alias: "redact", match: "*", script: `${p.lua_dir}/redact.lua`, call: "redact", protected_mode: true },
    {
      name: "record_modifier",
      alias: "envelope",
      match: "*",
      record: [`${ENVELOPE_FIELDS.user} ${p.user}`, `${ENVELOPE_FIELDS.host} ${p.host}`, `${ENVELOPE_FIELDS.version} ${ENVELOPE_VERSION}`],
    },
    // oclog_source is the tag's last part, for every source @oclog/schema knows (forwarded
    // records get theirs the same way); a source added there is stamped here without an edit.
    ...LOG_SOURCES.map((s) => s.pipelineName).map((source) => ({
      name: "record_modifier",
      alias: `source_${source.replace("-", "_")}`,
      match: tag(source),
      record: `${ENVELOPE_FIELDS.source} ${source}`,
    })),
  ];

  const output: PluginInstance = {
    name: "azure_blob",
    alias: "ship",
    match: "openclaw.*",
    account_name: p.storage_account,
    container_name: p.container,
    auth_type: "sas",
    sas_token: "${OCLOG_SAS_TOKEN}",
    ...(p.endpoint ? { endpoint: p.endpoint } : {}),
    emulator_mode: p.emulator_mode,
    tls: true,
    "tls.verify": true,
    "tls.ca_file": p.tls_ca_file,
    blob_type: "blockblob",
    auto_create_container: false,
    compress: "gzip",
    compress_blob: true,
    // v5 templates the path: per source and upload hour. v4 writes it literally, and its blob
    // names start with the tag, so a listing by source still works.
    path: templated ? `oclog/${p.user}/$TAG/%Y/%m/%d/%H` : `oclog/${p.user}`,
    date_key: ENVELOPE_FIELDS.timestamp,
    retry_limit: "no_limits",
    "storage.total_limit_size": p.buffer_limit,
  };

  // Off by default, and then absent: the checked-in pipeline has no Azure Monitor output.
  const azureLogs = azureLogsEnabled(p.azure_logs);

  return {
    includes: [p.params_include, p.sas_include, ...(azureLogs ? [p.azure_logs_include] : [])],
    service: {
      flush: 5,
      // How long a stop, and the old pipeline of a hot reload, waits for flushes in progress.
      // After a SAS expired the old pipeline's retries never succeed, so a reload takes all of
      // it; the filesystem buffer keeps what is not flushed, so waiting longer saves nothing.
      grace: OPENCLAW_VM_GRACE_SECONDS,
      // Not info: Fluent Bit's output goes to the journal, which its own journal input ships.
      // At info every upload logs a line ("auto_create_container is disabled, ..."), that line
      // is the next upload, and so on: the booted VM wrote one blob every 5 s of nothing but
      // Fluent Bit talking about its last blob. Its warnings and errors still ship.
      log_level: "warn",
      http_server: true,
      http_listen: "127.0.0.1",
      http_port: p.http_port,
      health_check: true,
      hot_reload: true,
      // After a SAS expires the default reload waits forever for chunks that cannot flush.
      "hot_reload.ensure_thread_safety": false,
      "storage.path": `${p.state_dir}/storage`,
      "storage.sync": "full",
      // On, a SIGKILL loses the chunk being filled: on restart it fails its CRC and is set
      // aside while the tail offset has already moved past its lines (measured: 11 and 86 lines).
      "storage.checksum": false,
      "storage.backlog.mem_limit": "16M",
      // A failed chunk waits a random time up to base * 2^retries before its next try, capped at
      // 2000 s by default: after an outage its records could sit on disk for half an hour while
      // newer ones ship. Capped, the backlog follows within half a minute of the storage's return.
      "scheduler.cap": RETRY_WAIT_CAP_SECONDS,
      "storage.max_chunks_up": 64,
    },
    parsers: PARSERS,
    pipeline: { inputs, filters, outputs: azureLogs ? [output, azureLogsOutput(p, (source) => tag(source as PipelineSource))] : [output] },
  };
}
