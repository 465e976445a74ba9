import { stripAnsi } from "@oclog/schema";

/** Where commands write: injectable so tests capture output without touching the process. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

// Characters a terminal acts on instead of showing: C0 controls other than tab and newline, ESC,
// DEL, C1 controls (U+009B is a one-character CSI), and the bidi embeddings, overrides and isolates
// that reorder what is shown (Trojan Source). Carriage return is here: it lets a line overwrite itself.
// eslint-disable-next-line no-control-regex
const TERMINAL_ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * The last line of defence for everything oclog prints: whatever a command forgot to clean is shown
 * as a `\uXXXX` escape, never acted on. Inside JSON strings the escape is valid JSON for the same
 * character (JSON.stringify has already escaped every backslash), so `--json` output still parses.
 */
export function neutralizeForTerminal(text: string): string {
  return text.replace(TERMINAL_ACTIVE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** An Output over two writers: every line neutralized and newline-terminated. */
export function terminalOutput(writeOut: (text: string) => void, writeErr: (text: string) => void): Output {
  const line = (text: string): string => {
    const safe = neutralizeForTerminal(text);
    return safe.endsWith("\n") ? safe : `${safe}\n`;
  };
  return { out: (text) => writeOut(line(text)), err: (text) => writeErr(line(text)) };
}

export const processOutput: Output = terminalOutput(
  (text) => process.stdout.write(text),
  (text) => process.stderr.write(text),
);

/** Makes log-derived text safe for a terminal: no escapes, no control characters, one line. */
export function terminalSafe(text: string, maxChars = 300): string {
  const oneLine = stripAnsi(text).replace(/[\r\n\t]+/g, " ").replace(TERMINAL_ACTIVE, "");
  return oneLine.length > maxChars ? `${oneLine.slice(0, maxChars)}…` : oneLine;
}
