// Reads a JSON file in a tight loop until stdin closes; counts reads that do not parse.
import { readFileSync } from "node:fs";

const [path] = process.argv.slice(2);
let reads = 0;
let partial = 0;
let open = true;
process.stdin.on("end", () => (open = false)).resume();
process.stdout.write("polling\n");
const loop = () => {
  for (let i = 0; i < 200; i++) {
    try {
      JSON.parse(readFileSync(path, "utf8"));
    } catch {
      partial++;
    }
    reads++;
  }
  if (open) setImmediate(loop);
  else process.stdout.write(`${JSON.stringify({ reads, partial })}\n`);
};
loop();
