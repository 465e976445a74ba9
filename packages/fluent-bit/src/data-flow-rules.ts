/**
 * The lint of the allowed data flow: records leave only through the preset's blob output (and
 * the optional Azure Monitor Logs output), and nothing on the way to the blob output drops or
 * rewrites them except the preset's own filters (the egress grep, the parsers that keep the raw
 * line, the redaction script, the envelope). Anything else is an error unless allowed with a
 * reason (`--allow <rule>@<alias>:<reason>`, allowances.ts).
 */
import type { FluentBitConfig, PluginInstance, PluginKind } from "./config-model.js";
import { isOn, property, propertyText } from "./config-model.js";
import type { Location } from "./diagnostic.js";
import { EGRESS_LOG_PREFIX } from "./presets/openclaw-vm.js";
import { instanceLocation } from "./schema-validator.js";
import { inputTag, inputsReaching, receives } from "./tag-routing.js";

/** What a data-flow rule reports; the same shape as the other lint rules' findings. */
interface Finding {
  location: Location;
  message: string;
  hint: string;
}

type Indexed = { instance: PluginInstance; index: number; kind: PluginKind };
const each = (config: FluentBitConfig, kind: PluginKind): Indexed[] => (config.pipeline[kind] ?? []).map((instance, index) => ({ instance, index, kind }));
const at = (o: Indexed, key?: string) => instanceLocation(o.kind, o.index, o.instance, key);
const target = (o: Indexed) => propertyText(o.instance, "alias") ?? `pipeline.${o.kind}[${o.index}]`;
const allowHint = (rule: string, o: Indexed, what: string) => `${what}, or allow it with a reason: --allow ${rule}@${target(o)}:"<why this is safe>"`;

/** The preset's blob output: the first azure_blob; the one every record must reach. */
function blobOutput(config: FluentBitConfig): Indexed | undefined {
  return each(config, "outputs").find((o) => o.instance.name === "azure_blob");
}

/** The outputs records may leave through: the blob output and the first azure_logs_ingestion. */
function allowedOutputs(config: FluentBitConfig): Set<Indexed["instance"]> {
  const outputs = each(config, "outputs");
  const allowed = [blobOutput(config), outputs.find((o) => o.instance.name === "azure_logs_ingestion")];
  return new Set(allowed.filter((o) => o !== undefined).map((o) => o.instance));
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
}

/**
 * Whether `filter` can see records on their way to `output`: it receives the tag of an input
 * the output receives. A forward input carries any tag, so there the two `match` globs must
 * overlap (tested both ways; a match_regex is assumed to overlap).
 */
function onTheWay(config: FluentBitConfig, filter: PluginInstance, output: PluginInstance): boolean {
  return inputsReaching(config, output).some((input) => {
    const tag = inputTag(input);
    if (tag !== undefined) return receives(filter, tag);
    const a = propertyText(filter, "match");
    const b = propertyText(output, "match");
    if (a === undefined || b === undefined) return propertyText(filter, "match_regex") !== undefined || a !== undefined;
    return globToRegExp(a).test(b) || globToRegExp(b).test(a);
  });
}

