/**
 * `oclog case verify`: re-hashes every evidence file against the manifest and the manifest against
 * custody (which holds the original hashes), checks the custody chain and the hash custody sealed
 * for `case.duckdb`, lists files that appeared or disappeared and every symbolic link (reported,
 * never followed). Anything off is tampering until explained.
 */
import { lstat, readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { shownPath } from "../case/case-errors.js";
import { findSymlinks, looksLikeManifest, readFileNoFollow } from "../case/case-folder.js";
import { custodyEvidenceHashes, sealedDatabaseHash, verifyCustody } from "./custody-log.js";
import { checkEvidence } from "./evidence-check.js";
import type { CaseManifest, EvidenceEntry } from "./evidence-store.js";
import { sha256File } from "./evidence-store.js";

export interface VerifyReport {
  caseDir: string;
  /** False when the folder holds no oclog manifest at all (not a case, rather than a damaged one). */
  isCase: boolean;
  files: number;
  ok: boolean;
  problems: string[];
  custodyEntries: number;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else out.push(path);
  }
  return out;
}

/** Checks case.duckdb against the hash custody sealed after the last analysis. */
export async function checkDatabase(caseDir: string, sealed: string | undefined): Promise<string[]> {
  const path = join(caseDir, "case.duckdb");
  try {
    if ((await lstat(path)).isSymbolicLink()) return []; // reported with the other links
  } catch {
    return sealed === undefined ? [] : ["case.duckdb: missing, though custody sealed it"];
  }
  if (sealed === undefined) return ["case.duckdb: no hash sealed in custody.jsonl (made by an older oclog or never finished); rerun `oclog investigate` to rebuild and seal it"];
  const problems: string[] = [];
  const actual = await sha256File(path);
  if (actual !== sealed) problems.push(`case.duckdb: SHA-256 ${actual} does not match the hash sealed in custody (${sealed}); rerun \`oclog investigate\` into a new --case-dir to rebuild it from the evidence`);
  const wal = await lstat(join(caseDir, "case.duckdb.wal")).catch(() => undefined);
  if (wal !== undefined) problems.push("case.duckdb.wal: present, so case.duckdb was written after it was sealed");
  return problems;
}

/** Verifies a case folder; never throws for tampering, only reports it. */
export async function verifyCase(caseDir: string): Promise<VerifyReport> {
  const problems: string[] = [];
  let manifest: CaseManifest;
  try {
    const parsed = JSON.parse(await readFileNoFollow(join(caseDir, "manifest.json"))) as unknown;
    if (!looksLikeManifest(parsed)) {
      return { caseDir, isCase: false, files: 0, ok: false, problems: ["manifest.json is not an oclog case manifest"], custodyEntries: 0 };
    }
    manifest = parsed as CaseManifest;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    return { caseDir, isCase: !missing, files: 0, ok: false, problems: [`manifest.json unreadable: ${(error as Error).message}`], custodyEntries: 0 };
  }
  // JSON.parse makes every key an own property (`__proto__` included), so Object.values sees every blob.
  const entries: EvidenceEntry[] = Object.values(manifest.evidence).filter((entry) => entry !== null && typeof entry === "object");
  const listed = new Set(entries.map((entry) => entry.path));
  const custody = await verifyCustody(join(caseDir, "custody.jsonl"));
  problems.push(...(await checkEvidence(caseDir, manifest.evidence, custodyEvidenceHashes(custody.entries))));
  for (const path of await walk(join(caseDir, "evidence"))) {
    const rel = relative(caseDir, path);
    if (!listed.has(rel)) problems.push(`${shownPath(rel)}: present in evidence/ but not in the manifest`);
  }
  for (const link of await findSymlinks(caseDir)) problems.push(`${shownPath(link)}: is a symbolic link (never followed)`);
  problems.push(...custody.problems);
  if (custody.entries.length === 0) problems.push("custody.jsonl is missing or empty");
  problems.push(...(await checkDatabase(caseDir, sealedDatabaseHash(custody.entries))));
  return { caseDir, isCase: true, files: listed.size, ok: problems.length === 0, problems: [...new Set(problems)], custodyEntries: custody.entries.length };
}
