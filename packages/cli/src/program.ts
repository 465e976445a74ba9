/** Flag parsing only: each command lazily imports its implementation. */
import { Command, InvalidArgumentError, Option } from "commander";
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
    .description("Write JSON Schema files for every source, the envelope and the normalized event")
    .option("-o, --out <dir>", "directory to write", "schema-export")
    .option("--json", "print the written files as JSON")
    .exitOverride()
    .action(async (opts: { out: string; json?: boolean }) => {
      const { schemaExport } = await import("./commands/schema-export.js");
      await schemaExport({ out: opts.out, json: opts.json ?? false }, output);
    });

  return program;
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, got ${JSON.stringify(value)}`);
  return n;
}
