/**
 * YAML in and out. Rendering is deterministic (same model, same bytes) because the generated
 * pipeline is checked in and compared byte for byte; parsing turns every YAML or model problem
 * into a diagnostic with its location instead of stopping at the first.
 */
import { isDeepStrictEqual } from "node:util";
import { Document, parseDocument, visit } from "yaml";
import { ExitCode, OclogError } from "@oclog/errors";
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

/** Characters that end a comment line or hide text on a terminal: C0/C1 controls, line and paragraph separators, bidi controls, BOM. */
const UNSAFE_IN_COMMENT = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** A header line that stays one comment line: a line break in it would start YAML of its own. */
function commentLine(line: string): string {
  const safe = line.replace(UNSAFE_IN_COMMENT, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return safe ? `# ${safe}` : "#";
}

/**
 * The configuration as YAML, with `header` as leading comment lines. Every string that is not
 * printable ASCII is double-quoted (its escapes visible), and the text is parsed back and must
 * give exactly the model: no value, however hostile, can create structure.
 */
export function renderYaml(config: FluentBitConfig, header: string[] = []): string {
  const value = onOff(config);
  const doc = new Document(value);
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === "string" && /[^\x20-\x7e]/.test(node.value)) node.type = "QUOTE_DOUBLE";
    },
  });
  const body = doc.toString({ lineWidth: 0, indent: 2, defaultStringType: "PLAIN", defaultKeyType: "PLAIN" });
  const text = `${header.map(commentLine).join("\n")}${header.length ? "\n" : ""}${body}`;
  const reread = parseDocument(text, { uniqueKeys: true });
  if (reread.errors.length || !isDeepStrictEqual(reread.toJS({ maxAliasCount: -1 }), JSON.parse(JSON.stringify(value)))) {
    throw new OclogError("E_INTERNAL", "the rendered YAML does not read back as the configuration it was made from", { exitCode: ExitCode.internal, hint: "a bug in oclog's YAML writer: report it with the --param values used" });
  }
  return text;
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
