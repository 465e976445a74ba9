/**
 * The security and reliability lint: the mistakes that lose records or leak secrets when a
 * pipeline ships to the cloud. Rules are data (id, severity, one-line why, check), in the
 * spirit of Sigma rules; `lint()` runs them all and reports every finding.
 */
import type { FluentBitConfig, PluginInstance, PluginKind } from "./config-model.js";
import { definesInline, isOn, propertyText } from "./config-model.js";
import type { Diagnostic, Location, Severity } from "./diagnostic.js";
import { INTERPOLATION } from "./property-types.js";
import { instanceLocation } from "./schema-validator.js";
import { covers, inputTag, inputsReaching } from "./tag-routing.js";
import { DATA_FLOW_RULES } from "./data-flow-rules.js";
import { VALUE_RULES } from "./value-rules.js";
import { applyAllowances, type Allowance } from "./allowances.js";

export interface LintFinding {
  location: Location;
  message: string;
  hint?: string;
}

export interface LintRule {
  id: string;
  severity: Severity;
  /** One line: what goes wrong if this is ignored. */
  why: string;
  check(config: FluentBitConfig): LintFinding[];
}

/** Outputs that keep records on the machine; everything else ships them somewhere. */
const LOCAL_OUTPUTS = new Set(["stdout", "null", "file", "counter", "exit", "flowcounter", "lib", "plot", "prometheus_exporter", "vivo_exporter"]);

/** Properties that hold credentials in some plugin. */
const SECRET_PROPERTIES = new Set([
  "sas_token", "shared_key", "client_secret", "http_passwd", "password", "passwd", "tls.key_passwd",
  "configuration_endpoint_password", "configuration_endpoint_bearer_token", "aws_secret_access_key", "api_key", "apikey", "token",
]);

type Indexed = { instance: PluginInstance; index: number; kind: PluginKind };

function each(config: FluentBitConfig, kind: PluginKind): Indexed[] {
  return (config.pipeline[kind] ?? []).map((instance, index) => ({ instance, index, kind }));
}
const shippingOutputs = (config: FluentBitConfig) => each(config, "outputs").filter((o) => !LOCAL_OUTPUTS.has(o.instance.name));
const azureBlobs = (config: FluentBitConfig) => each(config, "outputs").filter((o) => o.instance.name === "azure_blob");
const at = (o: Indexed, property?: string) => instanceLocation(o.kind, o.index, o.instance, property);
const usesSas = (o: Indexed) => (propertyText(o.instance, "auth_type") ?? "key").toLowerCase() === "sas";

function isLoopback(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  try {
    const host = new URL(endpoint).hostname;
    return host === "localhost" || host.startsWith("127.") || host === "[::1]";
  } catch {
    return false;
  }
}

/** Whether a lua filter is oclog's redaction filter. */
export function isRedactionFilter(filter: PluginInstance): boolean {
  return filter.name === "lua" && propertyText(filter, "call") === "redact" && /(^|\/)redact\.lua$/.test(propertyText(filter, "script") ?? "");
}

