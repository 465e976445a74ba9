/** `oclog schema validate | export`: the specs (flags, defaults, help); the work is in schema-validate.ts and schema-export.ts. */
import { DEFAULT_VALIDATE_OPTIONS, SOURCE_NAMES } from "@oclog/schema";
import { defineCommand, variadic, defineGroup } from "../spec/command-spec.js";
import { option } from "../spec/option-spec.js";

const validate = defineCommand({
  name: "validate",
  description: "Validate JSON-lines files (plain or .gz) against an OpenClaw source schema",
  arguments: [variadic("<files...>", "files to validate")],
  options: {
    source: option.choice("-s, --source <source>", "which source the files hold", [...SOURCE_NAMES, "auto"] as const, "auto"),
    json: option.flag("--json", "print one JSON object instead of text"),
    maxLineBytes: option.positiveInt("--max-line-bytes <n>", "longest line accepted, in bytes", DEFAULT_VALIDATE_OPTIONS.maxLineBytes),
    maxErrors: option.positiveInt("--max-errors <n>", "line errors listed per file (all are counted)", DEFAULT_VALIDATE_OPTIONS.maxErrors),
  },
  help: `
Exit status: 0 all lines valid, 1 some lines invalid, 2 usage error (bad flag, unreadable file).

Examples:
  oclog schema validate --source gateway-log /tmp/openclaw/openclaw-2026-11-25.log
  oclog schema validate --json blobs/*.gz | jq '.invalid'`,
  async run({ args: [files], opts }, output) {
    const { schemaValidate } = await import("./schema-validate.js");
    await schemaValidate(files, opts, output);
  },
});

const exportSchemas = defineCommand({
  name: "export",
  description: "Write JSON Schema files for every source, the envelope and the normalized event, or the Azure Monitor Logs tables and DCR",
  options: {
    format: option.choice("-f, --format <format>", "json-schema files, or dcr: Log Analytics tables + data collection rule as one JSON document", ["json-schema", "dcr"], "json-schema"),
    out: option.string("-o, --out <path>", "json-schema: directory to write (default schema-export); dcr: file to write (default stdout)"),
    json: option.flag("--json", "print the written files as JSON"),
  },
  help: `
Examples:
  oclog schema export --out schema-export/
  oclog schema export --format dcr > oclog-dcr.json   # then see packages/fluent-bit/README.md`,
  async run({ opts }, output) {
    const { schemaExport } = await import("./schema-export.js");
    await schemaExport({ ...(opts.out !== undefined ? { out: opts.out } : {}), json: opts.json, format: opts.format }, output);
  },
});

/** `oclog schema`. */
export const schemaCommand = defineGroup({
  name: "schema",
  description: "Validate OpenClaw records and export the log schemas",
  commands: [validate, exportSchemas],
});
