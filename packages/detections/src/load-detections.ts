/**
 * Loading the detections (queries/detections/<stem>.yml) tolerantly: a broken rule file is
 * reported with every problem it has and skipped, the others still load. Running them is the
 * engines' job (the case database's DuckDB in @oclog/investigate, Log Analytics in @oclog/hunt),
 * so nothing here executes a query.
 */
import { assetPath } from "@oclog/schema";
import type { DetectionMeta } from "./detection-meta.js";
import { parseRuleFile } from "./rule-file.js";
import { loadRuleFiles } from "./rule-files.js";
import type { RuleTest } from "./rule-test.js";

/** The `queries/detections` directory: in the checkout, or in the installed CLI. */
export const DETECTIONS_DIR = assetPath("queries", "detections");

/** The file name extension of a rule file. */
export const DETECTION_EXTENSION = ".yml";

/** A detection ready to run: its metadata, its SQL, its KQL twin and its labelled test events. */
export interface LoadedDetection {
  meta: DetectionMeta;
  sql: string;
  /** The KQL twin over OclogEvents_CL, or null when the rule has none (see `kqlNone`). */
  kql: string | null;
  /** Why the rule has no KQL twin; null when it has one. */
  kqlNone: string | null;
  /** Labelled test events: the rule must return exactly the `match` ones. */
  tests: RuleTest[];
  /** Absolute path of the `.yml` file. */
  path: string;
  /** The file name without `.yml` (scenarios and `oclog hunt --detection` name a rule by it). */
  stem: string;
  author: string | null;
  date: string | null;
  modified: string | null;
  references: string[];
}

/** A rule that could not be loaded or run, and why. */
export interface DetectionError {
  /** Path of the rule file, relative to the repository when inside it. */
  file: string;
  reason: string;
}

/** Loads every `*.yml` detection in `dir`; broken rules are reported and skipped, never fatal. */
export async function loadDetections(dir: string = DETECTIONS_DIR): Promise<{ detections: LoadedDetection[]; errors: DetectionError[] }> {
  const { files, errors } = await loadRuleFiles(dir, {
    extension: DETECTION_EXTENSION,
    what: "detections",
    parse: (text) => {
      const parsed = parseRuleFile(text);
      return parsed.ok ? { ok: true, id: parsed.rule.id, value: parsed.rule } : parsed;
    },
  });
  const detections = files.map(({ stem, path, file, value: rule }): LoadedDetection => ({
    meta: {
      id: rule.id,
      title: rule.title,
      status: rule.status,
      severity: rule.severity,
      tags: rule.tags,
      description: rule.description,
      falsepositives: rule.falsepositives,
      file,
    },
    sql: rule.sql,
    kql: rule.kql ?? null,
    kqlNone: rule.kql_none ?? null,
    tests: rule.tests,
    path,
    stem,
    author: rule.author ?? null,
    date: rule.date ?? null,
    modified: rule.modified ?? null,
    references: rule.references ?? [],
  }));
  return { detections, errors };
}
