// One collector pass over a prepared state directory in its own process, so its peak RSS is its
// own: argv = <@oclog/collect entry to import> <state dir> <work dir>. Prints one JSON line.
import { pathToFileURL } from "node:url";

const [entry, stateDir, workDir] = process.argv.slice(2) as [string, string, string];
const { Collector } = (await import(pathToFileURL(entry).href)) as typeof import("@oclog/collect");
// Records are taken and dropped: what is measured is reading, decoding, bounding and spooling.
const collector = new Collector({ stateDir, workDir, sender: { send: async () => {} } });
const started = Date.now();
let outcome: unknown;
try {
  outcome = await collector.cycle();
} catch (error) {
  outcome = { error: (error as Error).message.slice(0, 200) };
}
collector.close();
console.log(JSON.stringify({ maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), ms: Date.now() - started, outcome }));
