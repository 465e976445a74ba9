import type { Output } from "../output.js";

/** A one-line progress bar on a terminal; silent when stderr is not a TTY (CI, pipes). */
export function progressBar(enabled: boolean, output: Output): ((p: { done: number; total: number; bytes: number }) => void) | undefined {
  if (!enabled || !process.stderr.isTTY) return undefined;
  let last = 0;
  return ({ done, total, bytes }) => {
    const now = Date.now();
    if (done < total && now - last < 100) return; // at most 10 redraws a second
    last = now;
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const line = `\r[${"#".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${total} blobs ${(bytes / 1024 / 1024).toFixed(1)} MiB`;
    process.stderr.write(done >= total ? `${line}\n` : line);
    void output;
  };
}