/** The values of a property that may be repeated, as strings. */
function values(instance: PluginInstance, key: string): string[] {
  const value = property(instance, key);
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

const keys = (instance: PluginInstance) => Object.keys(instance).map((k) => k.toLowerCase());

/** The preset's egress grep: only the ruleset's kernel lines stay in the egress source (counted in Fluent Bit's metrics). */
function isPresetEgressGrep(f: PluginInstance): boolean {
  return propertyText(f, "match") === "openclaw.egress" && values(f, "regex").join("\n") === `message ^${EGRESS_LOG_PREFIX}` && !keys(f).some((k) => ["exclude", "logical_op"].includes(k));
}

/** The preset's redaction script (lint-rules.ts has the same test; kept here so the rules stay one-way). */
function isRedaction(f: PluginInstance): boolean {
  return f.name === "lua" && propertyText(f, "call") === "redact" && /(^|\/)redact\.lua$/.test(propertyText(f, "script") ?? "") && property(f, "code") === undefined;
}

const MODIFY_REWRITES = ["remove", "remove_wildcard", "remove_regex", "rename", "hard_rename", "set", "hard_copy"];
const RECORD_MODIFIER_REMOVES = ["remove_key", "allowlist_key", "whitelist_key"];

/** What `filter` does to records that loses or changes them, or undefined when it only adds or parses. */
export function dropsOrRewrites(filter: PluginInstance, reachesBlob: (tag: string) => boolean): string | undefined {
  const present = keys(filter);
  switch (filter.name) {
    case "grep":
      if (present.includes("exclude")) return "its exclude drops every record it matches";
      return isPresetEgressGrep(filter) ? undefined : "it drops every record its regex does not keep";
    case "modify": {
      const found = MODIFY_REWRITES.filter((k) => present.includes(k));
      return found.length ? `its ${found.join(", ")} ${found.length > 1 ? "remove or overwrite" : "removes or overwrites"} fields` : undefined;
    }
    case "record_modifier": {
      const found = RECORD_MODIFIER_REMOVES.filter((k) => present.includes(k));
      return found.length ? `its ${found.join(", ")} ${found.length > 1 ? "remove" : "removes"} fields` : undefined;
    }
    case "lua":
      return isRedaction(filter) ? undefined : "it runs a script that can change or drop any record (only the preset's redact.lua is expected)";
    case "wasm":
      return "it runs a module that can change or drop any record";
    case "nest":
      return "it moves keys into or out of a nested map, so they are gone from where the schema expects them";
    case "throttle":
      return "it drops records over its rate";
    case "sampling":
      return "it drops every record it does not sample";
    case "log_to_metrics":
      return isOn(filter, "discard_logs", false) ? "it turns records into metrics and discards them" : undefined;
    case "parser":
      if (!isOn(filter, "reserve_data", false)) return "without reserve_data it keeps only the parsed fields and drops the rest of the record";
      return isOn(filter, "preserve_key", false) ? undefined : "without preserve_key it drops the raw line it parses";
    case "rewrite_tag": {
      const rules = values(filter, "rule").map((rule) => rule.trim().split(/\s+/));
      const moved = rules.filter((parts) => !["true", "on", "yes"].includes((parts[3] ?? "false").toLowerCase()));
      if (!moved.length) return undefined;
      const away = moved.filter((parts) => !reachesBlob(parts[2] ?? ""));
      return away.length
        ? `it re-emits records under ${away.map((p) => p[2]).join(", ")}, which the blob output does not receive, and drops the originals (keep false)`
        : "it re-emits records under a new tag and drops the originals (keep false)";
    }
    default:
      return undefined;
  }
}

export const DATA_FLOW_RULES = [
  {
    id: "data-flow/output",
    severity: "error" as const,
    why: "Records may leave only through the preset's blob output and the optional Azure Monitor Logs output; any other output is a copy nobody audits.",
    check: (config: FluentBitConfig): Finding[] => {
      const allowed = allowedOutputs(config);
      return each(config, "outputs")
        .filter((o) => !allowed.has(o.instance))
        .map((o) => ({
          location: at(o),
          message: `records leave through ${o.instance.name}${propertyText(o.instance, "match") ? ` (match ${propertyText(o.instance, "match")})` : ""}: only the preset's azure_blob output and one azure_logs_ingestion output may take them`,
          hint: allowHint("data-flow/output", o, "remove it"),
        }));
    },
  },
  {
    id: "data-flow/unshipped",
    severity: "error" as const,
    why: "An input whose records no allowed output receives reads, buffers and then drops them: that source never reaches the container.",
    check: (config: FluentBitConfig): Finding[] => {
      const allowed = [...allowedOutputs(config)];
      if (allowed.length === 0) return [];
      return each(config, "inputs")
        .filter((i) => !allowed.some((output) => receives(output, inputTag(i.instance))))
        .map((i) => ({
          location: at(i, "tag"),
          message: `records tagged ${inputTag(i.instance) ?? "(any)"} reach neither the blob output (match ${propertyText(blobOutput(config)?.instance ?? { name: "" }, "match") ?? "unset"}) nor the Azure Logs output`,
          hint: allowHint("data-flow/unshipped", i, "tag the input under openclaw. (the blob output's match)"),
        }));
    },
  },
  {
    id: "data-flow/filter",
    severity: "error" as const,
    why: "A filter that drops or rewrites records on the way to the blob output makes evidence vanish before anyone can read it.",
    check: (config: FluentBitConfig): Finding[] => {
      const blob = blobOutput(config);
      if (!blob) return [];
      const reachesBlob = (tag: string) => !tag.includes("$") && receives(blob.instance, tag);
      return each(config, "filters").flatMap((f) => {
        if (!onTheWay(config, f.instance, blob.instance)) return [];
        const why = dropsOrRewrites(f.instance, reachesBlob);
        return why ? [{ location: at(f), message: `${f.instance.name} filter on the way to the blob output: ${why}`, hint: allowHint("data-flow/filter", f, "remove it or narrow its match") }] : [];
      });
    },
  },
];
