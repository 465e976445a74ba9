/** `oclog demo`: the spec (flags); the work is in demo.ts. */
import { defineCommand } from "../spec/command-spec.js";
import { option } from "../spec/option-spec.js";

export const demoSpec = defineCommand({
  name: "demo",
  description: "Investigate the embedded demo incident: Azurite, alice's blobs, the full investigation",
  options: {
    caseDir: option.string("--case-dir <dir>", "case folder (default: a new temporary folder)"),
    json: option.flag("--json", "print the investigation summary as JSON"),
  },
  async run({ opts }, output) {
    const { demoCommand } = await import("./demo.js");
    await demoCommand(opts, output);
  },
});
