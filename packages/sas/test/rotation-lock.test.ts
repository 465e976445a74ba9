// The rotation lock (sas-rotate.ts): two host cron runs for one VM must not both rotate, and a
// lock left by a run that died must not block rotation forever.
import test from "ava";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { acquireLock, RotationLockedError } from "../src/index.js";

const lockIn = () => join(mkdtempSync(join(tmpdir(), "oclog-rotation-lock-")), "vm", "rotate.lock");

test("a lock held by a running process refuses a second rotation and names the holder", (t) => {
  const lockPath = lockIn();
  const release = acquireLock(lockPath);
  t.is(readFileSync(lockPath, "utf8"), `${process.pid}\n`);
  const error = t.throws(() => acquireLock(lockPath), { instanceOf: RotationLockedError });
  t.regex(error!.message, new RegExp(`pid ${process.pid}`));
  release();
  t.false(existsSync(lockPath));
});

test("a lock left by a process that has exited is taken over", (t) => {
  const lockPath = lockIn();
  // A real pid that has certainly exited: a child we ran to completion.
  const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  acquireLock(lockPath)();
  writeFileSync(lockPath, `${gone.stdout}\n`);
  const release = acquireLock(lockPath);
  t.is(readFileSync(lockPath, "utf8"), `${process.pid}\n`);
  release();
});

test("a lock whose content is not a pid is taken over, not trusted", (t) => {
  const lockPath = lockIn();
  acquireLock(lockPath)();
  writeFileSync(lockPath, "garbage\n");
  const release = acquireLock(lockPath);
  t.is(readFileSync(lockPath, "utf8"), `${process.pid}\n`);
  release();
});
