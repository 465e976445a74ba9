/**
 * The detections' KQL twins (queries/kql/<stem>.kql): the SQL rule's metadata header in `//`
 * comments, then one KQL query over OclogEvents_CL. The header goes through the SQL rules' own
 * parser (`parseDetectionHeader` with the `//` prefix), so both languages agree on one format.
 * Loading is tolerant like `loadDetections`: a broken twin is reported with every problem it has
 * and skipped, and the others still load.
 */
import { loadRuleFiles, parseDetectionHeader, type DetectionMeta } from "@oclog/detections";
import { KQL_DIR } from "./kql-dir.js";
import { lintKql } from "./kql-lint.js";

/** The file name extension of a twin. */
export const KQL_EXTENSION = ".kql";

/** A twin ready to bind and send: its SQL rule's metadata and the KQL body. */
export interface KqlDetection {
  /** The rule id, shared with the SQL detection. */
  id: string;
  /** The file name without `.kql`: the SQL detection's stem. */
  stem: string;
  /** Path of the `.kql` file, relative to the repository when inside it. */
  file: string;
  /** Absolute path of the `.kql` file. */
  path: string;
  meta: DetectionMeta;
  /** The query after the header, as it is sent after the `kqlBind` prelude. */
  body: string;
  author: string | null;
  date: string | null;
  modified: string | null;
  references: string[];
}

/** A twin that could not be loaded, and why (every problem, joined with "; "). */
export interface KqlDetectionError {
  file: string;
  reason: string;
}

/** A parsed twin, before the loader adds where it lives. */
export interface ParsedKqlDetection {
  id: string;
  meta: Omit<DetectionMeta, "file">;
  body: string;
  author: string | null;
  date: string | null;
  modified: string | null;
  references: string[];
}

export type ParseKqlDetectionResult = { ok: true; detection: ParsedKqlDetection } | { ok: false; reason: string };

/** Parses one twin's text: header, body and lint, every problem at once (lint lines are file lines). */
export function parseKqlDetection(text: string): ParseKqlDetectionResult {
  const { header, body, problems } = parseDetectionHeader(text, "//");
  // match_count is the SQL rule's count on its DuckDB fixture; nothing runs a twin on that fixture.
  if (header !== null && header.matchCount !== null) problems.push("match_count belongs to the SQL detection's fixture; a KQL twin has none");
  if (body === "") problems.push("no query after the header");
  else {
    // The body is the file's text after the header; with CRLF endings it was re-joined, so say "body line".
    const at = text.indexOf(body);
    const firstLine = at === -1 ? null : text.slice(0, at).split("\n").length;
    for (const problem of lintKql(body)) {
      problems.push(firstLine === null ? `body line ${problem.line}: ${problem.message}` : `line ${firstLine + problem.line - 1}: ${problem.message}`);
    }
  }
  if (problems.length > 0 || header === null) return { ok: false, reason: problems.join("; ") };
  const { meta, author, date, modified, references } = header;
  return { ok: true, detection: { id: meta.id, meta, body, author, date, modified, references } };
}

/** Loads every `*.kql` twin in `dir`; broken twins are reported and skipped, never fatal. */
export async function loadKqlDetections(dir: string = KQL_DIR): Promise<{ detections: KqlDetection[]; errors: KqlDetectionError[] }> {
  const { files, errors } = await loadRuleFiles(dir, {
    extension: KQL_EXTENSION,
    what: "KQL twins",
    parse: (text) => {
      const parsed = parseKqlDetection(text);
      return parsed.ok ? { ok: true, id: parsed.detection.id, value: parsed.detection } : parsed;
    },
  });
  const detections = files.map(({ stem, path, file, value: detection }) => ({ ...detection, stem, file, path, meta: { ...detection.meta, file } }));
  return { detections, errors };
}
