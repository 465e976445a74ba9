// Lines per second through `validateLines` (UTF-8 check, JSON.parse, variant pick, zod) against
// a bare JSON.parse of the same lines: the price of knowing every line is a real record.
import { readFileSync, readdirSync, statSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { readRawLines, validateLines, DEFAULT_VALIDATE_OPTIONS } from "@oclog/schema";
import { runSuite, type BenchResult } from "../../../scripts/bench-kit.js";

const REPEAT = 300; // ~105,000 lines, ~250 MB of real shipped gateway records

function sampleLines(): string[] {
  const dir = fileURLToPath(new URL("../../../../shared/fluent-bit/samples/fluent-bit-v4/oclog/alice/", import.meta.url));
  const blob = readdirSync(dir).find((f) => f.startsWith("openclaw.gateway"))!;
  if (!statSync(join(dir, blob)).isFile()) throw new Error("sample blob missing");
  return gunzipSync(readFileSync(join(dir, blob))).toString("utf8").split("\n").filter(Boolean);
}

export async function run(): Promise<BenchResult[]> {
  const lines = sampleLines();
  const path = join(mkdtempSync(join(tmpdir(), "oclog-bench-")), "gateway.log");
  writeFileSync(path, `${Array.from({ length: REPEAT }, () => lines.join("\n")).join("\n")}\n`);
  const total = lines.length * REPEAT;
  return runSuite("validate gateway log (lines/s)", [
    {
      name: "readFileSync + split + JSON.parse",
      run: async () => {
        let n = 0;
        for (const line of readFileSync(path, "utf8").split("\n")) if (line) (JSON.parse(line), n++);
        return n;
      },
    },
    {
      name: "oclog validateLines (stream, UTF-8, zod)",
      run: async () => {
        const report = await validateLines(path, readRawLines(path, DEFAULT_VALIDATE_OPTIONS.maxLineBytes), { ...DEFAULT_VALIDATE_OPTIONS, source: "gateway-log" });
        if (report.valid !== total) throw new Error(`expected ${total} valid lines, got ${report.valid}`);
        return report.total;
      },
    },
  ], 2);
}
