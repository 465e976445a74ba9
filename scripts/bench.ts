/**
 * `pnpm bench`: runs every `packages/*\/benchmarks/*.bench.ts`, prints the machine and each
 * suite's cases side by side with their ratio to the suite's baseline. `--write` also
 * regenerates docs/benchmarks.md, whole, from this run (scripts/bench-doc.ts): so it runs every
 * suite and refuses a filter. `--render` runs nothing: it re-renders docs/benchmarks.md from the
 * run data kept in it (after a change to the renderer).
 */
import { readdirSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem, platform, release } from "node:os";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { format } from "node:util";
import type { BenchResult } from "./bench-kit.js";
import { benchRunOf, renderBenchmarksDoc, type BenchSuiteRun } from "./bench-doc.js";

const root = new URL("..", import.meta.url).pathname;
const doc = join(root, "docs", "benchmarks.md");
if (process.argv.includes("--render")) {
  writeFileSync(doc, renderBenchmarksDoc(benchRunOf(readFileSync(doc, "utf8"))));
  console.log("re-rendered docs/benchmarks.md from its run data");
  process.exit(0);
}
const write = process.argv.includes("--write");
const only = process.argv.slice(2).filter((a) => !a.startsWith("--"));
if (write && only.length > 0) {
  console.error(`pnpm bench --write regenerates the whole of docs/benchmarks.md, so it runs every suite: drop the filter (${only.join(" ")}), or run without --write`);
  process.exit(2);
}
const files = readdirSync(join(root, "packages")).flatMap((pkg) => {
  const dir = join(root, "packages", pkg, "benchmarks");
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".bench.ts")).map((f) => join(dir, f)) : [];
}).filter((f) => only.length === 0 || only.some((o) => matchesFilter(f, o)));

/** `gate` picks gate.bench.ts (not investigate.bench.ts); a path part such as `sas/` picks a package. */
function matchesFilter(file: string, filter: string): boolean {
  return basename(file, ".bench.ts") === filter || (filter.includes("/") && file.includes(filter));
}

/** The OCLOG_BENCH_* sizes this run uses; numbers only, so nothing else set there reaches the doc. */
function benchSettings(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter(([k, v]) => /^OCLOG_BENCH_[A-Z_]+$/.test(k) && /^\d+$/.test(v ?? "")).sort(([a], [b]) => a.localeCompare(b))) as Record<string, string>;
}

const machine = `${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${platform()} ${release()}, node ${process.version}`;
const loadAverage = loadavg()[0]!;
console.log(`machine: ${machine}; load average ${loadAverage.toFixed(1)}`);
const suites: BenchSuiteRun[] = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(file).href)) as { run(): Promise<BenchResult[]>; closingLines?: string[] };
  // What the suite prints (its targets, sizes, derived figures) goes into the doc as well.
  const printed: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => {
    printed.push(format(...args).replace(/^\n+/, ""));
    log(...args);
  };
  // A suite that fails (also through a rejection nobody awaited, such as a client's ack timer)
  // is recorded as failed and the run goes on: one flaky suite does not lose the others.
  let fail: (error: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  process.on("unhandledRejection", fail);
  let results: BenchResult[] = [];
  let error: string | undefined;
  try {
    results = await Promise.race([mod.run(), failed]);
  } catch (e) {
    error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    console.error(`${file.slice(root.length)} failed: ${error}`);
  } finally {
    console.log = log;
    process.off("unhandledRejection", fail);
  }
  // A suite's machine-readable lines come last, so a run can be compared with another by its tail.
  const closing = error === undefined ? (mod.closingLines ?? []) : [];
  suites.push({ file: file.slice(root.length), results, printed: [...printed, ...closing], ...(error !== undefined ? { error } : {}) });
  console.log(`\n${results[0]?.suite}  (${file.slice(root.length)})`);
  for (const r of results) {
    console.log(`  ${r.name.padEnd(44)} ${Math.round(r.perSecond).toLocaleString("en-US").padStart(12)}/s  ${r.items} in ${r.seconds.toFixed(2)} s  ratio ${r.ratio.toFixed(2)}`);
  }
  if (closing.length > 0) console.log(`\n${closing.join("\n")}`);
}

if (write) {
  const date = new Date().toISOString().slice(0, 10);
  writeFileSync(doc, renderBenchmarksDoc({ date, machine, loadAverage, settings: benchSettings(), suites }));
  console.log("\nwrote docs/benchmarks.md");
}
const failures = suites.filter((s) => s.error !== undefined);
if (failures.length > 0) {
  console.error(`${failures.length} suite(s) did not finish: ${failures.map((s) => s.file).join(", ")}`);
  process.exitCode = 1;
}
