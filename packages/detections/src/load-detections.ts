/**
 * Loading the SQL detections (queries/detections/*.sql) tolerantly: a broken rule is reported
 * with its reason and skipped, the others still load. Running them is the engine's job (the
 * case database's DuckDB in @oclog/investigate), so nothing here executes a query.
 */
import { fileURLToPath } from "node:url";
import { parseDetection } from "./detection-header.js";
import type { DetectionMeta } from "./detection-meta.js";
import { loadRuleFiles } from "./rule-files.js";

// src/ (tsx) and dist/ (built) sit at the same depth, so one relative URL serves both.
/** The repository's `queries/detections` directory. */
export const DETECTIONS_DIR = fileURLToPath(new URL("../../../queries/detections/", import.meta.url));

/** A detection ready to run: its metadata, its query and its declared fixture match count. */
export interface LoadedDetection {
  meta: DetectionMeta;
  sql: string;
  /** Rows the rule must return on its positive fixture (`match_count`), null when undeclared. */
  matchCount: number | null;
  /** Absolute path of the `.sql` file. */
  path: string;
  /** The file name without `.sql` (the KQL twin and the scenario files name a rule by it). */
  stem: string;
  author: string | null;
  date: string | null;
  modified: string | null;
  references: string[];
}

/** A rule that could not be loaded or run, and why. */
export interface DetectionError {
  /** Path of the `.sql` file, relative to the repository when inside it. */
  file: string;
  reason: string;
}

/** Loads every `*.sql` detection in `dir`; broken rules are reported and skipped, never fatal. */
export async function loadDetections(dir: string = DETECTIONS_DIR): Promise<{ detections: LoadedDetection[]; errors: DetectionError[] }> {
  const { files, errors } = await loadRuleFiles(dir, {
    extension: ".sql",
    what: "detections",
    parse: (text) => {
      const parsed = parseDetection(text);
      return parsed.ok ? { ok: true, id: parsed.detection.meta.id, value: parsed.detection } : parsed;
    },
  });
  const detections = files.map(({ stem, path, file, value: { meta, ...rest } }) => ({ meta: { ...meta, file }, path, stem, ...rest }));
  return { detections, errors };
}
