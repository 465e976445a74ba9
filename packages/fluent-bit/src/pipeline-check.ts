/**
 * `oclog fluent-bit check`: compares the checked-in `fluent-bit/` with what the generator makes
 * now, and shows a unified diff of every stale file (or rewrites them with `write`).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { expectedFiles } from "./generated-files.js";

export interface StaleFile {
  path: string;
  status: "missing" | "differs";
  diff: string;
}

function unifiedDiff(path: string, actual: string | undefined, expected: string): string {
  const work = mkdtempSync(join(tmpdir(), "oclog-fb-check-"));
  try {
    const a = join(work, "checked-in");
    const b = join(work, "generated");
    writeFileSync(a, actual ?? "");
    writeFileSync(b, expected);
    const result = spawnSync("diff", ["-u", "--label", `fluent-bit/${path} (checked in)`, "--label", `fluent-bit/${path} (generated)`, a, b], { encoding: "utf8" });
    return result.error ? `(diff not available: ${result.error.message})` : result.stdout;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The stale files under `dir`; with `write`, also brings them up to date. */
export function checkPipelineDir(dir: string, options: { write?: boolean } = {}): StaleFile[] {
  const stale: StaleFile[] = [];
  for (const file of expectedFiles()) {
    const target = join(dir, file.path);
    const actual = existsSync(target) ? readFileSync(target, "utf8") : undefined;
    if (actual === file.content) continue;
    stale.push({ path: file.path, status: actual === undefined ? "missing" : "differs", diff: unifiedDiff(file.path, actual, file.content) });
    if (options.write) {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.content);
    }
  }
  return stale;
}
