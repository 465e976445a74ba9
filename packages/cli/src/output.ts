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

// Bidi overrides/isolates and invisible format characters: they make text display as something
// it is not ("trojan source"), so a terminal line shows the logical order instead.
// eslint-disable-next-line no-misleading-character-class
const INVISIBLE_PATTERN = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** Makes log-derived text safe for a terminal: no escapes, no control or bidi characters, one line. */
export function terminalSafe(text: string, maxChars = 300): string {
  const oneLine = stripAnsi(text).replace(INVISIBLE_PATTERN, "").replace(/[\r\n\t\u2028\u2029]+/g, " ");
  return oneLine.length > maxChars ? `${oneLine.slice(0, maxChars)}…` : oneLine;
}
