import { main, terminalOutput } from "@oclog/cli";

/** Runs the CLI in-process and captures what it prints. */
export async function runCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  // The same sink the process uses, so what tests see is what a terminal would get.
  const output = terminalOutput(
    (text) => (stdout += text),
    (text) => (stderr += text),
  );
  const code = await main(["node", "oclog", ...args], output);
  return { code, stdout, stderr };
}
