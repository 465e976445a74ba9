// Records per second through redactRecord (what `oclog collect` runs on every record before the
// forward protocol) against a bare walk that visits the same values, over the real records the
// Lua filter's benchmark uses (the OpenClaw capture and the blobs real Fluent Bit shipped),
// repeated to ~100k. The records are parsed once and reused, so neither case pays for
// JSON.parse or a copy; the ratio is the price of redaction itself.
import { randomBytes } from "node:crypto";
import { redactRecord } from "@oclog/schema";
import { runSuite, type BenchResult } from "../../../scripts/bench-kit.js";
import { realRecords } from "@oclog/test-kit/records";

const TARGET = 100_000;
const SUITE = "redactRecord in Node (records/s)";

/** Visits every value the way redactRecord does and reads each string, changing nothing. */
function walk(v: unknown): number {
  if (typeof v === "string") return v.length;
  let n = 0;
  if (Array.isArray(v)) for (const x of v) n += walk(x);
  else if (typeof v === "object" && v !== null) for (const k of Object.keys(v)) n += walk((v as Record<string, unknown>)[k]);
  return n;
}

export async function run(): Promise<BenchResult[]> {
  const records = realRecords().map((r) => r.record);
  const repeat = Math.ceil(TARGET / records.length);
  const total = repeat * records.length;
  // A real VM always has one literal, the gateway token (32 random bytes as hex).
  const withToken = { literals: [randomBytes(32).toString("hex")] };
  const redactAll = (options?: typeof withToken) => async () => {
    let modified = 0;
    for (let r = 0; r < repeat; r++) for (const record of records) if (redactRecord(record, options).changed) modified++;
    // Real records hold no secrets: a modified record means the benchmark measured the wrong path.
    if (modified !== 0) throw new Error(`redactRecord modified ${modified} real records`);
    return total;
  };
  const results = await runSuite(SUITE, [
    {
      name: "walk every value (passthrough)",
      run: async () => {
        let chars = 0;
        for (let r = 0; r < repeat; r++) for (const record of records) chars += walk(record);
        if (chars === 0) throw new Error("walked no strings");
        return total;
      },
    },
    { name: "redactRecord", run: redactAll() },
    { name: "redactRecord + gateway token literal", run: redactAll(withToken) },
  ], 5); // each round is under a second; more rounds make the best one steadier on a busy VM
  const added = ((results[2]!.seconds - results[0]!.seconds) / total) * 1e6;
  console.log(`\n${records.length} real records x ${repeat}; redaction adds ${added.toFixed(2)} µs per record (with a literal); redact/passthrough ratio ${results[2]!.ratio.toFixed(2)}`);
  return results;
}
