/** `oclog fluent-bit generate | validate | check`: the pipeline as code, from the command line. */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ExitCode, ExitError, UsageError } from "@oclog/errors";
import type { Allowance } from "@oclog/fluent-bit";
import {
  checkPipelineDir,
  formatDiagnostic,
  LINT_RULES,
  parseAllowance,
  presetNamed,
  REDACT_LUA,
  renderPreset,
  resolveVersion,
  validateYaml,
  VM_FLUENT_BIT_VERSION,
} from "@oclog/fluent-bit";
import type { Output } from "../output.js";

/** `k=v` pairs into an object; every malformed pair is reported at once. */
export function parseParams(pairs: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  const bad = pairs.filter((pair) => !/^[a-z_]+=/.test(pair));
  if (bad.length) throw new UsageError(`--param takes key=value, got ${bad.map((b) => JSON.stringify(b)).join(", ")}`, { hint: "e.g. --param user=alice --param storage_account=acmelogs" });
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    params[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return params;
}

export async function fluentBitGenerate(options: { preset: string; params: string[]; fluentBitVersion: string; out?: string }, output: Output): Promise<void> {
  const version = resolveVersion(options.fluentBitVersion);
  presetNamed(options.preset);
  const yaml = renderPreset(options.preset, version, parseParams(options.params));
  // The generated pipeline must pass its own validator; a preset that does not is a bug here.
  const report = validateYaml(yaml, version);
  if (report.errors > 0) throw new Error(`preset ${options.preset} fails validation for ${version}:\n${report.diagnostics.map(formatDiagnostic).join("\n")}`);
  if (!options.out) {
    output.out(yaml);
    return;
  }
  await mkdir(dirname(options.out), { recursive: true });
  await writeFile(options.out, yaml);
  // The pipeline loads redact.lua from its lua_dir; ship it beside the YAML for installers.
  await writeFile(join(dirname(options.out), "redact.lua"), await readFile(REDACT_LUA, "utf8"));
  output.err(`wrote ${options.out} and ${join(dirname(options.out), "redact.lua")} (Fluent Bit ${version})`);
}

/** `--allow rule[@alias]:reason` flags into allowances; every malformed one is reported at once. */
export function parseAllowances(flags: readonly string[]): Allowance[] {
  const ids = LINT_RULES.map((rule) => rule.id);
  const problems: UsageError[] = [];
  const allowances: Allowance[] = [];
  for (const flag of flags) {
    try {
      allowances.push(parseAllowance(flag, ids));
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      problems.push(error);
    }
  }
  if (problems.length === 1) throw problems[0]!;
  if (problems.length > 1) throw new UsageError(problems.map((p) => p.message).join("; "), { hint: problems[0]!.hint ?? "" });
  return allowances;
}

export async function fluentBitValidate(file: string, options: { fluentBitVersion: string; json: boolean; allow?: readonly string[] }, output: Output): Promise<void> {
  const allow = parseAllowances(options.allow ?? []);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${JSON.stringify(file)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { hint: "pass the path of a Fluent Bit YAML configuration" });
  }
  const report = validateYaml(text, options.fluentBitVersion, file, { allow });
  if (options.json) {
    output.out(JSON.stringify({ file, ...report }));
  } else {
    for (const d of report.diagnostics) output.out(formatDiagnostic(d));
    const allowed = report.diagnostics.filter((d) => d.allowed !== undefined).length;
    output.out(`${JSON.stringify(file).slice(1, -1)}: ${report.errors} error(s), ${report.warnings} warning(s)${allowed ? ` (${allowed} allowed by --allow)` : ""} for Fluent Bit ${report.fluentBitVersion}`);
  }
  if (report.errors > 0) throw new ExitError(ExitCode.findings);
}

export async function fluentBitCheck(options: { dir: string; write: boolean; json: boolean }, output: Output): Promise<void> {
  const stale = checkPipelineDir(options.dir, { write: options.write });
  if (options.json) output.out(JSON.stringify({ dir: options.dir, fluentBitVersion: VM_FLUENT_BIT_VERSION, stale: stale.map(({ path, status }) => ({ path, status })), written: options.write }));
  else if (stale.length === 0) output.out(`${options.dir}: up to date (Fluent Bit ${VM_FLUENT_BIT_VERSION})`);
  else {
    for (const file of stale) output.out(file.diff);
    output.out(
      options.write
        ? `${options.dir}: rewrote ${stale.map((s) => s.path).join(", ")}`
        : `${options.dir}: ${stale.length} stale file(s): ${stale.map((s) => `${s.path} (${s.status})`).join(", ")}; run \`oclog fluent-bit check --write\` and commit the result`,
    );
  }
  if (stale.length > 0 && !options.write) throw new ExitError(ExitCode.findings);
}
