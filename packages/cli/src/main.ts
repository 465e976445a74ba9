import { CommanderError } from "commander";
import { ExitCode, ExitError, OclogError } from "@oclog/errors";
import { buildProgram } from "./program.js";
import { processOutput, terminalSafe, type Output } from "./output.js";
import { VERSION } from "./version.js";

/** Runs the CLI with `argv` (as in process.argv) and returns the exit code; never throws. */
export async function main(argv: readonly string[], output: Output = processOutput): Promise<number> {
  const program = buildProgram(output);
  try {
    await program.parseAsync([...argv]);
    return ExitCode.ok;
  } catch (error) {
    return exitCodeFor(error, output);
  }
}

// The one error policy: typed errors print their message and hint; anything else is a bug.
function exitCodeFor(error: unknown, output: Output): number {
  if (error instanceof ExitError) return error.exitCode;
  if (error instanceof CommanderError) {
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") {
      return ExitCode.ok;
    }
    return ExitCode.usage; // commander already printed the message
  }
  if (error instanceof OclogError) {
    output.err(`oclog: ${terminalSafe(error.message, 2000)}`);
    if (error.hint) output.err(`hint: ${error.hint}`);
    return error.exitCode;
  }
  const err = error as Error;
  output.err(`oclog: internal error: ${err?.stack ?? String(error)}`);
  output.err(`This is a bug in oclog ${VERSION} (node ${process.version}). Please report it with the command you ran.`);
  return ExitCode.internal;
}
