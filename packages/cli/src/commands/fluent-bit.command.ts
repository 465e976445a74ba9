/** `oclog fluent-bit generate | validate | check`: the specs (flags, defaults, help); the work is in fluent-bit.ts. */
import { VM_FLUENT_BIT_VERSION } from "@oclog/fluent-bit/defaults";
import { argument, defineCommand, defineGroup } from "../spec/command-spec.js";
import { option } from "../spec/option-spec.js";

const generate = defineCommand({
  name: "generate",
  description: "Render a preset pipeline as Fluent Bit YAML (validated before it is written)",
  options: {
    preset: option.string("--preset <name>", "which pipeline", "openclaw-vm"),
    param: option.list("--param <key=value>", "preset parameter (repeatable), checked against what it names; unset ones stay ${VARIABLE}s the VM provides"),
    fluentBitVersion: option.string("--fluent-bit-version <version>", "the Fluent Bit the pipeline runs on (4.2.8, 5.1.1, 4.x, 5.x)", VM_FLUENT_BIT_VERSION),
    out: option.string("-o, --out <file>", "write here (and redact.lua beside it) instead of stdout"),
  },
  help: `
Parameters of openclaw-vm: user, host, storage_account, container, endpoint, emulator_mode,
tls_ca_file, sas_include, params_include, lua_dir, gateway_logs, config_audit, nginx_access_log,
forward_socket, state_dir, journal_dir, http_port, buffer_limit, journal_units; the optional Azure Monitor Logs output
(off by default, see packages/fluent-bit/README.md): azure_logs=on, azure_tenant_id,
azure_client_id, azure_dce_url, azure_dcr_id, azure_stream, azure_logs_include.

Examples:
  oclog fluent-bit generate --preset openclaw-vm > fluent-bit.yaml
  oclog fluent-bit generate --param user=alice --param host=vm-alice --param storage_account=acmelogs --fluent-bit-version 4.2.8 -o /tmp/fb/fluent-bit.yaml`,
  async run({ opts }, output) {
    const { fluentBitGenerate } = await import("./fluent-bit.js");
    await fluentBitGenerate({ preset: opts.preset, params: opts.param, fluentBitVersion: opts.fluentBitVersion, ...(opts.out ? { out: opts.out } : {}) }, output);
  },
});

const validate = defineCommand({
  name: "validate",
  description: "Check a Fluent Bit YAML file against the plugin schema and the security/reliability lint",
  arguments: [argument("<file>", "Fluent Bit YAML configuration")],
  options: {
    fluentBitVersion: option.string("--fluent-bit-version <version>", "the Fluent Bit it will run on", VM_FLUENT_BIT_VERSION),
    json: option.flag("--json", "print the report as JSON"),
    allow: option.list("--allow <rule[@alias]:reason>", "accept one lint finding on purpose, with the reason (repeatable); it stays in the report as a warning"),
  },
  help: `
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
  async run({ args: [file], opts }, output) {
    const { fluentBitValidate } = await import("./fluent-bit.js");
    await fluentBitValidate(file, opts, output);
  },
});

const check = defineCommand({
  name: "check",
  description: "Fail with a diff when the checked-in fluent-bit/ differs from what the generator makes now",
  options: {
    dir: option.string("--dir <dir>", "the generated pipeline directory", "fluent-bit"),
    write: option.flag("--write", "rewrite stale files instead of failing"),
    json: option.flag("--json", "print the result as JSON"),
  },
  help: "\nExit status: 0 up to date (or rewritten with --write), 1 stale.\n\nExample:\n  oclog fluent-bit check || oclog fluent-bit check --write",
  async run({ opts }, output) {
    const { fluentBitCheck } = await import("./fluent-bit.js");
    await fluentBitCheck(opts, output);
  },
});

/** `oclog fluent-bit`. */
export const fluentBitCommand = defineGroup({
  name: "fluent-bit",
  description: "Generate, validate and check Fluent Bit pipelines (YAML) against the real plugin schema",
  commands: [generate, validate, check],
});
