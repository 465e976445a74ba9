/**
 * Validates every plugin instance of a configuration against the real plugin schema of one
 * Fluent Bit version: unknown plugin, unknown property (with a suggestion), wrong type, a
 * missing required property, and options that exist only in another version. Every problem is
 * reported, not only the first.
 */
import type { FluentBitConfig, PluginInstance, PluginKind } from "./config-model.js";
import { PLUGIN_KINDS, propertyText } from "./config-model.js";
import type { Diagnostic, Location } from "./diagnostic.js";
import { didYouMean } from "./did-you-mean.js";
import { compareVersions, findProperty, knownVersions, loadPluginSchema, type PluginSchema } from "./plugin-schema.js";
import { checkPropertyValue } from "./property-types.js";

/** Where a plugin instance is, for messages. */
export function instanceLocation(kind: PluginKind, index: number, instance: PluginInstance, property?: string): Location {
  const alias = propertyText(instance, "alias");
  return { section: `pipeline.${kind}[${index}]`, plugin: instance.name, ...(alias ? { alias } : {}), ...(property ? { property } : {}) };
}

/**
 * Properties each plugin cannot start without. The schema does not print requiredness; these
 * come from the plugins' init checks (e.g. azure_blob's flb_azure_blob_conf_create).
 */
const REQUIRED: Record<string, (instance: PluginInstance) => string[]> = {
  "inputs/tail": () => ["path"],
  "filters/lua": (i) => [...(propertyText(i, "code") ? [] : ["script"]), "call"],
  "filters/parser": () => ["key_name", "parser"],
  "outputs/azure_blob": (i) => ["account_name", "container_name", (propertyText(i, "auth_type") ?? "key").toLowerCase() === "sas" ? "sas_token" : "shared_key"],
  "outputs/azure_logs_ingestion": () => ["tenant_id", "client_id", "client_secret", "dce_url", "dcr_id", "table_name"],
};

/** Properties the schema types as single strings but Fluent Bit lets you repeat. */
const REPEATABLE = new Set(["filters/modify", "filters/record_modifier", "filters/grep", "filters/nest", "inputs/systemd"]);

/** Options whose value, not only their presence, depends on the version. */
function versionedValueProblem(schema: PluginSchema, kind: PluginKind, instance: PluginInstance, key: string): string | undefined {
  if (kind === "outputs" && instance.name === "azure_blob" && key.toLowerCase() === "path" && compareVersions(schema.version, "5.0.0") < 0) {
    const path = propertyText(instance, key) ?? "";
    // ${VAR} is configuration interpolation (every version), $TAG and strftime are 5.x templating.
    if (/\$TAG|\$UUID|%[A-Za-z0-9]/.test(path.replace(/\$\{[^}]*\}/g, ""))) {
      return `path templating ($TAG, $UUID, strftime) arrived in Fluent Bit 5.x; ${schema.version} writes "${path}" literally`;
    }
  }
  return undefined;
}

/** The other versions that know this plugin or property, for "exists only in" messages. */
function otherVersionsWith(version: string, test: (schema: PluginSchema) => boolean): string[] {
  return knownVersions().filter((v) => v !== version && test(loadPluginSchema(v)));
}

function validateInstance(schema: PluginSchema, kind: PluginKind, index: number, instance: PluginInstance, diagnostics: Diagnostic[]): void {
  const plugins = schema.plugins[kind];
  const spec = plugins.get(instance.name);
  if (!spec) {
    const elsewhere = otherVersionsWith(schema.version, (s) => s.plugins[kind].has(instance.name));
    const suggestion = didYouMean(instance.name, plugins.keys());
    diagnostics.push({
      severity: "error",
      rule: elsewhere.length ? "schema/version-only" : "schema/unknown-plugin",
      location: instanceLocation(kind, index, instance),
      message: elsewhere.length
        ? `${kind.slice(0, -1)} plugin "${instance.name}" exists only in Fluent Bit ${elsewhere.join(", ")}, not ${schema.version}`
        : `unknown ${kind.slice(0, -1)} plugin "${instance.name}" in Fluent Bit ${schema.version}${suggestion ? `; did you mean "${suggestion}"?` : ""}`,
      ...(suggestion && !elsewhere.length ? { hint: `name: ${suggestion}` } : {}),
    });
    return;
  }
  for (const [key, value] of Object.entries(instance)) {
    if (key === "name") continue;
    const location = instanceLocation(kind, index, instance, key);
    const prop = findProperty(spec, key);
    if (!prop) {
      const elsewhere = otherVersionsWith(schema.version, (s) => {
        const other = s.plugins[kind].get(instance.name);
        return other !== undefined && findProperty(other, key) !== undefined;
      });
      if (elsewhere.length) {
        diagnostics.push({ severity: "error", rule: "schema/version-only", location, message: `"${key}" exists only in Fluent Bit ${elsewhere.join(", ")}, not ${schema.version}`, hint: "remove it, or generate for that version with --fluent-bit-version" });
        continue;
      }
      const suggestion = didYouMean(key, [...spec.properties.values()].map((p) => p.name));
      diagnostics.push({
        severity: "error",
        rule: "schema/unknown-property",
        location,
        message: `${instance.name} has no property "${key}" in Fluent Bit ${schema.version}${suggestion ? `; did you mean "${suggestion}"?` : ""}`,
        ...(suggestion ? { hint: `${suggestion}: ...` } : { hint: `see \`fluent-bit -h ${instance.name}\` for its properties` }),
      });
      continue;
    }
    if (prop.type === "deprecated") {
      diagnostics.push({ severity: "warning", rule: "schema/deprecated", location, message: `"${key}" is deprecated in Fluent Bit ${schema.version}` });
      continue;
    }
    const problem = checkPropertyValue(prop.type, value, REPEATABLE.has(`${kind}/${instance.name}`));
    if (problem) diagnostics.push({ severity: "error", rule: "schema/wrong-type", location, message: `${key} (${prop.type}) ${problem}` });
    const versionProblem = versionedValueProblem(schema, kind, instance, key);
    if (versionProblem) diagnostics.push({ severity: "error", rule: "schema/version-only", location, message: versionProblem, hint: "generate with --fluent-bit-version 5.x, or use a literal path" });
  }
  for (const required of REQUIRED[`${kind}/${instance.name}`]?.(instance) ?? []) {
    if (propertyText(instance, required) === undefined) {
      diagnostics.push({ severity: "error", rule: "schema/missing-required", location: instanceLocation(kind, index, instance, required), message: `${instance.name} cannot start without "${required}"` });
    }
  }
}

/** Every schema problem of `config` for Fluent Bit `version`. */
export function validateAgainstSchema(config: FluentBitConfig, version: string): Diagnostic[] {
  const schema = loadPluginSchema(version);
  const diagnostics: Diagnostic[] = [];
  for (const kind of PLUGIN_KINDS) {
    (config.pipeline[kind] ?? []).forEach((instance, index) => validateInstance(schema, kind, index, instance, diagnostics));
  }
  const parserNames = new Set((config.parsers ?? []).map((p) => p.name));
  (config.pipeline.filters ?? []).forEach((instance, index) => {
    const parser = instance.name === "parser" ? propertyText(instance, "parser") : undefined;
    if (parser && !parserNames.has(parser) && !config.service?.parsers_file && !(config.includes ?? []).length) {
      diagnostics.push({ severity: "error", rule: "schema/unknown-parser", location: instanceLocation("filters", index, instance, "parser"), message: `parser "${parser}" is not defined in this configuration`, hint: "add it under parsers:" });
    }
  });
  return diagnostics;
}
