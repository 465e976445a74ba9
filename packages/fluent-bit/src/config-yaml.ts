/**
 * YAML in and out. Rendering is deterministic (same model, same bytes) because the generated
 * pipeline is checked in and compared byte for byte; parsing turns every YAML or model problem
 * into a diagnostic with its location instead of stopping at the first.
 */
import { isDeepStrictEqual } from "node:util";
import { Document, isNode, isScalar, LineCounter, parseDocument, visit } from "yaml";
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

/** Errors of one kind shown before the rest is summed up: a hostile file can make thousands. */
const MAX_YAML_ERRORS = 20;
/** Aliases the reader expands: enough for any real pipeline, far too few for a "billion laughs". */
const MAX_ALIASES = 100;

const at = (file: string, pos: readonly { line: number; col: number }[] | undefined) => `${file}:${pos?.[0]?.line ?? "?"}:${pos?.[0]?.col ?? "?"}`;

/** Keys the model cannot hold faithfully: a `__proto__` would vanish into the prototype, a list or map as key becomes a string. */
function unfaithfulKeys(doc: Document.Parsed, lines: LineCounter, file: string): Diagnostic[] {
  const found: Diagnostic[] = [];
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key;
      const section = at(file, isNode(key) && key.range ? [lines.linePos(key.range[0])] : undefined);
      if (!isScalar(key)) found.push({ severity: "error", rule: "config/yaml", location: { section }, message: "a key that is a list or a map: Fluent Bit keys are plain names", hint: "write the key as a plain name" });
      else if (String(key.value) === "__proto__") found.push({ severity: "error", rule: "config/yaml", location: { section }, message: 'a "__proto__" key: no Fluent Bit section or plugin has it, and it would vanish from the parsed configuration', hint: "remove the key" });
    },
  });
  return found;
}

/** Parses YAML text into the model; `config` is undefined when the shape is too broken to check further. */
export function parseYaml(text: string, file = "<input>"): { config?: FluentBitConfig; diagnostics: Diagnostic[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, lineCounter: lines });
  if (doc.errors.length) return { diagnostics: capped(doc.errors.map((e) => ({ severity: "error" as const, rule: "config/yaml", location: { section: at(file, e.linePos) }, message: e.message.split("\n")[0]! })), file) };
  try {
    const keys = unfaithfulKeys(doc, lines, file);
    if (keys.length) return { diagnostics: capped(keys, file) };
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (error) {
      if (error instanceof RangeError) throw error;
      // The yaml package refuses to expand an alias bomb; say so instead of stopping.
      return { diagnostics: [{ severity: "error", rule: "config/yaml", location: { section: file }, message: `cannot be read: ${(error as Error).message}`, hint: `use at most ${MAX_ALIASES} aliases (*name); a Fluent Bit configuration needs none` }] };
    }
    const parsed = FluentBitConfig.safeParse(value);
    return parsed.success ? { config: parsed.data, diagnostics: [] } : { diagnostics: capped(issueDiagnostics(parsed.error.issues), file) };
  } catch (error) {
    // Walking a structure nested thousands deep runs out of stack; no pipeline is nested like that.
    if (!(error instanceof RangeError)) throw error;
    return { diagnostics: [{ severity: "error", rule: "config/yaml", location: { section: file }, message: "nested too deeply to read", hint: "a Fluent Bit configuration is a few levels deep: sections, lists of plugins, properties" }] };
  }
}

/** The first MAX_YAML_ERRORS diagnostics and a line counting the rest. */
function capped(diagnostics: Diagnostic[], file: string): Diagnostic[] {
  const more = diagnostics.length - MAX_YAML_ERRORS;
  if (more <= 0) return diagnostics;
  return [...diagnostics.slice(0, MAX_YAML_ERRORS), { severity: "error", rule: "config/yaml", location: { section: file }, message: `and ${more} more error(s) of this kind not listed`, hint: "fix the first ones; the rest often follow from them" }];
}
