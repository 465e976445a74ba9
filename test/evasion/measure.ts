/**
 * Measures today's rules on the evasion corpus: every rule over each variant and each benign day,
 * each alone in its own in-memory DuckDB. Prints the tables and writes the summary to
 * `.oclog-tmp/evasion/summary.json`.
 *
 * `node --import tsx --conditions=oclog-source test/evasion/measure.ts [seed]`
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { DETECTIONS_DIR, loadDetections, type LoadedDetection } from "@oclog/investigate";
import type { EvasionCorpus } from "./corpus-types.js";
import { summarize, type EvasionSummary } from "./evasion-summary.js";
import { DEFAULT_SEED, generateCorpus } from "./generate-variants.js";
import { corpusBlobName, corpusItemEvents } from "./normalized-events.js";
import { runRulesOnEvents } from "./run-rules.js";
import { scoreBenignDay, scoreVariant, type BenignScore, type VariantScore } from "./score-item.js";
import { renderSummaryTables } from "./summary-table.js";

export const SUMMARY_PATH = join(new URL("../..", import.meta.url).pathname, ".oclog-tmp", "evasion", "summary.json");

export async function measureCorpus(corpus: EvasionCorpus, detections: readonly LoadedDetection[]): Promise<EvasionSummary> {
  const problems: string[] = [];
  const runItem = async (item: { id: string; steps: EvasionCorpus["variants"][number]["steps"] }) => {
    const events = corpusItemEvents(item);
    const run = await runRulesOnEvents(events.rows, detections);
    // A rule that errors would read as a miss; a row the load dropped would too.
    problems.push(...run.errors.map((e) => `${item.id}: ${e}`));
    if (run.loadedRows !== events.rows.length) problems.push(`${item.id}: ${events.rows.length} events, ${run.loadedRows} loaded`);
    return { events, findings: run.findings, blob: corpusBlobName(item.id) };
  };
  const variants: VariantScore[] = [];
  for (const variant of corpus.variants) {
    const { events, findings, blob } = await runItem(variant);
    variants.push(scoreVariant(variant, events, blob, findings));
  }
  const benignDays: BenignScore[] = [];
  for (const day of corpus.benignDays) {
    const { events, findings, blob } = await runItem(day);
    benignDays.push(scoreBenignDay(day, events, blob, findings));
  }
  if (problems.length > 0) throw new Error(`the measurement is not sound:\n${problems.join("\n")}`);
  const benignSteps = corpus.benignDays.reduce((n, d) => n + d.steps.length, 0);
  return summarize(corpus.seed, detections.length, variants, benignDays, benignSteps);
}

/** The rules as installed in this checkout; refuses to measure a partly loaded rule set. */
export async function loadRules(): Promise<LoadedDetection[]> {
  const { detections, errors } = await loadDetections(DETECTIONS_DIR);
  if (errors.length > 0) throw new Error(`rules that did not load: ${errors.map((e) => `${e.file}: ${e.reason}`).join("; ")}`);
  return detections;
}

export function writeSummary(summary: EvasionSummary, path = SUMMARY_PATH): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, `${JSON.stringify(summary, null, 2)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const summary = await measureCorpus(generateCorpus(Number(process.argv[2] ?? DEFAULT_SEED)), await loadRules());
  writeSummary(summary);
  console.log(renderSummaryTables(summary));
  console.log(`\nsummary: ${SUMMARY_PATH}`);
}
