/** `oclog fluent-bit validate`: model, plugin schema and lint, every problem at once. */
import type { FluentBitConfig } from "./config-model.js";
import { parseYaml } from "./config-yaml.js";
import type { Diagnostic } from "./diagnostic.js";
import type { Allowance } from "./allowances.js";
import { LINT_RULES, lint } from "./lint-rules.js";
import { resolveVersion } from "./plugin-schema.js";
import { validateAgainstSchema } from "./schema-validator.js";

export interface ValidationReport {
  fluentBitVersion: string;
  diagnostics: Diagnostic[];
  errors: number;
  warnings: number;
}

function report(version: string, diagnostics: Diagnostic[]): ValidationReport {
  return {
    fluentBitVersion: version,
    diagnostics,
    errors: diagnostics.filter((d) => d.severity === "error").length,
    warnings: diagnostics.filter((d) => d.severity === "warning").length,
  };
}

/** What validation may be told: lint findings allowed on purpose, each with its reason. */
export interface ValidateOptions {
  allow?: readonly Allowance[];
}

/** Validates a parsed configuration for one Fluent Bit version. */
export function validateConfig(config: FluentBitConfig, versionSpec: string, options: ValidateOptions = {}): ValidationReport {
  const version = resolveVersion(versionSpec);
  return report(version, [...validateAgainstSchema(config, version), ...lint(config, LINT_RULES, options.allow)]);
}

/** Validates YAML text (a file's contents) for one Fluent Bit version. */
export function validateYaml(text: string, versionSpec: string, file?: string, options: ValidateOptions = {}): ValidationReport {
  const version = resolveVersion(versionSpec);
  const parsed = parseYaml(text, file);
  if (!parsed.config) return report(version, parsed.diagnostics);
  return report(version, [...parsed.diagnostics, ...validateAgainstSchema(parsed.config, version), ...lint(parsed.config, LINT_RULES, options.allow)]);
}
