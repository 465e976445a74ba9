import { stripAnsi } from "@oclog/schema";

/** Where commands write: injectable so tests capture output without touching the process. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
};

/** Makes log-derived text safe for a terminal: no escapes, no control characters, one line. */
export function terminalSafe(text: string, maxChars = 300): string {
  const oneLine = stripAnsi(text).replace(/[\r\n\t]+/g, " ");
  return oneLine.length > maxChars ? `${oneLine.slice(0, maxChars)}…` : oneLine;
}