export const LINT_RULES: readonly LintRule[] = [
  {
    id: "retry-limit",
    severity: "error",
    why: "Fluent Bit retries a failed flush once by default, then drops the chunk: any outage longer than that loses records.",
    check: (config) =>
      shippingOutputs(config)
        .filter((o) => !["no_limits", "false"].includes((propertyText(o.instance, "retry_limit") ?? "1").toLowerCase()))
        .map((o) => ({ location: at(o, "retry_limit"), message: `retry_limit is ${propertyText(o.instance, "retry_limit") ?? "unset (default 1)"} on an output that ships records`, hint: "retry_limit: no_limits (with filesystem buffering, so retries survive restarts)" })),
  },
  {
    id: "memory-buffer",
    severity: "error",
    why: "Records buffered in memory are lost when Fluent Bit stops or crashes before the output takes them.",
    check: (config) =>
      shippingOutputs(config).length === 0
        ? []
        : each(config, "inputs")
            .filter((i) => (propertyText(i.instance, "storage.type") ?? "memory").toLowerCase() !== "filesystem")
            .map((i) => ({ location: at(i, "storage.type"), message: "input buffers in memory only", hint: "storage.type: filesystem" })),
  },
  {
    id: "storage-path",
    severity: "error",
    why: "Without service storage.path, filesystem buffering has nowhere to write and chunks live in memory only.",
    check: (config) =>
      shippingOutputs(config).length > 0 && !config.service?.["storage.path"]
        ? [{ location: { section: "service", property: "storage.path" }, message: "no storage.path: nothing survives a restart", hint: "storage.path: /var/lib/fluent-bit/storage" }]
        : [],
  },
  {
    id: "azure-blob-plain-http",
    severity: "error",
    why: "azure_blob talks plain HTTP unless tls is on, so records and the SAS cross the network readable.",
    check: (config) =>
      azureBlobs(config)
        .filter((o) => !isOn(o.instance, "tls", false) && !isLoopback(propertyText(o.instance, "endpoint")))
        .map((o) => ({ location: at(o, "tls"), message: "tls is off against a real Azure endpoint", hint: "tls: on (and leave tls.verify on)" })),
  },
  {
    id: "azure-blob-appendblob",
    severity: "error",
    why: "Append blobs stop at 50,000 blocks, and a retried append through a SAS loses its signature: records are dropped.",
    check: (config) =>
      azureBlobs(config)
        .filter((o) => (propertyText(o.instance, "blob_type") ?? "appendblob").toLowerCase() === "appendblob")
        .map((o) => ({ location: at(o, "blob_type"), message: `blob_type is ${propertyText(o.instance, "blob_type") ?? "unset (default appendblob)"}`, hint: "blob_type: blockblob (one blob per flush)" })),
  },
  {
    id: "azure-blob-auto-create",
    severity: "error",
    why: "With a container-scoped SAS the container check needs rights the SAS does not have, so every upload fails.",
    check: (config) =>
      azureBlobs(config)
        .filter((o) => usesSas(o) && isOn(o.instance, "auto_create_container", true))
        .map((o) => ({ location: at(o, "auto_create_container"), message: "auto_create_container is on with SAS authentication", hint: "auto_create_container: off (create the container when the user is onboarded)" })),
  },
  {
    id: "inline-secret",
    severity: "error",
    why: "A secret written into the pipeline file ends up in backups, diffs and bug reports, and cannot be rotated on its own.",
    check: (config) => {
      const findings: LintFinding[] = [];
      for (const kind of ["inputs", "filters", "outputs"] as const) {
        for (const o of each(config, kind)) {
          for (const [key, value] of Object.entries(o.instance)) {
            if (!SECRET_PROPERTIES.has(key.toLowerCase())) continue;
            const text = String(Array.isArray(value) ? value[0] : value);
            const variable = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(text)?.[1];
            if (!INTERPOLATION.test(text)) {
              findings.push({ location: at(o, key), message: `${key} is written inline`, hint: `${key}: \${VARIABLE}, with the variable defined in an included file only its service can read` });
            } else if (variable && definesInline(config, variable)) {
              findings.push({ location: at(o, key), message: `${key} comes from \${${variable}}, which this same file's env section defines inline`, hint: "move the env entry into an included file the rotator owns" });
            }
          }
        }
      }
      return findings;
    },
  },
  {
    id: "no-redaction",
    severity: "error",
    why: "Agent logs carry tokens and keys; without the redaction filter in front of a cloud output they leave the machine as they are.",
    check: (config) => {
      const redactions = (config.pipeline.filters ?? []).filter(isRedactionFilter);
      const findings: LintFinding[] = [];
      for (const o of shippingOutputs(config)) {
        const exposed = inputsReaching(config, o.instance).filter((input) => !redactions.some((f) => covers(f, inputTag(input))));
        if (exposed.length) {
          findings.push({ location: at(o), message: `records from ${exposed.map((i) => inputTag(i) ?? `${i.name} (any tag)`).join(", ")} reach this output without the redaction filter`, hint: "add the lua filter (script redact.lua, call redact) with match: '*'" });
        }
      }
      return findings;
    },
  },
  {
    id: "hot-reload",
    severity: "warning",
    why: "azure_blob reads its SAS once at start-up; without hot reload a rotated SAS is only picked up by a restart.",
    check: (config) =>
      azureBlobs(config).some(usesSas) && !isOn(config.service, "hot_reload", false)
        ? [{ location: { section: "service", property: "hot_reload" }, message: "hot_reload is off while azure_blob authenticates with a SAS", hint: "hot_reload: on, and reload after installing a new SAS" }]
        : [],
  },
  {
    id: "tail-position-db",
    severity: "error",
    why: "Without a position database a restarted tail starts at the end of each file: lines written while it was down are never read.",
    check: (config) =>
      each(config, "inputs")
        .filter((i) => i.instance.name === "tail" && !propertyText(i.instance, "db"))
        .map((i) => ({ location: at(i, "db"), message: "tail input without a position database", hint: "db: /var/lib/fluent-bit/<input>.db" })),
  },
  {
    id: "tail-long-lines",
    severity: "error",
    why: "A line longer than buffer_max_size (32k by default) makes tail stop reading the file, or silently skips it with skip_long_lines.",
    check: (config) =>
      each(config, "inputs")
        .filter((i) => i.instance.name === "tail" && (isOn(i.instance, "skip_long_lines", false) || !isOn(i.instance, "truncate_long_lines", false)))
        .map((i) => ({
          location: at(i, isOn(i.instance, "skip_long_lines", false) ? "skip_long_lines" : "truncate_long_lines"),
          message: isOn(i.instance, "skip_long_lines", false) ? "skip_long_lines drops long lines without a trace" : "a long line stops this input",
          hint: "buffer_max_size: 4M and truncate_long_lines: on (the truncated line still arrives, and the investigator quarantines it)",
        })),
  },
  {
    id: "unbounded-buffer",
    severity: "warning",
    why: "An unbounded buffer fills the disk or memory during a long outage and takes the machine down with it.",
    check: (config) => {
      const findings: LintFinding[] = [];
      for (const o of shippingOutputs(config)) {
        if (!propertyText(o.instance, "storage.total_limit_size")) findings.push({ location: at(o, "storage.total_limit_size"), message: "no cap on this output's filesystem buffer", hint: "storage.total_limit_size: 1G" });
      }
      for (const i of each(config, "inputs")) {
        const memory = (propertyText(i.instance, "storage.type") ?? "memory").toLowerCase() === "memory";
        if (memory && !propertyText(i.instance, "mem_buf_limit")) findings.push({ location: at(i, "mem_buf_limit"), message: "memory buffer without mem_buf_limit", hint: "mem_buf_limit: 32M" });
      }
      return findings;
    },
  },
  {
    id: "http-server-exposed",
    severity: "warning",
    why: "Fluent Bit's HTTP server (metrics, reload) listens on 0.0.0.0 by default and has no authentication.",
    check: (config) =>
      isOn(config.service, "http_server", false) && (config.service?.http_listen ?? "0.0.0.0") !== "127.0.0.1"
        ? [{ location: { section: "service", property: "http_listen" }, message: `the HTTP server listens on ${config.service?.http_listen ?? "0.0.0.0 (default)"}`, hint: "http_listen: 127.0.0.1" }]
        : [],
  },
  ...DATA_FLOW_RULES,
  ...VALUE_RULES,
];

/** Every lint finding of `config`, as diagnostics; findings matching an allowance become warnings carrying its reason. */
export function lint(config: FluentBitConfig, rules: readonly LintRule[] = LINT_RULES, allowances: readonly Allowance[] = []): Diagnostic[] {
  const found = rules.flatMap((rule) => rule.check(config).map((f) => ({ severity: rule.severity, rule: rule.id, location: f.location, message: f.message, ...(f.hint ? { hint: f.hint } : {}) })));
  return applyAllowances(found, allowances);
}
