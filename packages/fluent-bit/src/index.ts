// @oclog/fluent-bit: the Fluent Bit pipeline as code.
export { FluentBitConfig, PluginInstance, ServiceSection, ParserDefinition, property, propertyText } from "./config-model.js";
export type { PluginKind, PropertyValue } from "./config-model.js";
export { formatDiagnostic, formatLocation } from "./diagnostic.js";
export type { Diagnostic, Location, Severity } from "./diagnostic.js";
export { parseYaml, renderYaml } from "./config-yaml.js";
export { knownVersions, loadPluginSchema, resolveVersion, PLUGIN_SCHEMAS_DIR } from "./plugin-schema.js";
export { validateAgainstSchema } from "./schema-validator.js";
export { LINT_RULES, lint, isRedactionFilter } from "./lint-rules.js";
export type { LintRule } from "./lint-rules.js";
export { validateConfig, validateYaml } from "./validate-config.js";
export type { ValidationReport } from "./validate-config.js";
export { PRESETS, presetNamed } from "./presets/index.js";
export type { Preset } from "./presets/index.js";
export { OPENCLAW_VM_PARAMS, OPENCLAW_VM_GRACE_SECONDS } from "./presets/openclaw-vm.js";
export { VM_FLUENT_BIT_VERSION, REDACT_LUA, expectedFiles, renderPreset, generateCommand } from "./generated-files.js";
export { checkPipelineDir } from "./pipeline-check.js";
export type { StaleFile } from "./pipeline-check.js";
