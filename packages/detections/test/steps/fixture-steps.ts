// The real tool calls in the repository's fixtures (the OpenClaw capture and the scenario blobs
// Fluent Bit shipped), as steps: the fuzz test mutates them, the benchmark times them.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { realRecords } from "@oclog/test-kit/records";
import type { Step } from "@oclog/detections";
import { assetPath } from "@oclog/schema";

// The scenario blobs of every release (gzip JSONL of `{blob, record}` lines, one folder per release) are not among realRecords().
function scenarioRecords(): unknown[] {
  const dir = assetPath("test", "scenarios", "fixtures");
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((name) => name.endsWith(".blobs.jsonl.gz"))
    .flatMap((name) => gunzipSync(readFileSync(join(dir, name))).toString("utf8").split("\n"))
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as unknown);
}

/** Every distinct tool call (name + arguments) found in the fixtures' records, JSON-in-strings included. */
export function fixtureSteps(): Step[] {
  const seen = new Map<string, Step>();
  const stack: unknown[] = [...realRecords().map((r) => r.record), ...scenarioRecords()];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === "string") {
      if ((node.startsWith("{") || node.startsWith("[")) && node.includes("arguments")) {
        try {
          stack.push(JSON.parse(node));
        } catch {
          // not JSON after all
        }
      }
      continue;
    }
    if (node === null || typeof node !== "object") continue;
    const object = node as Record<string, unknown>;
    if (typeof object.name === "string" && object.arguments !== undefined && (object.type === "toolCall" || object.type === "tool_use" || object.type === undefined)) {
      const step = { tool: object.name, args: object.arguments };
      seen.set(JSON.stringify(step), step);
    }
    stack.push(...Object.values(object));
  }
  return [...seen.values()];
}

/** The `exec` commands among them. */
export function fixtureCommands(): string[] {
  return fixtureSteps()
    .filter((s) => s.tool === "exec" && typeof (s.args as { command?: unknown }).command === "string")
    .map((s) => (s.args as { command: string }).command);
}
