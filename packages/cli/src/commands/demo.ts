import { runDemo } from "@oclog/test-kit/demo";
import type { Output } from "../output.js";
import { VERSION } from "../version.js";
import { printInvestigation } from "./investigation-output.js";
import { progressBar } from "./progress-bar.js";

/** `oclog demo`: the embedded incident, investigated end to end against a local Azurite. */
export async function demoCommand(options: { caseDir?: string | undefined; json: boolean }, output: Output): Promise<void> {
  if (!options.json) output.out("oclog demo: starting Azurite and writing alice's container (the demo incident)...");
  const { result } = await runDemo({ caseDir: options.caseDir, oclogVersion: VERSION, onProgress: progressBar(!options.json, output) });
  await printInvestigation(result, { format: options.json ? "json" : "text", color: process.stdout.isTTY === true }, output);
}
