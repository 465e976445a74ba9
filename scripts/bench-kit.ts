/** Minimal benchmark kit: time a named case, and report ratios between cases run side by side. */
export interface BenchCase {
  name: string;
  /** Runs the workload once and returns how many items it processed. */
  run(): Promise<number>;
}

export interface BenchResult {
  suite: string;
  name: string;
  items: number;
  seconds: number;
  perSecond: number;
  /** Throughput relative to the suite's first case (the baseline). */
  ratio: number;
}

/** Runs each case `rounds` times interleaved and keeps each case's best round. */
export async function runSuite(suite: string, cases: BenchCase[], rounds = 3): Promise<BenchResult[]> {
  const best = new Map<string, { items: number; seconds: number }>();
  for (let round = 0; round < rounds; round++) {
    // Interleaving rounds keeps machine noise from favouring whichever case ran first.
    for (const c of cases) {
      const start = process.hrtime.bigint();
      const items = await c.run();
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const prev = best.get(c.name);
      if (!prev || items / seconds > prev.items / prev.seconds) best.set(c.name, { items, seconds });
    }
  }
  const baseline = best.get(cases[0]!.name)!;
  return cases.map((c) => {
    const r = best.get(c.name)!;
    return {
      suite,
      name: c.name,
      items: r.items,
      seconds: r.seconds,
      perSecond: r.items / r.seconds,
      ratio: r.items / r.seconds / (baseline.items / baseline.seconds),
    };
  });
}
