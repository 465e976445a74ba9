/**
 * The lint of values: what a hostile `--param`, a hand edit or a broken writer can smuggle into
 * a pipeline file. Fluent Bit expands every `${VAR}` in every value, so a reference the preset
 * does not make at that place can put a secret into every record; a line break or a terminal
 * control in a value is either structure that was flattened or text meant to mislead.
 */
import type { FluentBitConfig, PluginInstance, PluginKind } from "./config-model.js";
import type { Location } from "./diagnostic.js";
import { AZURE_LOGS_SECRET_VARIABLE } from "./azure-logs-output.js";
import { openclawVm } from "./presets/openclaw-vm.js";
import { instanceLocation } from "./schema-validator.js";

interface Finding {
  location: Location;
  message: string;
  hint: string;
}

/** C0/C1 controls (tab and line breaks included), line/paragraph separators, bidi controls. */
const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const REFERENCE = /\$\{([^}]*)\}/g;
/** Names that say "secret" whatever the pipeline calls them. */
const SECRET_NAME = /SAS|SECRET|TOKEN|PASSW|KEY|CREDENTIAL/i;

/** Where a value sits: the place a reference is checked against, and the location to report. */
interface Place {
  /** `service.http_port`, `outputs/azure_blob.sas_token`, `parsers.regex`, `includes`. */
  slot: string;
  location: Location;
}

/** Every string (and key) of the configuration with its place. */
function* strings(config: FluentBitConfig): Generator<{ text: string; place: Place; isKey?: boolean }> {
  for (const [key, value] of Object.entries(config.service ?? {})) {
    const place = { slot: `service.${key.toLowerCase()}`, location: { section: "service", property: key } };
    yield { text: key, place, isKey: true };
    yield { text: String(value), place };
  }
  for (const [i, include] of (config.includes ?? []).entries()) yield { text: include, place: { slot: "includes", location: { section: `includes[${i}]` } } };
  for (const [i, parser] of (config.parsers ?? []).entries()) {
    for (const [key, value] of Object.entries(parser)) yield { text: String(value), place: { slot: `parsers.${key}`, location: { section: `parsers[${i}]`, property: key } } };
  }
  for (const kind of ["inputs", "filters", "outputs"] as const satisfies readonly PluginKind[]) {
    for (const [index, instance] of (config.pipeline[kind] ?? []).entries()) {
      for (const [key, value] of Object.entries(instance as PluginInstance)) {
        const place = { slot: `${kind}/${instance.name}.${key.toLowerCase()}`, location: instanceLocation(kind, index, instance, key) };
        yield { text: key, place, isKey: true };
        for (const item of Array.isArray(value) ? value : [value]) yield { text: String(item), place };
      }
    }
  }
}

const names = (text: string) => [...text.matchAll(REFERENCE)].map((m) => m[1]!);

let presetReferences: Map<string, Set<string>> | undefined;
/** Which variables the openclaw-vm preset references at which place, over both versions and with the optional output on. */
function referencesOfPreset(): Map<string, Set<string>> {
  if (presetReferences) return presetReferences;
  const found = new Map<string, Set<string>>();
  for (const fluentBitVersion of ["4.2.8", "5.1.1"]) {
    for (const { text, place } of strings(openclawVm({ fluentBitVersion, params: { azure_logs: "on" } }))) {
      for (const name of names(text)) found.set(place.slot, (found.get(place.slot) ?? new Set()).add(name));
    }
  }
  return (presetReferences = found);
}

/** Variables the file's secret properties take (the SAS, the Entra app secret). */
const SECRET_VARIABLES = new Set(["OCLOG_SAS_TOKEN", AZURE_LOGS_SECRET_VARIABLE]);

function shown(text: string): string {
  const cut = text.length > 60 ? `${text.slice(0, 60)}...` : text;
  return JSON.stringify(cut).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export const VALUE_RULES = [
  {
    id: "value/control-character",
    severity: "error" as const,
    why: "A line break or control character in a value is structure a writer flattened, or text that misleads whoever reads the file on a terminal.",
    check: (config: FluentBitConfig): Finding[] => {
      const findings: Finding[] = [];
      for (const { text, place, isKey } of strings(config)) {
        if (CONTROL.test(text)) findings.push({ location: place.location, message: `${isKey ? "key" : "value"} ${shown(text)} holds a line break or control character`, hint: "one line of printable text; regenerate the file with `oclog fluent-bit generate`" });
      }
      return findings;
    },
  },
  {
    id: "value/env-reference",
    severity: "error" as const,
    why: "Fluent Bit expands ${VAR} in every value: a variable the preset does not use, or a secret outside its own property, can reach every record or path.",
    check: (config: FluentBitConfig): Finding[] => {
      const preset = referencesOfPreset();
      const known = new Set([...preset.values()].flatMap((set) => [...set]));
      const findings: Finding[] = [];
      for (const { text, place, isKey } of strings(config)) {
        for (const name of isKey ? [] : names(text)) {
          const property = place.slot.split(".").slice(1).join(".");
          const secretSlots = [...preset].filter(([, set]) => set.has(name)).map(([slot]) => slot.split(".").slice(1).join("."));
          let problem: string | undefined;
          if (!known.has(name)) {
            problem = `\${${name}} is not a variable the openclaw-vm preset uses${SECRET_NAME.test(name) ? ", and it names a secret: its value would be copied into what this property writes" : ""}`;
          } else if (SECRET_VARIABLES.has(name) && !secretSlots.includes(property)) {
            problem = `\${${name}} is a secret the preset only puts in ${[...new Set(secretSlots)].join(", ")}: here its value would be copied into what this property writes`;
          }
          if (!problem) continue;
          findings.push({
            location: place.location,
            message: problem,
            hint: `write the value itself, or regenerate with \`oclog fluent-bit generate\`; if the reference is intended: --allow value/env-reference@${place.location.alias ?? place.location.section}:"<why>"`,
          });
        }
      }
      return findings;
    },
  },
  {
    id: "value/env-override",
    severity: "error" as const,
    why: "An env entry in the pipeline file overrides what the VM's include provides: a file edit (or a line injected into a header) could rename the host or redirect the container.",
    check: (config: FluentBitConfig): Finding[] => {
      const env = config.env;
      if (!env) return [];
      const entries = Array.isArray(env) ? env.filter((e) => e.value !== undefined).map((e) => e.name) : Object.keys(env);
      const presetNames = new Set([...referencesOfPreset().values()].flatMap((set) => [...set]));
      return entries
        .filter((name) => presetNames.has(name) && !SECRET_VARIABLES.has(name))
        .map((name) => ({
          location: { section: "env", property: name },
          message: `env defines ${name} inline, overriding the value the VM's params include provides`,
          hint: `remove it from the pipeline file; per-VM values live in the params include (oclog-params.yaml)`,
        }));
    },
  },
];
