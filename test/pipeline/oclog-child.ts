/**
 * The oclog CLI in its own process, from source, with its own environment and stdin: what a VM's
 * units and a host's cron run. Secrets reach it on stdin or in the environment, never in argv.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const CLI_CHILD = fileURLToPath(new URL("./cli-child.ts", import.meta.url));

/** The command line that runs `oclog <args>` (for a `--install-command`, or spawn). */
export function oclogArgv(args: string[]): string[] {
  return [process.execPath, "--import", "tsx", "--conditions=oclog-source", CLI_CHILD, ...args];
}

/** Starts `oclog <args>`; the caller owns the process. */
export function spawnOclog(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const [node, ...rest] = oclogArgv(args);
  return spawn(node!, rest, { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
}

/** Runs `oclog <args>` to its end. */
export function runOclog(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnOclog(args, options.env);
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (s: string) => (stdout += s));
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  child.stdin!.on("error", () => {});
  child.stdin!.end(options.input ?? "");
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
