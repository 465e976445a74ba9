/**
 * Neutralizing log-derived text for investigator-facing output. Everything a report shows that
 * came from a log (messages, paths, commands, tool names, blob names, even category names) is
 * hostile input: it can carry ANSI escapes that recolour or retitle a terminal, HTML that runs in
 * a browser, Markdown that becomes links, and Unicode controls that reorder what is displayed.
 * The evidence itself stays byte for byte in the case folder; these are the views of it.
 */
import { stripAnsi } from "@oclog/schema";

// Bidirectional overrides/isolates and invisible format characters: they make `evil.exe` display
// as something else ("trojan source" tricks), so a view shows the logical order instead.
// eslint-disable-next-line no-misleading-character-class
const INVISIBLE_PATTERN = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
const LINE_BREAK_PATTERN = /\r\n|[\r\u2028\u2029\u0085]/g;

/** Any value as display text: null/undefined become "", objects become JSON. */
export function toText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "" : value.toISOString();
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ?? "";
  } catch {
    return String(value);
  }
}

/**
 * Log-derived value to safe plain text: line breaks unified to `\n`, ANSI escapes, C0/C1
 * controls (but tab and newline), bidi overrides and invisible format characters removed.
 */
export function cleanText(value: unknown): string {
  return stripAnsi(toText(value).replace(LINE_BREAK_PATTERN, "\n")).replace(INVISIBLE_PATTERN, "");
}

/** Clean text on one line: newlines shown as `↵`, tabs as spaces. */
export function oneLine(value: unknown): string {
  return cleanText(value).replace(/\n/g, " ↵ ").replace(/\t/g, " ");
}

/** Cuts to at most `max` code points (never splitting a surrogate pair), marking the cut with `…`. */
export function truncate(text: string, max: number): string {
  const points = Array.from(text);
  if (points.length <= max) return text;
  return `${points.slice(0, Math.max(0, max - 1)).join("")}…`;
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML element content and quoted attribute values. Call on cleaned text. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * Escapes text for inline Markdown (CommonMark/GFM), including table cells: every character that
 * can open emphasis, code, links, images, raw HTML, entities, strikethrough, math or a table
 * column is backslash-escaped, so `<script>` stays text and `[x](javascript:...)` never becomes a
 * link. Line breaks must already be gone (use {@link oneLine}).
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]<>()#!|~&$]/g, (c) => `\\${c}`);
}

/** A log-derived value for one Markdown table cell or inline span. */
export function markdownInline(value: unknown, max = 300): string {
  return escapeMarkdown(truncate(oneLine(value), max));
}

/** A log-derived value as HTML text (newlines kept for `white-space: pre-wrap`). */
export function htmlText(value: unknown, max = Infinity): string {
  return escapeHtml(Number.isFinite(max) ? truncate(cleanText(value), max) : cleanText(value));
}

/** A log-derived value for a terminal: one line, no escapes or controls, truncated. */
export function terminalText(value: unknown, max = 100): string {
  return truncate(oneLine(value), max);
}

/** `record[key]` only for the record's own keys: log text like `constructor` must not reach the prototype. */
export function own<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
