/**
 * JSON for a terminal or a pipe: JSON.stringify escapes C0 controls (ESC, BEL) but passes C1
 * controls (U+009B is a one-byte CSI), bidi overrides and invisible format characters through raw.
 * These are escaped too: still valid JSON that parses back to the very same strings.
 */
// eslint-disable-next-line no-control-regex, no-misleading-character-class
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** `JSON.stringify(value)` with every character a terminal would act on written as `\uXXXX`. */
export function terminalJson(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
