// Runs one investigation in its own process so its peak memory is its own; prints JSON timings.
import { runInvestigation } from "../src/run-investigation.js";
import { Sensitive } from "../src/sensitive.js";

const [caseDir] = process.argv.slice(2);
const started = performance.now();
const result = await runInvestigation({
  user: "alice",
  connectionString: new Sensitive(process.env.OCLOG_BENCH_CONNECTION_STRING!),
  caseDir: caseDir!,
  oclogVersion: "bench",
});
process.stdout.write(
  `${JSON.stringify({
    seconds: (performance.now() - started) / 1000,
    records: result.load.records,
    quarantined: result.load.quarantined,
    findings: result.findings.length,
    stages: result.seconds,
    stagePeakRssMb: result.peakRssMb,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  })}\n`,
);
