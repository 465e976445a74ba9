/**
 * Loading a directory of rule files (queries/detections/*.yml): list by extension, check
 * each name, read, parse, refuse a second file with the same id. Every broken file is reported
 * with the reason and skipped; one bad rule never stops the others.
 */
import { readdir, readFile } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import { assetRoot } from "@oclog/schema";
import { detectionFileNameProblem } from "./rule-name.js";


export interface RuleFileError {
  file: string;
  reason: string;
}

/** One file that parsed: where it is (absolute, and as shown to people) and what it holds. */
export interface RuleFile<T> {
  name: string;
  /** The name without its extension: what ties a SQL rule, its KQL twin and scenarios together. */
  stem: string;
  path: string;
  file: string;
  value: T;
}

export type RuleParse<T> = { ok: true; id: string; value: T } | { ok: false; reason: string };

/** Loads every `*<extension>` file of `dir` through `parse`, in name order. */
export async function loadRuleFiles<T>(
  dir: string,
  options: { extension: string; what: string; parse: (text: string) => RuleParse<T> },
): Promise<{ files: RuleFile<T>[]; errors: RuleFileError[] }> {
  const files: RuleFile<T>[] = [];
  const errors: RuleFileError[] = [];
  let names: string[];
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    names = entries.filter((entry) => entry.isFile() && entry.name.endsWith(options.extension)).map((entry) => entry.name).sort();
  } catch (error) {
    return { files, errors: [{ file: displayPath(dir), reason: `cannot read the ${options.what} directory: ${messageOf(error)}. The rules ship in oclog's queries/detections folder: reinstall oclog, or restore that folder in the checkout` }] };
  }
  const byId = new Map<string, string>();
  for (const name of names) {
    const path = resolve(dir, name);
    const file = displayPath(path);
    const nameProblem = detectionFileNameProblem(name, options.extension);
    if (nameProblem !== null) {
      errors.push({ file, reason: nameProblem });
      continue;
    }
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      errors.push({ file, reason: `cannot read: ${messageOf(error)}` });
      continue;
    }
    const parsed = options.parse(text);
    if (!parsed.ok) {
      errors.push({ file, reason: parsed.reason });
      continue;
    }
    // Findings and hunts key on the id, so a second file with it would be ambiguous.
    const firstFile = byId.get(parsed.id);
    if (firstFile !== undefined) {
      errors.push({ file, reason: `duplicate id ${parsed.id}, already used by ${firstFile}` });
      continue;
    }
    byId.set(parsed.id, file);
    files.push({ name, stem: name.slice(0, -options.extension.length), path, file, value: parsed.value });
  }
  return { files, errors };
}

/** A path relative to the repository when it is inside it, else as given. */
export function displayPath(path: string): string {
  const fromRepo = relative(assetRoot(), path);
  return fromRepo.startsWith("..") || isAbsolute(fromRepo) ? path : fromRepo.split("\\").join("/");
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
