/**
 * docs/benchmarks.md, generated whole from one `pnpm bench --write` run. The run's data is kept
 * in the file (a JSON comment at its end), so a check can re-render it and see a hand edit or a
 * renderer change that was not regenerated.
 */
import type { BenchResult } from "./bench-kit.js";

/** One suite of a run: its file, its results, and what it printed while it ran. */
export interface BenchSuiteRun {
  /** Repository-relative path of the `*.bench.ts` file. */
  file: string;
  results: BenchResult[];
  printed: string[];
  /** Set when the suite failed: the run goes on, and the doc says so in the suite's place. */
  error?: string;
}

/** Everything docs/benchmarks.md says, all of it from one run. */
export interface BenchRun {
  /** UTC date of the run, YYYY-MM-DD. */
  date: string;
  machine: string;
  /** The 1-minute load average when the run started: other work on the machine slows every figure. */
  loadAverage: number;
  /** The OCLOG_BENCH_* size settings of the run (numbers only); unset ones are each suite's default. */
  settings: Record<string, string>;
  suites: BenchSuiteRun[];
}

const DATA_OPEN = "<!-- oclog-bench-data";
const DATA_CLOSE = "-->";

const perSecond = (r: BenchResult) => Math.round(r.perSecond).toLocaleString("en-US");

/** The whole of docs/benchmarks.md for `run`. */
export function renderBenchmarksDoc(run: BenchRun): string {
  const settings = Object.entries(run.settings).map(([k, v]) => `${k}=${v}`).join(" ");
  const lines = [
    "# Benchmarks",
    "",
    `Generated whole by \`${settings ? `${settings} ` : ""}pnpm bench --write\` on ${run.date}, from one run of every suite; do not edit it by hand`,
    "(test/scripts/benchmarks-doc.test.ts checks that it is what the generator makes of the run data at its end).",
    "Measurements made by hand (other sizes, profiles, several runs) and what they mean: [benchmarks-notes.md](benchmarks-notes.md).",
    "",
    `Machine: ${run.machine}; load average ${run.loadAverage.toFixed(1)} when the run started (above the number of cores, other work shared the machine and every figure is lower).`,
    `Sizes: ${settings || "every suite's default"}${settings ? " (unset ones: each suite's default)" : ""}.`,
    "Each case keeps its best of several interleaved rounds; ratio is throughput relative to the suite's first case.",
    "",
    "| suite | case | per second | ratio |",
    "| --- | --- | ---: | ---: |",
    ...run.suites.flatMap((s) => s.results.map((r) => `| ${r.suite} | ${r.name} | ${perSecond(r)} | ${r.ratio.toFixed(2)} |`)),
  ];
  for (const s of run.suites) {
    lines.push("", `## ${s.results[0]?.suite ?? s.file}`, "", `\`${s.file}\``);
    if (s.error !== undefined) lines.push("", `**Did not finish in this run:** ${s.error}`);
    if (s.results.length > 0) {
      lines.push("", "| case | items | seconds | per second | ratio |", "| --- | ---: | ---: | ---: | ---: |");
      for (const r of s.results) lines.push(`| ${r.name} | ${r.items.toLocaleString("en-US")} | ${r.seconds.toFixed(2)} | ${perSecond(r)} | ${r.ratio.toFixed(2)} |`);
    }
    if (s.printed.length > 0) lines.push("", "What the suite printed:", "", "```text", ...s.printed.flatMap((p) => p.split("\n")), "```");
  }
  // `>` escaped so no printed text can close the comment early; JSON.parse reads \u003e back.
  const data = JSON.stringify(run, null, 1).replaceAll(">", "\\u003e");
  lines.push("", DATA_OPEN, data, DATA_CLOSE, "");
  return lines.join("\n");
}

/** The run data at the end of a generated docs/benchmarks.md; throws when the file has none. */
export function benchRunOf(doc: string): BenchRun {
  const start = doc.lastIndexOf(DATA_OPEN);
  const end = doc.lastIndexOf(DATA_CLOSE);
  if (start < 0 || end < start) throw new Error(`docs/benchmarks.md has no "${DATA_OPEN}" block: regenerate it with \`pnpm bench --write\``);
  return JSON.parse(doc.slice(start + DATA_OPEN.length, end)) as BenchRun;
}
