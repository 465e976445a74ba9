// A process that writes the gateway's file log the way OpenClaw does: real captured lines
// (gateway-lines.ts), appended at a steady rate to `openclaw-YYYY-MM-DD.log` named after each
// line's own (UTC) date, so a run whose times cross midnight rolls over to the next day's file.
// Prints `written N` as it goes and `done N` at the end.
//
//   node --import tsx gateway-log-writer.ts <dir> <t0-ms> <lines-per-second> <count>
import { appendFileSync } from "node:fs";
import { gatewayLine, logFileFor } from "./gateway-lines.js";

const [dir, t0Text, rateText, countText] = process.argv.slice(2) as [string, string, string, string];
const t0 = Number(t0Text);
const rate = Number(rateText);
const count = Number(countText);

{
  const started = Date.now();
  let written = 0;
  const tick = setInterval(() => {
    const due = Math.min(count, Math.floor(((Date.now() - started) / 1000) * rate) + 1);
    // One append per file per tick, as a logger flushing its buffer would.
    while (written < due) {
      const file = logFileFor(dir, written, t0);
      let batch = "";
      while (written < due && logFileFor(dir, written, t0) === file) batch += `${gatewayLine(written++, t0)}\n`;
      appendFileSync(file, batch);
    }
    process.stdout.write(`written ${written}\n`);
    if (written >= count) {
      clearInterval(tick);
      process.stdout.write(`done ${written}\n`);
    }
  }, 50);
}
