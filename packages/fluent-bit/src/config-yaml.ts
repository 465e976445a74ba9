/**
 * YAML in and out. Rendering is deterministic (same model, same bytes) because the generated
 * pipeline is checked in and compared byte for byte; parsing turns every YAML or model problem
 * into a diagnostic with its location instead of stopping at the first.
 */
import { parseDocument, stringify } from "yaml";
import type { z } from "zod";
import { FluentBitConfig, ServiceSection } from "./config-model.js";
import type { Diagnostic } from "./diagnostic.js";
import { didYouMean } from "./did-you-mean.js";

/** Booleans as on/off, the way Fluent Bit's own documentation writes them. */
function onOff(value: unknown): unknown {
  if (typeof value === "boolean") return value ? "on" : "off";
  if (Array.isArray(value)) return value.map(onOff);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, onOff(v)]));
  return value;
}

/** The configuration as YAML, with `header` as leading comment lines. */
export function renderYaml(config: FluentBitConfig, header: string[] = []): string {
  const body = stringify(onOff(config), { lineWidth: 0, indent: 2, defaultStringType: "PLAIN", defaultKeyType: "PLAIN" });
  return `${header.map((line) => (line ? `# ${line}` : "#")).join("\n")}${header.length ? "\n" : ""}${body}`;
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => (typeof part === "number" ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), "");
}

function issueDiagnostics(issues: readonly z.core.$ZodIssue[]): Diagnostic[] {
  return issues.flatMap((issue) => {
    const section = pathOf(issue.path) || "(top level)";
    if (issue.code === "unrecognized_keys") {
      const known = section === "service" ? Object.keys(ServiceSection.shape) : section === "(top level)" ? ["env", "includes", "service", "parsers", "pipeline"] : [];
      return issue.keys.map((key) => {
        const suggestion = didYouMean(key, known);
        return { severity: "error" as const, rule: "config/unknown-key", location: { section, property: key }, message: `unknown key "${key}"${suggestion ? `; did you mean "${suggestion}"?` : ""}` };
      });
    }
    return [{ severity: "error" as const, rule: "config/invalid", location: { section }, message: issue.message }];
  });
}

/** Parses YAML text into the model; `config` is undefined when the shape is too broken to check further. */
export function parseYaml(text: string, file = "<input>"): { config?: FluentBitConfig; diagnostics: Diagnostic[] } {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length) {
    return {
      diagnostics: doc.errors.map((e) => ({ severity: "error" as const, rule: "config/yaml", location: { section: `${file}:${e.linePos?.[0]?.line ?? "?"}:${e.linePos?.[0]?.col ?? "?"}` }, message: e.message.split("\n")[0]! })),
    };
  }
  const parsed = FluentBitConfig.safeParse(doc.toJS());
  return parsed.success ? { config: parsed.data, diagnostics: [] } : { diagnostics: issueDiagnostics(parsed.error.issues) };
}
