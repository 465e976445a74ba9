import { main } from "@oclog/cli";

/** Runs the CLI in-process and captures what it prints. */
export async function runCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(["node", "oclog", ...args], {
    out: (text) => (stdout += text.endsWith("\n") ? text : `${text}\n`),
    err: (text) => (stderr += text.endsWith("\n") ? text : `${text}\n`),
  });
  return { code, stdout, stderr };
}
