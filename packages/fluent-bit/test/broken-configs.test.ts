// The table of broken pipelines: each starts from the generated openclaw-vm preset (valid),
// breaks one thing, and must be rejected with exactly that finding, at that place.
import test from "ava";
import { stringify } from "yaml";
import { LINT_RULES, formatDiagnostic, openclawVmConfig, validateConfig, validateYaml, type FluentBitConfig, type PluginInstance } from "./preset-fixture.js";

type Mutation = (c: FluentBitConfig) => void;
const output = (c: FluentBitConfig): PluginInstance => c.pipeline.outputs[0]!;
const input = (c: FluentBitConfig, alias: string): PluginInstance => c.pipeline.inputs.find((i) => i.alias === alias)!;

interface Case {
  title: string;
  version?: string;
  mutate: Mutation;
  rule: string;
  severity?: "error" | "warning";
  /** The formatted diagnostic must match this (section, plugin instance, property, message). */
  expect: RegExp;
  /** Other rules the same break rightly triggers (an unknown output is also an output the data flow does not allow). */
  also?: string[];
}

const CASES: Case[] = [
  { title: "unknown plugin", mutate: (c) => void (output(c).name = "azure_blobs"), rule: "schema/unknown-plugin", expect: /pipeline\.outputs\[0\] azure_blobs "ship": unknown output plugin "azure_blobs" in Fluent Bit 5\.1\.1; did you mean "azure_blob"\?/, also: ["data-flow/output"] },
  { title: "misspelled property", mutate: (c) => { const o = output(c); o.date_kye = o.date_key!; delete o.date_key; }, rule: "schema/unknown-property", expect: /pipeline\.outputs\[0\] azure_blob "ship" property date_kye: azure_blob has no property "date_kye" in Fluent Bit 5\.1\.1; did you mean "date_key"\?/ },
  { title: "wrong type (boolean)", mutate: (c) => void (output(c).compress_blob = "maybe"), rule: "schema/wrong-type", expect: /property compress_blob: compress_blob \(boolean\) expects on\/off, got "maybe"/ },
  { title: "wrong type (size)", mutate: (c) => void (input(c, "in_gateway").buffer_max_size = "lots"), rule: "schema/wrong-type", expect: /pipeline\.inputs\[0\] tail "in_gateway" property buffer_max_size: buffer_max_size \(size\) expects a size/ },
  { title: "missing required", mutate: (c) => void delete output(c).container_name, rule: "schema/missing-required", expect: /property container_name: azure_blob cannot start without "container_name"/ },
  { title: "5.x-only property on 4.x", version: "4.2.8", mutate: (c) => void (input(c, "in_gateway").rate_gate = true), rule: "schema/version-only", expect: /property rate_gate: "rate_gate" exists only in Fluent Bit 5\.1\.1, not 4\.2\.8/ },
  { title: "5.x path templating on 4.x", version: "4.2.8", mutate: (c) => void (output(c).path = "oclog/alice/$TAG/%Y/%m/%d"), rule: "schema/version-only", expect: /property path: path templating .* arrived in Fluent Bit 5\.x; 4\.2\.8 writes "oclog\/alice\/\$TAG\/%Y\/%m\/%d" literally/ },
  { title: "5.x-only plugin on 4.x", version: "4.2.8", mutate: (c) => void c.pipeline.inputs.push({ name: "fluentbit_logs", tag: "openclaw.fluentbit", "storage.type": "filesystem" }), rule: "schema/version-only", expect: /input plugin "fluentbit_logs" exists only in Fluent Bit 5\.1\.1, not 4\.2\.8/ },
  { title: "misspelled regex parser key", mutate: (c) => { const p = c.parsers!.find((d) => d.format === "regex")!; Object.assign(p, { regexp: p.regex }); }, rule: "config/unknown-key", expect: /parsers\[\d\] property regexp: unknown key "regexp"/ },
  { title: "regex parser without its regex", mutate: (c) => void delete c.parsers!.find((d) => d.format === "regex")!.regex, rule: "config/invalid", expect: /parsers\[\d\].*a regex parser needs `regex`/ },
  { title: "unknown service key", mutate: (c) => void ((c.service as Record<string, unknown>)["hot_reloads"] = "on"), rule: "config/unknown-key", expect: /service property hot_reloads: unknown key "hot_reloads"; did you mean "hot_reload"\?/ },
  // One per lint rule.
  { title: "retry_limit left at its default", mutate: (c) => void delete output(c).retry_limit, rule: "retry-limit", expect: /property retry_limit: retry_limit is unset \(default 1\) on an output that ships records/ },
  { title: "an input on memory storage", mutate: (c) => void Object.assign(input(c, "in_egress"), { "storage.type": "memory", mem_buf_limit: "32M" }), rule: "memory-buffer", expect: /systemd "in_egress" property storage\.type: input buffers in memory only/ },
  { title: "no storage.path", mutate: (c) => void delete c.service!["storage.path"], rule: "storage-path", expect: /service property storage\.path: no storage\.path/ },
  { title: "tls off against Azure", mutate: (c) => void (output(c).tls = false), rule: "azure-blob-plain-http", expect: /property tls: tls is off against a real Azure endpoint/ },
  { title: "appendblob", mutate: (c) => void (output(c).blob_type = "appendblob"), rule: "azure-blob-appendblob", expect: /property blob_type: blob_type is appendblob/ },
  { title: "auto_create_container with a SAS", mutate: (c) => void (output(c).auto_create_container = true), rule: "azure-blob-auto-create", expect: /property auto_create_container: auto_create_container is on with SAS authentication/ },
  { title: "SAS written inline", mutate: (c) => void (output(c).sas_token = "sv=2024-11-04&sp=cw&sig=abc"), rule: "inline-secret", expect: /property sas_token: sas_token is written inline/ },
  { title: "SAS variable defined in the same file", mutate: (c) => void (c.env = { OCLOG_SAS_TOKEN: "sv=2024-11-04&sp=cw&sig=abc" }), rule: "inline-secret", expect: /sas_token comes from \$\{OCLOG_SAS_TOKEN\}, which this same file's env section defines inline/ },
  { title: "no redaction filter", mutate: (c) => void (c.pipeline.filters = c.pipeline.filters!.filter((f) => f.name !== "lua")), rule: "no-redaction", expect: /pipeline\.outputs\[0\] azure_blob "ship": records from .*openclaw\.gateway.* reach this output without the redaction filter/ },
  { title: "hot reload off", mutate: (c) => void (c.service!.hot_reload = false), rule: "hot-reload", severity: "warning", expect: /service property hot_reload: hot_reload is off while azure_blob authenticates with a SAS/ },
  { title: "tail without a position DB", mutate: (c) => void delete input(c, "in_nginx").db, rule: "tail-position-db", expect: /tail "in_nginx" property db: tail input without a position database/ },
  { title: "tail skipping long lines", mutate: (c) => void (input(c, "in_gateway").skip_long_lines = true), rule: "tail-long-lines", expect: /tail "in_gateway" property skip_long_lines: skip_long_lines drops long lines without a trace/ },
  { title: "no cap on the output buffer", mutate: (c) => void delete output(c)["storage.total_limit_size"], rule: "unbounded-buffer", severity: "warning", expect: /property storage\.total_limit_size: no cap on this output's filesystem buffer/ },
  // Issue 20: the allowed data flow and hostile values.
  { title: "a second output", mutate: (c) => void c.pipeline.outputs.push({ name: "stdout", alias: "debug", match: "*" }), rule: "data-flow/output", expect: /pipeline\.outputs\[1\] stdout "debug": records leave through stdout \(match \*\): only the preset's azure_blob output/ },
  { title: "an input the blob output does not receive", mutate: (c) => void (input(c, "in_nginx").tag = "nginx.access"), rule: "data-flow/unshipped", expect: /tail "in_nginx" property tag: records tagged nginx\.access reach neither the blob output \(match openclaw\.\*\) nor the Azure Logs output/ },
  { title: "a grep exclude on the way to the blob output", mutate: (c) => void c.pipeline.filters!.push({ name: "grep", alias: "hide", match: "openclaw.gateway", exclude: "message secret" }), rule: "data-flow/filter", expect: /grep "hide": grep filter on the way to the blob output: its exclude drops every record it matches/ },
  { title: "a line break in a value", mutate: (c) => void ((c.pipeline.filters!.find((f) => f.alias === "envelope")!.record as string[])[1] = "oclog_host vm\nforged: true"), rule: "value/control-character", expect: /record_modifier "envelope" property record: value "oclog_host vm\\nforged: true" holds a line break or control character/ },
  { title: "the SAS copied into every record", mutate: (c) => void (c.pipeline.filters!.find((f) => f.alias === "envelope")!.record as string[]).push("oclog_note ${OCLOG_SAS_TOKEN}"), rule: "value/env-reference", expect: /record_modifier "envelope" property record: \$\{OCLOG_SAS_TOKEN\} is a secret the preset only puts in sas_token/ },
  { title: "env overriding the host name", mutate: (c) => void (c.env = { HOSTNAME: "vm-bob" }), rule: "value/env-override", expect: /env property HOSTNAME: env defines HOSTNAME inline, overriding the value the VM's params include provides/ },
  { title: "HTTP server on every interface", mutate: (c) => void (c.service!.http_listen = "0.0.0.0"), rule: "http-server-exposed", severity: "warning", expect: /service property http_listen: the HTTP server listens on 0\.0\.0\.0/ },
];

for (const c of CASES) {
  test(`rejects: ${c.title}`, (t) => {
    const version = c.version ?? "5.1.1";
    const config = openclawVmConfig(version);
    c.mutate(config);
    // Through YAML, as `oclog fluent-bit validate FILE` reads it.
    const report = validateYaml(stringify(config), version, "broken.yaml");
    t.deepEqual(report.diagnostics.map((d) => d.rule).sort(), [c.rule, ...(c.also ?? [])].sort(), report.diagnostics.map(formatDiagnostic).join("\n"));
    const d = report.diagnostics.find((found) => found.rule === c.rule);
    t.is(d!.rule, c.rule);
    t.is(d!.severity, c.severity ?? "error");
    t.regex(formatDiagnostic(d!), c.expect);
  });
}

test("every lint rule has a case in the table, and an id, a severity and a one-line why", (t) => {
  const covered = new Set(CASES.map((c) => c.rule));
  for (const rule of LINT_RULES) {
    t.true(covered.has(rule.id), `no broken config triggers ${rule.id}`);
    t.regex(rule.why, /^\S.{20,200}[.:]$/, rule.id);
    t.false(rule.why.includes("\n"), rule.id);
  }
});

test("several problems are all reported at once", (t) => {
  const config = openclawVmConfig("5.1.1");
  output(config).tls = false;
  output(config).blob_type = "appendblob";
  input(config, "in_gateway").pathh = "/x";
  const report = validateConfig(config, "5.1.1");
  t.deepEqual(report.diagnostics.map((d) => d.rule).sort(), ["azure-blob-appendblob", "azure-blob-plain-http", "schema/unknown-property"]);
  t.is(report.errors, 3);
});

test("YAML syntax errors name the file, line and column", (t) => {
  const report = validateYaml("pipeline:\n  inputs: [\n", "5.1.1", "bad.yaml");
  t.true(report.errors >= 1);
  t.regex(formatDiagnostic(report.diagnostics[0]!), /^error +bad\.yaml:\d+:\d+: /);
});

test("env list form: a file-backed variable is fine, a literal value is an inline secret", (t) => {
  const fileBacked = openclawVmConfig("5.1.1");
  fileBacked.env = [{ name: "OCLOG_SAS_TOKEN", uri: "file:///etc/fluent-bit/sas-token", refresh_interval: "60s" }];
  t.deepEqual(validateYaml(stringify(fileBacked), "5.1.1").diagnostics, []);
  const literal = openclawVmConfig("5.1.1");
  literal.env = [{ name: "OCLOG_SAS_TOKEN", value: "sv=2024&sig=x" }];
  t.deepEqual(validateYaml(stringify(literal), "5.1.1").diagnostics.map((d) => d.rule), ["inline-secret"]);
  const both = openclawVmConfig("5.1.1");
  both.env = [{ name: "X", value: "a", uri: "file:///x" }];
  t.regex(validateYaml(stringify(both), "5.1.1").diagnostics.map(formatDiagnostic).join("\n"), /exactly one of value and uri/);
});
