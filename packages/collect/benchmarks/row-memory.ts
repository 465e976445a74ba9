/**
 * Peak RSS of one collector pass over a hostile row (issue 20), this tree against another one
 * (`OCLOG_BASELINE`, e.g. /work/main, for the numbers before the bounds): a 1 GiB zstd bomb
 * (test/hostile/corpus/collect/event-zstd-bomb-1gib.zst, 33 KB), a 200 MB event_json row, and
 * 60 rows just under the 4 MiB limit (one read used to hold them all).
 * Run: node --import tsx --conditions=oclog-source packages/collect/benchmarks/row-memory.ts
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { OpenClawState, TRANSCRIPT_ROWS } from "@oclog/test-kit/openclaw";

const here = fileURLToPath(new URL(".", import.meta.url));
const trees = { after: join(here, "..", "src", "index.ts"), ...(process.env.OCLOG_BASELINE ? { before: join(process.env.OCLOG_BASELINE, "packages", "collect", "src", "index.ts") } : {}) };
const navigation = TRANSCRIPT_ROWS.find((r) => r.row.navigation_json)!.row.navigation_json;

function stateWith(name: string, row: { json?: string; zstd?: Buffer }, copies = 1): string {
  const dir = mkdtempSync(join(tmpdir(), `oclog-row-memory-${name}-`));
  const state = new OpenClawState(join(dir, "openclaw"));
  // The CHECK constraints hold a real database to 4 MiB; a damaged or tampered one is not.
  state.agent("main").pragma("ignore_check_constraints = ON");
  const insert = state.agent("main").prepare("INSERT INTO transcript_events (session_id, seq, event_json, created_at, event_zstd, event_utf8_bytes, navigation_json) VALUES (?, ?, ?, ?, ?, ?, ?)");
  for (let seq = 0; seq < copies; seq++) insert.run("99999999-9999-4999-8999-999999999999", seq, row.json ?? null, 1795600500000, row.zstd ?? null, row.zstd ? 1_000 : null, row.zstd ? navigation : null);
  state.close();
  return dir;
}

const cases = {
  "zstd bomb (1 GiB)": () => stateWith("bomb", { zstd: readFileSync(new URL("../../../test/hostile/corpus/collect/event-zstd-bomb-1gib.zst", import.meta.url)) }),
  "200 MB event_json": () => stateWith("row200", { json: `{"type":"message","id":"big","pad":"${"x".repeat(200 * 1024 * 1024)}"}` }),
  "60 rows of 3.9 MB (within the limit)": () => stateWith("rows60", { json: JSON.stringify({ ...(TRANSCRIPT_ROWS[0]!.event as object), pad: "z".repeat(3_900_000) }) }, 60),
  "one ordinary row (baseline)": () => stateWith("empty", { json: JSON.stringify(TRANSCRIPT_ROWS[0]!.event) }),
};

for (const [name, make] of Object.entries(cases)) {
  const dir = make();
  for (const [tree, entry] of Object.entries(trees)) {
    const child = spawnSync(process.execPath, ["--import", "tsx", "--conditions=oclog-source", join(here, "row-memory-child.ts"), entry, join(dir, "openclaw"), join(dir, `collector-${tree}`)], { encoding: "utf8", maxBuffer: 1 << 20 });
    const line = child.stdout.trim().split("\n").pop() ?? "";
    console.log(`${name} | ${tree}: ${line || `exit ${child.status} ${child.signal ?? ""} ${child.stderr.slice(-300)}`}`);
  }
  rmSync(dir, { recursive: true, force: true });
}
