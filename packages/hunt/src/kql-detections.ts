/**
 * The detections' KQL twins (queries/kql/<stem>.kql): the SQL rule's metadata header in `//`
 * comments, then one KQL query over OclogEvents_CL. The header goes through the SQL rules' own
 * parser (`parseDetectionHeader` with the `//` prefix), so both languages agree on one format.
 * Loading is tolerant like `loadDetections`: a broken twin is reported with every problem it has
 * and skipped, and the others still load.
 */
import { readdir, readFile } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import { detectionFileNameProblem, parseDetectionHeader, type DetectionMeta } from "@oclog/investigate";
import { KQL_DIR } from "./kql-dir.js";
import { lintKql } from "./kql-lint.js";

const REPO_ROOT = resolve(KQL_DIR, "../..");

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
  const detections: KqlDetection[] = [];
  const errors: KqlDetectionError[] = [];
  let names: string[];
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    names = entries.filter((entry) => entry.isFile() && entry.name.endsWith(KQL_EXTENSION)).map((entry) => entry.name).sort();
  } catch (error) {
    return { detections, errors: [{ file: displayPath(dir), reason: `cannot read the KQL twins directory: ${messageOf(error)}` }] };
  }
  const byId = new Map<string, string>();
  for (const name of names) {
    const path = resolve(dir, name);
    const file = displayPath(path);
    const nameProblem = detectionFileNameProblem(name, KQL_EXTENSION);
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
    const parsed = parseKqlDetection(text);
    if (!parsed.ok) {
      errors.push({ file, reason: parsed.reason });
      continue;
    }
    const { detection } = parsed;
    // Findings key on the id, so two twins with one id would be ambiguous.
    const firstFile = byId.get(detection.id);
    if (firstFile !== undefined) {
      errors.push({ file, reason: `duplicate id ${detection.id}, already used by ${firstFile}` });
      continue;
    }
    byId.set(detection.id, file);
    detections.push({ ...detection, stem: name.slice(0, -KQL_EXTENSION.length), file, path, meta: { ...detection.meta, file } });
  }
  return { detections, errors };
}

function displayPath(path: string): string {
  const fromRepo = relative(REPO_ROOT, path);
  return fromRepo.startsWith("..") || isAbsolute(fromRepo) ? path : fromRepo.split("\\").join("/");
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
