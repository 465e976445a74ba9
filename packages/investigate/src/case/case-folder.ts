/**
 * Is this folder an oclog case oclog may write into? An empty or new folder, or one whose
 * `manifest.json` an earlier run wrote; never a link, never someone's folder of other files. And
 * which entries of a case are symbolic links (oclog never follows one).
 */
import { constants } from "node:fs";
import { lstat, open, readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { CaseSymlinkError, ForeignCaseFolderError, shownPath } from "./case-errors.js";

/** What a run that died before writing its manifest may leave: the lock and the empty evidence folder. */
const LEFTOVERS = new Set(["case.lock", "evidence"]);

/** Reads a file without following a link at its last component (ELOOP if it is one). */
export async function readFileNoFollow(path: string): Promise<string> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    return await handle.readFile("utf8");
  } finally {
    await handle.close();
  }
}

/** True when `value` has the shape of an oclog manifest.json (not any JSON someone left there). */
export function looksLikeManifest(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  const m = value as Record<string, unknown>;
  return typeof m.caseId === "string" && typeof m.user === "string" && typeof m.container === "string" && m.evidence !== null && typeof m.evidence === "object" && !Array.isArray(m.evidence);
}

/** Refuses a `--case-dir` oclog must not write into; a missing folder is fine (it will be made). */
export async function checkCaseFolder(caseDir: string): Promise<void> {
  let stats;
  try {
    stats = await lstat(caseDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  if (stats.isSymbolicLink()) throw new ForeignCaseFolderError(caseDir, "is a symbolic link (oclog never follows links to or inside a case)");
  if (!stats.isDirectory()) throw new ForeignCaseFolderError(caseDir, "is not a folder");
  const entries = await readdir(caseDir);
  if (entries.length === 0) return;
  if (entries.includes("manifest.json")) {
    let manifest: unknown;
    try {
      manifest = JSON.parse(await readFileNoFollow(join(caseDir, "manifest.json")));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ELOOP") throw new CaseSymlinkError(caseDir, ["manifest.json"]);
      throw new ForeignCaseFolderError(caseDir, `holds a manifest.json that is not an oclog case manifest (${(error as Error).message})`);
    }
    if (!looksLikeManifest(manifest)) throw new ForeignCaseFolderError(caseDir, "holds a manifest.json that is not an oclog case manifest");
    return;
  }
  const strangers = entries.filter((name) => !LEFTOVERS.has(name));
  const evidenceUsed = entries.includes("evidence") && (await readdir(join(caseDir, "evidence")).catch(() => ["(not a folder)"])).length > 0;
  if (strangers.length > 0 || evidenceUsed) {
    throw new ForeignCaseFolderError(caseDir, `exists and is not an oclog case (it holds ${[...strangers, ...(evidenceUsed ? ["evidence/…"] : [])].slice(0, 5).map(shownPath).join(", ")}, and no manifest.json)`, { entries: entries.slice(0, 20) });
  }
}

/** Every symbolic link inside a case folder (walked with lstat, never through a link), relative to it. */
export async function findSymlinks(caseDir: string): Promise<string[]> {
  const links: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isSymbolicLink()) links.push(relative(caseDir, path));
      else if (entry.isDirectory()) await walk(path);
    }
  };
  await walk(caseDir);
  return links.sort();
}
