/** Writes a file so a reader sees the old or the new version, never half of one (state, cursors, spool, the SAS include). */
import { chownSync, closeSync, fchmodSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** temp file in the same directory (mode set at creation), fsync, optional chown, rename, fsync of the directory. */
export function writeFileAtomic(path: string, content: string, mode: number, owner?: { uid: number; gid: number }): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(temp, "wx", mode);
  try {
    // The mode given to open is reduced by the umask; the gate must be able to read 0644.
    fchmodSync(fd, mode);
    writeSync(fd, content);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  if (owner) chownSync(temp, owner.uid, owner.gid);
  renameSync(temp, path);
  const dir = openSync(dirname(path), "r");
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
