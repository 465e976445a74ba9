// Steps per second through the step classifier (@oclog/detections steps/), over the real exec
// commands of the fixtures (the OpenClaw capture and the scenario blobs), repeated to 10,000, and
// over the labelled attack/benign table. The baseline is the shell split alone (unbash plus the
// walk), so the ratio is what classification adds on top of parsing. Not part of `pnpm bench` yet
// (it stays with the tests until the classifier is wired in; moving it to
// packages/detections/benchmarks/ adds it to docs/benchmarks.md). Run it with
// `node --import tsx --conditions=oclog-source packages/detections/test/steps/classify-steps.bench.ts`.
import type { BenchResult } from "../../../../scripts/bench-kit.js";
import { runSuite } from "../../../../scripts/bench-kit.js";
import { classifyStep, defaultCatalogue, splitShell } from "@oclog/detections";
import { fixtureCommands } from "./fixture-steps.js";
import { ATTACKS, BENIGN } from "./labelled-steps.js";

const COUNT = 10_000;
const SUITE = "step classifier (steps/s)";

function repeatTo<T>(items: readonly T[], count: number): T[] {
  return Array.from({ length: count }, (_, i) => items[i % items.length]!);
}

// Runs `work` on each command and returns how many ran; the results are kept so nothing is optimised away.
function count(commands: readonly string[], work: (command: string) => unknown): number {
  const kept: unknown[] = [];
  for (const command of commands) kept.push(work(command));
  return kept.length;
}

export async function run(): Promise<BenchResult[]> {
  const real = repeatTo(fixtureCommands(), COUNT);
  const labelled = repeatTo(
    [...ATTACKS, ...BENIGN].filter((s) => s.tool === "exec").map((s) => s.args.command as string),
    COUNT,
  );
  defaultCatalogue(); // loaded once, outside the timing
  const results = await runSuite(SUITE, [
    { name: "split only, real commands", run: async () => count(real, (c) => splitShell(c)) },
    { name: "classify, real commands", run: async () => count(real, (c) => classifyStep({ tool: "exec", args: { command: c } })) },
    { name: "classify, labelled attack/benign commands", run: async () => count(labelled, (c) => classifyStep({ tool: "exec", args: { command: c } })) },
  ]);
  const real10k = results[1]!;
  console.log(`\n${fixtureCommands().length} distinct real exec commands x ${COUNT / fixtureCommands().length | 0}: ${COUNT} classified in ${(real10k.seconds * 1000).toFixed(0)} ms (${(real10k.seconds / COUNT * 1e6).toFixed(1)} µs per step)`);
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) console.log(`${r.name}: ${r.items} in ${(r.seconds * 1000).toFixed(0)} ms, ${r.perSecond.toFixed(0)}/s, ratio ${r.ratio.toFixed(2)}`);
}
