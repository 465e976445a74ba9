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
}

/** `pipeline.outputs[0] azure_blob "ship" property sas_token` */
export function formatLocation(location: Location): string {
  const parts = [location.section];
  if (location.plugin) parts.push(location.alias ? `${location.plugin} "${location.alias}"` : location.plugin);
  if (location.property) parts.push(`property ${location.property}`);
  return parts.join(" ");
}

/** One line per diagnostic, hint on the next, for terminals and CI logs. */
export function formatDiagnostic(d: Diagnostic): string {
  const head = `${d.severity.padEnd(7)} ${formatLocation(d.location)}: ${d.message} [${d.rule}]`;
  return d.hint ? `${head}\n        hint: ${d.hint}` : head;
}
