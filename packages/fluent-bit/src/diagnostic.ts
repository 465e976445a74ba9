/** What validation and lint report: one finding with where it is and what to do about it. */

export type Severity = "error" | "warning";

/** Where in the configuration a finding is: section, plugin instance, property. */
export interface Location {
  /** `service`, `parsers[0]`, `pipeline.outputs[1]`, ... */
  section: string;
  /** Plugin name and alias when the section is a plugin instance. */
  plugin?: string;
  alias?: string;
  property?: string;
}

export interface Diagnostic {
  severity: Severity;
  /** `schema/unknown-property`, or a lint rule id such as `retry-limit`. */
  rule: string;
  location: Location;
  message: string;
  /** What to change. */
  hint?: string;
  /** Set when `--allow` accepted this finding: the reason given (the finding is then a warning). */
  allowed?: string;
}

/** `pipeline.outputs[0] azure_blob "ship" property sas_token` */
export function formatLocation(location: Location): string {
  const parts = [location.section];
  if (location.plugin) parts.push(location.alias ? `${location.plugin} "${location.alias}"` : location.plugin);
  if (location.property) parts.push(`property ${location.property}`);
  return parts.join(" ");
}

/** Longest message shown: messages quote values from the file, which may be huge. */
const MAX_SHOWN = 400;

/** Text from a file made safe for a terminal: controls and bidi marks escaped, length capped. */
function terminalSafe(text: string): string {
  const cut = text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}... (${text.length} chars)` : text;
  return cut.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** One line per diagnostic, hint on the next (and the reason when allowed), for terminals and CI logs. */
export function formatDiagnostic(d: Diagnostic): string {
  const head = terminalSafe(`${d.severity.padEnd(7)} ${formatLocation(d.location)}: ${d.message} [${d.rule}]`);
  const lines = [head];
  if (d.allowed !== undefined) lines.push(`        allowed: ${terminalSafe(d.allowed)}`);
  else if (d.hint) lines.push(`        hint: ${terminalSafe(d.hint)}`);
  return lines.join("\n");
}
