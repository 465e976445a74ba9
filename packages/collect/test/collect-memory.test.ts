// Issue 20: decompression and row size are bounded. One collector pass over a 1 GiB zstd bomb
// (33 KB on disk) or a 100 MB event_json row runs in its own process (benchmarks/row-memory-child.ts),
// and its peak RSS stays near an ordinary pass's. Before the bounds the bomb took 3.1 GB and a
// 200 MB row 1.2 GB (packages/collect/benchmarks/row-memory.ts measures both trees).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import test from "ava";
import { OpenClawState, TRANSCRIPT_ROWS } from "@oclog/test-kit/openclaw";

const CHILD = fileURLToPath(new URL("../benchmarks/row-memory-child.ts", import.meta.url));
const ENTRY = fileURLToPath(new URL("../src/index.ts", import.meta.url));
const navigation = TRANSCRIPT_ROWS.find((r) => r.row.navigation_json)!.row.navigation_json;

interface Pass {
  maxRssMb: number;
  outcome: { read: number; sent: number; invalid: number; truncated: number };
}

/** One collector pass over a store holding `row`, in a child process; its peak RSS and counts. */
function pass(name: string, row: { json?: string; zstd?: Buffer }): Pass {
  const dir = mkdtempSync(join(tmpdir(), `oclog-collect-memory-${name}-`));
  const state = new OpenClawState(join(dir, "openclaw"));
  // OpenClaw's CHECK holds a real row to 4 MiB; a damaged or tampered database is not held to it.
  state.agent("main").pragma("ignore_check_constraints = ON");
  state.agent("main")
    .prepare("INSERT INTO transcript_events (session_id, seq, event_json, created_at, event_zstd, event_utf8_bytes, navigation_json) VALUES (?, ?, ?, ?, ?, ?, ?)")
    .run("99999999-9999-4999-8999-999999999999", 0, row.json ?? null, 1795600500000, row.zstd ?? null, row.zstd ? 1_000 : null, row.zstd ? navigation : null);
  state.close();
  const child = spawnSync(process.execPath, ["--import", "tsx", "--conditions=oclog-source", CHILD, ENTRY, join(dir, "openclaw"), join(dir, "collector")], { encoding: "utf8" });
  if (child.status !== 0) throw new Error(`child failed (${child.status} ${child.signal}): ${child.stderr.slice(-500)}`);
  return JSON.parse(child.stdout.trim().split("\n").pop()!) as Pass;
}

test("a 1 GiB zstd bomb and a 100 MB row are each read in little more memory than an ordinary row", (t) => {
  const ordinary = pass("ordinary", { json: JSON.stringify(TRANSCRIPT_ROWS[0]!.event) });
  const bomb = pass("bomb", { zstd: readFileSync(new URL("../../../test/hostile/corpus/collect/event-zstd-bomb-1gib.zst", import.meta.url)) });
  const big = pass("row100", { json: `{"type":"message","id":"big","pad":"${"x".repeat(100 * 1024 * 1024)}"}` });
  t.log(`peak RSS: ordinary ${ordinary.maxRssMb} MB, 1 GiB bomb ${bomb.maxRssMb} MB, 100 MB row ${big.maxRssMb} MB`);
  t.deepEqual(ordinary.outcome.invalid, 0);
  for (const [what, p] of [["bomb", bomb], ["100 MB row", big]] as const) {
    t.like(p.outcome, { read: 1, sent: 1, invalid: 1, truncated: 1 }, `${what}: sent marked, raw text truncated`);
    // The cap is 4 MiB of output held a few times over (bytes, string, prefix); 1 GiB or 100 MB would show.
    t.true(p.maxRssMb < ordinary.maxRssMb + 60, `${what}: ${p.maxRssMb} MB against ${ordinary.maxRssMb} MB`);
  }
});
