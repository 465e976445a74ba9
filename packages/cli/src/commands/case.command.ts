/** `oclog case verify`: the spec (flags, help); the work is in case-verify.ts. */
import { argument, defineCommand, defineGroup } from "../spec/command-spec.js";
import { option } from "../spec/option-spec.js";

const verify = defineCommand({
  name: "verify",
  description: "Re-hash every evidence file against the manifest and check the custody chain",
  arguments: [argument("<case-dir>", "the case folder")],
  options: { json: option.flag("--json", "print the report as JSON") },
  help: "\nExit status: 0 intact, 1 tampering or damage found, 2 not a case folder.\n\nExample:\n  oclog case verify cases/alice-20261125",
  async run({ args: [caseDir], opts }, output) {
    const { caseVerifyCommand } = await import("./case-verify.js");
    await caseVerifyCommand(caseDir, opts, output);
  },
});

/** `oclog case`. */
export const caseCommand = defineGroup({ name: "case", description: "Work with case folders", commands: [verify] });
