/**
 * `oclog case verify`: re-hashes every evidence file against the manifest, checks the custody
 * chain, and lists files that appeared or disappeared. Anything off is tampering until
 * explained.
 */
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import type { CaseManifest } from "./evidence-store.js";
import { sha256File } from "./evidence-store.js";
import { verifyCustody } from "./custody-log.js";

export interface VerifyReport {
  caseDir: string;
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

/** Verifies a case folder; never throws for tampering, only reports it. */
export async function verifyCase(caseDir: string): Promise<VerifyReport> {
  const problems: string[] = [];
  let manifest: CaseManifest;
  try {
    manifest = JSON.parse(await readFile(join(caseDir, "manifest.json"), "utf8")) as CaseManifest;
  } catch (error) {
    return { caseDir, files: 0, ok: false, problems: [`manifest.json unreadable: ${(error as Error).message}`], custodyEntries: 0 };
  }
  const listed = new Set<string>();
  for (const entry of Object.values(manifest.evidence)) {
    listed.add(entry.path);
    try {
      const actual = await sha256File(join(caseDir, entry.path));
      if (actual !== entry.sha256) problems.push(`${entry.path}: SHA-256 ${actual} does not match the manifest (${entry.sha256})`);
    } catch {
      problems.push(`${entry.path}: missing (listed in the manifest for blob ${JSON.stringify(entry.blob)})`);
    }
  }
  for (const path of await walk(join(caseDir, "evidence"))) {
    const rel = relative(caseDir, path);
    if (!listed.has(rel)) problems.push(`${rel}: present in evidence/ but not in the manifest`);
  }
  const custody = await verifyCustody(join(caseDir, "custody.jsonl"));
  problems.push(...custody.problems);
  if (custody.entries.length === 0) problems.push("custody.jsonl is missing or empty");
  return { caseDir, files: listed.size, ok: problems.length === 0, problems, custodyEntries: custody.entries.length };
}
