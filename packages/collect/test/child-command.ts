// Node arguments that run one of this folder's child scripts from source (tsx), so a test can
// start `oclog collect` or a writer as its own process, on this Node or on OpenClaw's Node 24.
import { fileURLToPath } from "node:url";

/** `node` arguments for `./<script>` with `args`. */
export function childArgs(script: "collect-child.ts" | "writer-child.ts", args: string[]): string[] {
  return ["--import", "tsx", "--conditions=oclog-source", fileURLToPath(new URL(`./${script}`, import.meta.url)), ...args];
}
