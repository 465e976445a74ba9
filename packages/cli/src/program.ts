/** The `oclog` command tree: the root's help, then the command specs in the order --help lists them. */
import { Command } from "commander";
import { caseCommand } from "./commands/case.command.js";
import { collectSpec } from "./commands/collect.command.js";
import { demoSpec } from "./commands/demo.command.js";
import { fluentBitCommand } from "./commands/fluent-bit.command.js";
import { guardSpec } from "./commands/guard.command.js";
import { huntSpec } from "./commands/hunt.command.js";
import { ingestSpec } from "./commands/ingest.command.js";
import { investigateSpec } from "./commands/investigate.command.js";
import { sasCommand } from "./commands/sas.command.js";
import { schemaCommand } from "./commands/schema.command.js";
import { sessionSpec, sessionsSpec } from "./commands/sessions.command.js";
import { sqlSpec } from "./commands/sql.command.js";
import type { Output } from "./output.js";
import type { CommandDefinition } from "./spec/command-spec.js";
import { VERSION } from "./version.js";

/** Every top-level command; each spec lazily imports its implementation. */
export const COMMANDS: readonly CommandDefinition[] = [schemaCommand, investigateSpec, huntSpec, ingestSpec, fluentBitCommand, collectSpec, sasCommand, guardSpec, caseCommand, sqlSpec, sessionsSpec, sessionSpec, demoSpec];

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

  for (const command of COMMANDS) command.register(program, output);
  return program;
}
