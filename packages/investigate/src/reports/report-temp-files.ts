/**
 * The report writers write each file under a temporary name (`<file>.tmp-<pid>-<random>`) and
 * rename it into place. A run killed between the two (SIGKILL, the OOM killer, a power cut) leaves
 * that temporary file in the case folder, and a timeline's is as large as the case's events
 * (gigabytes). The next analysis removes those whose writer is no longer running.
 */
import { randomBytes } from "node:crypto";
import { readdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import { processAlive } from "@oclog/errors";

/** The suffix of a report file's temporary name: the writer's pid and 8 random hex digits. */
export function tempSuffix(): string {
  return `.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
}

/** `<name>` + tempSuffix(), as the report writers name their temporary files. */
const TEMP_NAME = /^(.+)\.tmp-(\d+)-[0-9a-f]{8}$/;

/** Removes the temporary report files in `caseDir` of writers that died (never another live process's, never a file of another name); returns their names. */
export async function removeStaleTempFiles(caseDir: string, reportNames: readonly string[]): Promise<string[]> {
  const removed: string[] = [];
  for (const entry of await readdir(caseDir, { withFileTypes: true })) {
    const match = TEMP_NAME.exec(entry.name);
    if (match === null || !reportNames.includes(match[1]!)) continue;
    const pid = Number(match[2]);
    // Our own pid may be another writer in this process (two report writers on one case).
    if (pid === process.pid || processAlive(pid)) continue;
    // unlink removes a link itself, never what it points to; a directory of that name is left.
    if (!entry.isFile() && !entry.isSymbolicLink()) continue;
    await unlink(join(caseDir, entry.name)).catch(() => undefined);
    removed.push(entry.name);
  }
  return removed;
}
