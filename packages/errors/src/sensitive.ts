/**
 * Output hygiene: secrets (a SAS, a connection string with an account key) wrapped so no
 * accidental print, log, JSON dump or error can show them, and untrusted text (user input,
 * service messages) made safe to put in a message.
 */
import { inspect } from "node:util";

/** What every printed secret looks like. */
export const REDACTED = "**REDACTED**";

/** A secret that only `reveal()` gives back; every other way of printing it shows **REDACTED**. */
export class Sensitive<T = string> {
  // A #private field: util.inspect, JSON.stringify, spreading and Object.keys never see it.
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  /** The secret itself: call only where it is handed to the SDK, never where it is printed. */
  reveal(): T {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }

  /** Wraps a value unless it is wrapped already. */
  static wrap<T>(value: T | Sensitive<T>): Sensitive<T> {
    return value instanceof Sensitive ? value : new Sensitive(value);
  }
}

/**
 * Removes query strings from every URL in `text` and replaces each secret (and, for a SAS, its
 * signature alone) with **REDACTED**. Service errors echo request URLs, and a SAS rides in the
 * query string, so every message from outside passes through here before a person sees it.
 */
export function scrub(text: string, secrets: readonly (string | Sensitive<string> | undefined)[] = []): string {
  let out = text.replace(/\b(https?:\/\/[^\s?#"'<>]*)\?[^\s#"'<>]*/gi, "$1?" + REDACTED);
  for (const secret of secrets) {
    const value = secret instanceof Sensitive ? secret.reveal() : secret;
    if (!value) continue;
    for (const piece of secretPieces(value)) out = out.split(piece).join(REDACTED);
  }
  return out;
}

/** The whole secret plus the parts that could leak on their own (a SAS signature, an account key). */
function secretPieces(value: string): string[] {
  const pieces = new Set<string>([value, value.replace(/^\?/, "")]);
  for (const match of value.matchAll(/(?:^|[?&;])(?:sig|AccountKey|SharedAccessSignature)=([^&;]+)/gi)) {
    const raw = match[1]!;
    pieces.add(raw);
    try {
      pieces.add(decodeURIComponent(raw));
    } catch {
      // A malformed escape cannot appear decoded anywhere; the raw form is enough.
    }
  }
  // Replace long pieces first so a short one never splits a longer one in half.
  return [...pieces].filter((p) => p.length >= 8).sort((a, b) => b.length - a.length);
}

/**
 * Untrusted text as a quoted, single-line, ASCII-only string of bounded length: newlines,
 * control characters, bidi overrides and lookalike letters all show as escapes.
 */
export function quoteUntrusted(value: unknown, max = 64): string {
  const escape = (text: string) => text.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  if (typeof value !== "string") {
    // Numbers, null, objects: their JSON form (unquoted), so 5 does not look like "5".
    let shown: string;
    try {
      shown = JSON.stringify(value) ?? String(value);
    } catch {
      shown = Object.prototype.toString.call(value);
    }
    return escape(shown.length > max ? `${shown.slice(0, max)}...` : shown);
  }
  const cut = value.length > max ? value.slice(0, max) : value;
  const quoted = escape(JSON.stringify(cut));
  return value.length > max ? `${quoted}... (${value.length} chars)` : quoted;
}
