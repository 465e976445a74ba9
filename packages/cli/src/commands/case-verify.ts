import { ExitCode, ExitError, UsageError } from "@oclog/errors";
import { verifyCase } from "@oclog/investigate";
import { terminalSafe, type Output } from "../output.js";

/** `oclog case verify`: prints what does not match and exits 1 when anything does not. */
export async function caseVerifyCommand(caseDir: string, options: { json: boolean }, output: Output): Promise<void> {
  const report = await verifyCase(caseDir);
  if (!report.isCase) {
    throw new UsageError(`${caseDir} is not an oclog case folder (${report.problems[0] ?? "no manifest.json"})`, { hint: "pass a folder that `oclog investigate` made (it prints the path)" });
  }
  if (options.json) output.out(JSON.stringify(report));
  else if (report.ok) output.out(`${terminalSafe(caseDir)}: intact (${report.files} evidence files, ${report.custodyEntries} custody entries)`);
  else {
    output.out(`${terminalSafe(caseDir)}: ${report.problems.length} problem(s)`);
    for (const problem of report.problems) output.out(`  ${terminalSafe(problem, 500)}`);
  }
  if (!report.ok) throw new ExitError(ExitCode.findings);
}
