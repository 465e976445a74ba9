/**
 * A load scans into `<workDir>/scan-<pid>-<random>/` (rewritten copies of odd files, the tool
 * steps' rows) and removes it when it ends. A load killed outright (SIGKILL, the OOM killer, a
 * power cut) leaves it behind, as large as the files it rewrote; the next load removes the folders
 * of loads that are no longer running.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { processAlive } from "@oclog/errors";

const SCAN_DIR = /^scan-(\d+)-[A-Za-z0-9]{6}$/;

/** Makes this load's scan folder in `workDir`, named after this process. */
export function makeScanDir(workDir: string): Promise<string> {
  return mkdtemp(join(workDir, `scan-${process.pid}-`));
}

/** Removes the scan folders in `workDir` of loads that died (never a live process's, never a link or a file); returns their names. */
export async function removeDeadScans(workDir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const entry of await readdir(workDir, { withFileTypes: true }).catch(() => [])) {
    const match = SCAN_DIR.exec(entry.name);
    if (match === null || !entry.isDirectory()) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    await rm(join(workDir, entry.name), { recursive: true, force: true });
    removed.push(entry.name);
  }
  return removed;
}
