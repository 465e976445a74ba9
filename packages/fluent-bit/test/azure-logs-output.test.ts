import test from "ava";
import { fileURLToPath } from "node:url";
import { ENVELOPE_FIELDS, PIPELINE_SOURCES, TIME_GENERATED, dcrDefinition } from "@oclog/schema";
import {
  checkPipelineDir, formatDiagnostic, lint, openclawVmConfig, propertyText, renderPreset, validateConfig, validateYaml, type PluginInstance,
} from "./preset-fixture.js";

const REPO_PIPELINE = fileURLToPath(new URL("../../../fluent-bit/", import.meta.url));
const ON = { azure_logs: "on" };

const azureOutput = (version: string, params: Record<string, string> = ON): PluginInstance => {
  const output = openclawVmConfig(version, params).pipeline.outputs.find((o) => o.name === "azure_logs_ingestion");
  if (!output) throw new Error("no azure_logs_ingestion output");
  return output;
};

for (const version of ["4.2.8", "5.1.1"]) {
  test(`azure_logs=on: the rendered pipeline passes the plugin schema and the lint for Fluent Bit ${version}`, (t) => {
    t.deepEqual(validateYaml(renderPreset("openclaw-vm", version, ON), version).diagnostics.map(formatDiagnostic), []);
  });
}

test("off by default: no second output, no extra include, and the checked-in fluent-bit/ is what the preset makes", (t) => {
  const config = openclawVmConfig("5.1.1");
  t.deepEqual(config.pipeline.outputs.map((o) => o.name), ["azure_blob"]);
  t.deepEqual(config.includes, ["oclog-params.yaml", "oclog-sas.yaml"]);
  t.deepEqual(openclawVmConfig("5.1.1", { azure_logs: "off" }), config);
  t.deepEqual(checkPipelineDir(REPO_PIPELINE).map((s) => s.path), [], "run `pnpm exec oclog fluent-bit check --write`");
});

test("on: the blob output stays first and unchanged; the secret's include is added", (t) => {
  const off = openclawVmConfig("5.1.1");
  const on = openclawVmConfig("5.1.1", ON);
  t.deepEqual(on.pipeline.outputs[0], off.pipeline.outputs[0]);
  t.deepEqual(on.pipeline.outputs.map((o) => o.name), ["azure_blob", "azure_logs_ingestion"]);
  t.deepEqual(on.includes, [...off.includes!, "oclog-azure-logs.yaml"]);
});

test("the output: TLS, gzip, unlimited retries, a capped buffer, TimeGenerated from the record time", (t) => {
  const output = azureOutput("5.1.1");
  const get = (key: string) => propertyText(output, key);
  t.deepEqual(
    [get("tls"), get("tls.verify"), get("compress"), get("retry_limit"), get("storage.total_limit_size"), get("time_generated"), get("time_key")],
    ["on", "on", "on", "no_limits", "1G", "on", TIME_GENERATED],
  );
  t.deepEqual([get("tenant_id"), get("client_id"), get("dce_url"), get("dcr_id")], ["${OCLOG_AZURE_TENANT_ID}", "${OCLOG_AZURE_CLIENT_ID}", "${OCLOG_AZURE_DCE_URL}", "${OCLOG_AZURE_DCR_ID}"]);
  const custom = azureOutput("5.1.1", { ...ON, azure_dcr_id: "dcr-0123", azure_stream: "Custom-Elsewhere_CL", azure_buffer_limit: "256M" });
  t.deepEqual([propertyText(custom, "dcr_id"), propertyText(custom, "table_name"), propertyText(custom, "storage.total_limit_size")], ["dcr-0123", "Elsewhere_CL", "256M"]);
});

test("it posts to a stream the exported DCR declares, with the time and envelope columns", (t) => {
  // The plugin's URL is .../streams/Custom-<table_name>.
  const stream = `Custom-${propertyText(azureOutput("5.1.1"), "table_name")}`;
  const declared = dcrDefinition().dataCollectionRule.properties.streamDeclarations[stream];
  if (!declared) return t.fail(`the DCR has no stream ${stream}`);
  const columns = new Map(declared.columns.map((c) => [c.name, c.type]));
  t.is(columns.get(TIME_GENERATED), "datetime");
  for (const field of [ENVELOPE_FIELDS.user, ENVELOPE_FIELDS.host, ENVELOPE_FIELDS.source, ENVELOPE_FIELDS.rawLine]) t.is(columns.get(field), "string", field);
});

test("only the sources @oclog/schema normalizes are sent; nginx, egress and the journal stay in the blobs", (t) => {
  const regex = new RegExp(propertyText(azureOutput("5.1.1"), "match_regex")!);
  for (const [source, schema] of Object.entries(PIPELINE_SOURCES)) t.is(regex.test(`openclaw.${source}`), schema !== undefined, source);
  t.false(regex.test("openclaw.gatewayx"));
  t.false(regex.test("xopenclaw.gateway"));
});

test("the client secret is only ever a reference to the host's include file", (t) => {
  for (const version of ["4.2.8", "5.1.1"]) {
    const yaml = renderPreset("openclaw-vm", version, ON);
    t.deepEqual(yaml.match(/client_secret:.*$/gm), ["client_secret: ${OCLOG_AZURE_LOGS_CLIENT_SECRET}"]);
    t.is(openclawVmConfig(version, ON).env, undefined, "nothing defines it inline");
  }
  t.throws(() => openclawVmConfig("5.1.1", { ...ON, azure_client_secret: "s3cret" }), { message: /unknown parameter azure_client_secret/ });
  // Were it edited in, the lint refuses it.
  const config = openclawVmConfig("5.1.1", ON);
  config.pipeline.outputs[1]!.client_secret = "s3cret~literal";
  t.deepEqual(lint(config).filter((d) => d.rule === "inline-secret").map((d) => d.location.property), ["client_secret"]);
});

test("a typo'd, mistyped or version-only option is caught by the plugin schema", (t) => {
  const withOutput = (version: string, change: (o: PluginInstance) => void) => {
    const config = openclawVmConfig(version, ON);
    change(config.pipeline.outputs[1]!);
    return validateConfig(config, version).diagnostics;
  };
  const typo = withOutput("5.1.1", (o) => {
    o.dcr_idd = o.dcr_id!;
    delete o.dcr_id;
  });
  t.deepEqual(typo.map((d) => [d.rule, d.location.property]), [["schema/unknown-property", "dcr_idd"], ["schema/missing-required", "dcr_id"]]);
  t.regex(typo[0]!.message, /did you mean "dcr_id"/);
  const mistyped = withOutput("4.2.8", (o) => (o.compress = "gzip"));
  t.deepEqual(mistyped.map((d) => [d.rule, d.location.property]), [["schema/wrong-type", "compress"]]);
  const newer = withOutput("4.2.8", (o) => (o.auth_url = "https://login.example/token"));
  t.deepEqual(newer.map((d) => d.rule), ["schema/version-only"]);
  t.regex(newer[0]!.message, /exists only in Fluent Bit 5\.1\.1/);
});

test("parameters are checked: azure_logs is on or off, azure_stream a custom stream", (t) => {
  t.throws(() => openclawVmConfig("5.1.1", { azure_logs: "yes" }), { message: /azure_logs is "yes"/ });
  t.throws(() => openclawVmConfig("5.1.1", { ...ON, azure_stream: "OclogRaw_CL" }), { message: /not a custom stream/ });
  t.throws(() => openclawVmConfig("5.1.1", { ...ON, azure_stream: "Custom-" }), { message: /not a custom stream/ });
});
