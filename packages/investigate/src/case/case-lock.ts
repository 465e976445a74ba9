/**
 * One run per case: `case.lock` is created exclusively (O_EXCL, never through a link) and names
 * its holder (pid, host, start time, a random token). A second run is refused with that holder. A
 * lock left by a dead process on this host is taken over; on another host liveness cannot be
 * known, so the user decides. Takeover happens under `case.lock.takeover` (made with mkdir, which
 * only one process can win), so two runs finding the same stale lock cannot both take it.
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { mkdir, open, rmdir, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { processAlive } from "@oclog/errors";
import { CaseLockedError, CaseSymlinkError } from "./case-errors.js";
import { readFileNoFollow } from "./case-folder.js";

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  token: string;
}

/** A held case lock; `takenOver` is the dead holder it replaced, for custody. */
export interface CaseLock {
  holder: LockHolder;
  takenOver: LockHolder | undefined;
  release(): Promise<void>;
}

async function readHolder(path: string, caseDir: string): Promise<Partial<LockHolder> | undefined> {
  try {
    return JSON.parse(await readFileNoFollow(path)) as Partial<LockHolder>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ELOOP") throw new CaseSymlinkError(caseDir, ["case.lock"]);
    // Being written this instant, or left half-written by a crash: no holder to name.
    return {};
  }
}

async function create(path: string, holder: LockHolder): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    await handle.writeFile(`${JSON.stringify(holder)}\n`);
  } finally {
    await handle.close();
  }
  return true;
}

/** Takes the lock of `caseDir` (which must exist), or throws CaseLockedError naming the holder. */
export async function acquireCaseLock(caseDir: string): Promise<CaseLock> {
  const path = join(caseDir, "case.lock");
  const holder: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), token: randomBytes(8).toString("hex") };
  const release = async () => {
    const current = await readHolder(path, caseDir).catch(() => undefined);
    if (current?.token === holder.token) await unlink(path);
  };
  if (await create(path, holder)) return { holder, takenOver: undefined, release };

  const found = await readHolder(path, caseDir);
  if (found === undefined) {
    // Released between our try and our read: one more try, and a held lock from here on is real.
    if (await create(path, holder)) return { holder, takenOver: undefined, release };
    throw new CaseLockedError(caseDir, (await readHolder(path, caseDir)) ?? {}, "another run took it a moment ago");
  }
  const sameHost = found.host === holder.host;
  // An unreadable lock may be one being written this instant: it counts as held, the user decides.
  const dead = sameHost && typeof found.pid === "number" && !processAlive(found.pid);
  if (!dead) {
    const why = found.pid === undefined ? "its lock file names no holder" : sameHost ? "that process is running" : "it runs on another host, whose processes oclog cannot see";
    throw new CaseLockedError(caseDir, found, why);
  }
  const guard = join(caseDir, "case.lock.takeover");
  try {
    await mkdir(guard);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") throw new CaseLockedError(caseDir, found, `another run is taking over its stale lock now (${guard} exists; delete it if no oclog runs)`);
    throw error;
  }
  try {
    // Still the same stale lock? Then it is ours to replace; anything else means someone won.
    const again = await readHolder(path, caseDir);
    if (again !== undefined && again.token !== found.token) throw new CaseLockedError(caseDir, again, "another run took over the stale lock first");
    if (again !== undefined) await unlink(path);
    if (!(await create(path, holder))) throw new CaseLockedError(caseDir, (await readHolder(path, caseDir)) ?? {}, "another run took it a moment ago");
  } finally {
    await rmdir(guard);
  }
  return { holder, takenOver: { pid: Number(found.pid), host: String(found.host), startedAt: String(found.startedAt), token: String(found.token) }, release };
}
