/**
 * Re-checks the evidence a case keeps against both records of it: every file is hashed again and
 * must match `manifest.json`, and the manifest must match the hash custody recorded when the file
 * was added. A file edited to the same length, or a manifest edited to match an edited file, is
 * caught here; a link in place of a file is reported, never followed.
 */
import { join } from "node:path";
import { quoteUntrusted } from "@oclog/errors";
import { shownPath } from "./case-errors.js";
import type { EvidenceEntry } from "./evidence-store.js";
import { sha256File } from "./evidence-store.js";

/** One problem per evidence file that does not match; empty when all do. `custodyHashes` undefined: manifest only. */
export async function checkEvidence(caseDir: string, entries: Iterable<EvidenceEntry>, custodyHashes: ReadonlyMap<string, string> | undefined): Promise<string[]> {
  const problems: string[] = [];
  for (const entry of entries) {
    const where = `${shownPath(entry.path)} (blob ${quoteUntrusted(entry.blob, 300)})`;
    const recorded = custodyHashes?.get(entry.blob);
    if (custodyHashes === undefined) {
      // No custody to compare with (the caller said so): the files are checked against the manifest alone.
    } else if (recorded === undefined) problems.push(`${where}: listed in manifest.json but never recorded in custody.jsonl`);
    else if (recorded !== entry.sha256) problems.push(`${where}: manifest.json says SHA-256 ${entry.sha256}, custody recorded ${recorded} (the manifest was edited)`);
    let actual: string;
    try {
      actual = await sha256File(join(caseDir, entry.path));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problems.push(code === "ELOOP" ? `${where}: is a symbolic link (never followed)` : `${where}: missing (${code ?? (error as Error).message})`);
      continue;
    }
    if (actual !== entry.sha256) problems.push(`${where}: SHA-256 ${actual} does not match the manifest (${entry.sha256})`);
    else if (recorded !== undefined && actual !== recorded) problems.push(`${where}: SHA-256 ${actual} does not match custody (${recorded})`);
  }
  return problems;
}
