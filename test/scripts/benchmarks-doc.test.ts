// docs/benchmarks.md is generated whole by `pnpm bench --write` (scripts/bench.ts, rendered by
// scripts/bench-doc.ts) and keeps its run's data at its end: the file must be exactly what the
// renderer makes of that data, and the run must cover every benchmark the packages have.
import test from "ava";
import { readdirSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { benchRunOf, renderBenchmarksDoc, type BenchRun } from "../../scripts/bench-doc.js";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const DOC = join(repo, "docs/benchmarks.md");

test("docs/benchmarks.md is what the generator makes of the run data it holds (no hand edits, not stale)", (t) => {
  const text = readFileSync(DOC, "utf8");
  t.is(text, renderBenchmarksDoc(benchRunOf(text)), "regenerate it with `pnpm bench --write` (or `pnpm bench --render` after a renderer change); hand-written notes go in docs/benchmarks-notes.md");
});

test("the run in docs/benchmarks.md covers every packages/*/benchmarks/*.bench.ts", (t) => {
  const benches = readdirSync(join(repo, "packages")).flatMap((pkg) => {
    const dir = join(repo, "packages", pkg, "benchmarks");
    return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".bench.ts")).map((f) => `packages/${pkg}/benchmarks/${f}`) : [];
  });
  const run = benchRunOf(readFileSync(DOC, "utf8"));
  t.deepEqual(run.suites.map((s) => s.file).sort(), benches.sort(), "a benchmark was added or removed since the last `pnpm bench --write`");
  for (const s of run.suites) t.true(s.results.length > 0 || s.error !== undefined, `${s.file} has neither results nor an error`);
});

test("the renderer: every case in the summary table and its suite's section, printed lines kept, data read back", (t) => {
  const run: BenchRun = {
    date: "2026-12-05",
    machine: "2 x cpu",
    loadAverage: 1.5,
    settings: { OCLOG_BENCH_MB: "64" },
    suites: [{
      file: "packages/x/benchmarks/x.bench.ts",
      results: [
        { suite: "x (items/s)", name: "baseline", items: 1000, seconds: 0.5, perSecond: 2000, ratio: 1 },
        { suite: "x (items/s)", name: "oclog", items: 1000, seconds: 1, perSecond: 1000, ratio: 0.5 },
      ],
      printed: ["target: >= 0.4x --> met"],
    }],
  };
  const text = renderBenchmarksDoc(run);
  t.regex(text, /^Generated whole by `OCLOG_BENCH_MB=64 pnpm bench --write` on 2026-12-05/m);
  t.regex(text, /^\| x \(items\/s\) \| oclog \| 1,000 \| 0\.50 \|$/m);
  t.regex(text, /^\| oclog \| 1,000 \| 1\.00 \| 1,000 \| 0\.50 \|$/m);
  t.regex(text, /^target: >= 0\.4x --> met$/m);
  t.deepEqual(benchRunOf(text), run, "a printed '-->' does not end the data comment early");
  const failed = renderBenchmarksDoc({ ...run, suites: [{ file: "packages/y/benchmarks/y.bench.ts", results: [], printed: [], error: "AckTimeoutError: ack response timeout" }] });
  t.regex(failed, /^## packages\/y\/benchmarks\/y\.bench\.ts\n\n`packages\/y\/benchmarks\/y\.bench\.ts`\n\n\*\*Did not finish in this run:\*\* AckTimeoutError: ack response timeout$/m, "a failed suite is shown in its place");
  t.throws(() => benchRunOf("# Benchmarks\n"), { message: /no "<!-- oclog-bench-data" block: regenerate it with `pnpm bench --write`/ });
});
