// Records per second through the Fluent Bit redaction filter (lua/redact.lua) against a
// passthrough lua callback, over the same real records (the OpenClaw capture and the blobs
// real Fluent Bit shipped), repeated to ~200k. Timed inside LuaJIT (test/lua/bench.lua), so
// spawning luajit and reading the input are excluded; the ratio is the price of redaction.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { BenchResult } from "../../../scripts/bench-kit.js";
import { realRecords } from "@oclog/test-kit/records";
import { LUA_DIR, REDACT_LUA, luajit } from "../test/lua-runner.js";

const TARGET = 200_000;
const ROUNDS = 3;
const SUITE = "redact.lua in LuaJIT (records/s)";

interface LuaCase {
  name: string;
  items: number;
  seconds: number;
  modified: number;
}

export async function run(): Promise<BenchResult[]> {
  const records = realRecords();
  const dir = mkdtempSync(join(tmpdir(), "oclog-bench-"));
  const path = join(dir, "records.jsonl");
  writeFileSync(path, `${records.map((r) => JSON.stringify(r.record)).join("\n")}\n`);
  const total = Math.ceil(TARGET / records.length) * records.length;
  // A real VM always has one literal, the gateway token (32 random bytes as hex).
  writeFileSync(join(dir, "no-literals"), "");
  writeFileSync(join(dir, "literals"), `${randomBytes(32).toString("hex")}\n`);
  let stdout: string;
  try {
    const args = [join(LUA_DIR, "bench.lua"), REDACT_LUA, path, String(total), String(ROUNDS), join(dir, "no-literals"), join(dir, "literals")];
    ({ stdout } = luajit(args, ""));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const cases = (JSON.parse(stdout) as { cases: LuaCase[] }).cases;
  // Real records hold no secrets: a modified record means the benchmark measured the wrong path.
  for (const c of cases) if (c.modified !== 0) throw new Error(`${c.name} modified ${c.modified} real records`);
  const baseline = cases[0]!.items / cases[0]!.seconds;
  const results = cases.map((c) => ({
    suite: SUITE,
    name: c.name,
    items: c.items,
    seconds: c.seconds,
    perSecond: c.items / c.seconds,
    ratio: c.items / c.seconds / baseline,
  }));
  const added = ((cases[2]!.seconds - cases[0]!.seconds) / total) * 1e6;
  console.log(`\n${records.length} real records x ${total / records.length}; redaction adds ${added.toFixed(2)} µs per record (with a literal); redact/passthrough ratio ${results[2]!.ratio.toFixed(2)}`);
  return results;
}
