/**
 * The detections' KQL twins: the `kql:` field of each rule file (queries/detections/<stem>.yml),
 * one KQL query over OclogEvents_CL. The twin's metadata is its rule's, read from the same file by
 * @oclog/detections, so the two cannot drift. Loading is tolerant like `loadDetections`: a rule
 * whose twin fails the lint is reported with every problem it has and skipped, and the others
 * still load. A rule with `kql_none` (no twin, and why) is simply not a hunt.
 */
import { loadDetections, type DetectionMeta, type LoadedDetection } from "@oclog/detections";
import { KQL_DIR } from "./kql-dir.js";
import { lintKql } from "./kql-lint.js";

/** A twin ready to bind and send: its rule's metadata and the KQL body. */
export interface KqlDetection {
  /** The rule id. */
  id: string;
  /** The rule file's name without `.yml`. */
  stem: string;
  /** Path of the rule file, relative to the repository when inside it. */
  file: string;
  /** Absolute path of the rule file. */
  path: string;
  meta: DetectionMeta;
  /** The query, as it is sent after the `kqlBind` prelude. */
  body: string;
  author: string | null;
  date: string | null;
  modified: string | null;
  references: string[];
}

/** A rule whose twin could not be loaded, and why (every problem, joined with "; "). */
export interface KqlDetectionError {
  file: string;
  reason: string;
}

/** Every lint problem of a rule's twin, as `kql line N: ...` (lines of the `kql:` text). */
export function kqlTwinProblems(body: string): string[] {
  return lintKql(body).map((problem) => `kql line ${problem.line}: ${problem.message}`);
}

/** The twin of a loaded rule, or null when the rule has none (`kql_none`). */
export function kqlTwinOf(detection: LoadedDetection): KqlDetection | null {
  if (detection.kql === null) return null;
  const { meta, stem, path, author, date, modified, references } = detection;
  return { id: meta.id, stem, file: meta.file, path, meta, body: detection.kql, author, date, modified, references };
}

/** Loads the twin of every rule file in `dir`; broken rules and twins are reported and skipped, never fatal. */
export async function loadKqlDetections(dir: string = KQL_DIR): Promise<{ detections: KqlDetection[]; errors: KqlDetectionError[] }> {
  const loaded = await loadDetections(dir);
  const detections: KqlDetection[] = [];
  const errors: KqlDetectionError[] = [...loaded.errors];
  for (const detection of loaded.detections) {
    const twin = kqlTwinOf(detection);
    if (twin === null) continue;
    const problems = kqlTwinProblems(twin.body);
    if (problems.length > 0) errors.push({ file: twin.file, reason: problems.join("; ") });
    else detections.push(twin);
  }
  return { detections, errors };
}
