// The evasion corpus (test/evasion, issue 22) through every rule: what it costs (items per
// second, each variant or benign day alone in a fresh in-memory DuckDB) and, printed, the recall
// and benign numbers of the rules this run measured. It stays beside the corpus (a package's
// benchmarks/ may not reach into test/); the before/after numbers are kept in
// docs/benchmarks-notes.md.
// Run it alone (pnpm bench runs only packages/*/benchmarks):
//   node --import tsx --conditions=oclog-source -e 'import("./test/evasion/evasion.bench.ts").then(m => m.run())'
import { runSuite, type BenchResult } from "../../scripts/bench-kit.js";
import { DEFAULT_SEED, generateCorpus } from "./generate-variants.js";
import { loadRules, measureCorpus } from "./measure.js";
import { renderSummaryTables } from "./summary-table.js";

export async function run(): Promise<BenchResult[]> {
  const corpus = generateCorpus(DEFAULT_SEED);
  const rules = await loadRules();
  const items = corpus.variants.length + corpus.benignDays.length;
  let printed = false;
  // One round: a round is a minute or more, and the numbers printed are the same every round.
  return runSuite(
    "evasion corpus through every rule (items/s)",
    [
      {
        name: `${rules.length} rules, ${corpus.variants.length} variants + ${corpus.benignDays.length} benign days`,
        run: async () => {
          const summary = await measureCorpus(corpus, rules);
          if (!printed) console.log(renderSummaryTables(summary));
          printed = true;
          return items;
        },
      },
    ],
    1,
  );
}
