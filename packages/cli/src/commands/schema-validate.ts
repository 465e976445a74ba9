import { access, constants, stat } from "node:fs/promises";
import { ExitCode, ExitError, UsageError } from "@oclog/errors";
import { readRawLines, validateLines, type FileReport, type SourceChoice } from "@oclog/schema";
import { terminalSafe, type Output } from "../output.js";

export interface SchemaValidateOptions {
  source: SourceChoice;
  json: boolean;
  maxLineBytes: number;
  maxErrors: number;
}

export interface ValidationSummary {
  files: FileReport[];
  total: number;
  valid: number;
  invalid: number;
}

/** Validates every file and reports per file; exits 1 when any line is invalid. */
export async function schemaValidate(files: string[], options: SchemaValidateOptions, output: Output): Promise<ValidationSummary> {
  // Check every path first so a typo is reported before minutes of validation, all at once.
  const problems: string[] = [];
  for (const file of files) {
    try {
      await access(file, constants.R_OK);
      if (!(await stat(file)).isFile()) problems.push(`${JSON.stringify(terminalSafe(file))} is not a regular file`);
    } catch {
      problems.push(`cannot read ${JSON.stringify(terminalSafe(file))}`);
    }
  }
  if (problems.length > 0) {
    throw new UsageError(problems.join("; "), {
      hint: "Check the paths; directories are not expanded, pass the files inside them.",
    });
  }

  const reports: FileReport[] = [];
  for (const file of files) {
    const report = await validateLines(file, readRawLines(file, options.maxLineBytes), options);
    reports.push(report);
    if (!options.json) output.out(renderReport(report));
  }
  const summary: ValidationSummary = {
    files: reports,
    total: sum(reports, "total"),
    valid: sum(reports, "valid"),
    invalid: sum(reports, "invalid"),
  };
  if (options.json) output.out(JSON.stringify(summary));
  else output.out(`${files.length} file(s): ${summary.total} lines, ${summary.valid} valid, ${summary.invalid} invalid`);
  if (summary.invalid > 0) throw new ExitError(ExitCode.findings);
  return summary;
}

function sum(reports: FileReport[], key: "total" | "valid" | "invalid"): number {
  return reports.reduce((acc, r) => acc + r[key], 0);
}

/** Human-readable report of one file; every log-derived string is made terminal-safe. */
export function renderReport(report: FileReport): string {
  const lines = [
    `${terminalSafe(report.path)}: ${report.total} lines, ${report.valid} valid, ${report.invalid} invalid`,
  ];
  const variants = Object.entries(report.variants).sort(([, a], [, b]) => b - a);
  if (variants.length > 0) lines.push(`  variants: ${variants.map(([name, n]) => `${terminalSafe(name)} ${n}`).join(", ")}`);
  for (const warning of report.warnings) lines.push(`  warning: ${warning}`);
  for (const error of report.errors) lines.push(`  line ${error.line}: ${terminalSafe(error.reason)}`);
  if (report.errorsOmitted > 0) lines.push(`  ... and ${report.errorsOmitted} more invalid lines (raise --max-errors to list them)`);
  const unknown = report.unknownShapes;
  if (unknown.lines > 0) {
    // Valid lines of messages no release in oclog's matrix wrote: new to oclog, so shown, not passed over.
    lines.push(`  unknown shapes: ${unknown.lines} line(s) in ${unknown.shapes.length + unknown.shapesOmitted} shape(s) no OpenClaw release oclog was tested with writes`);
    for (const shape of unknown.shapes.slice(0, 10)) lines.push(`    ${shape.lines} x ${terminalSafe(shape.subsystem ?? "(no subsystem)")}: ${terminalSafe(shape.template)}`);
    if (unknown.shapes.length + unknown.shapesOmitted > 10) lines.push(`    ... and ${unknown.shapes.length + unknown.shapesOmitted - 10} more shape(s) (--json lists ${unknown.shapes.length})`);
  }
  return lines.join("\n");
}
