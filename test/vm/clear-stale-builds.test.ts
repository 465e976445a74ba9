// vm/image/clear-stale-builds.sh: what an image build killed outright left in TMPDIR (its work
// directory, with the chroot's mounts in it) is cleared by the next build, and nothing of a build
// that is still running (its lock is held), nor anything a symlink points to, is touched.
// Real mounts (tmpfs) and real flock: as root, as the image build itself runs.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import test from "ava";

const SCRIPT = fileURLToPath(new URL("../../vm/image/clear-stale-builds.sh", import.meta.url));
const mounted = (path: string) => readFileSync("/proc/mounts", "utf8").split("\n").some((line) => line.split(" ")[1] === path);
const mount = (path: string) => {
  mkdirSync(path, { recursive: true });
  const r = spawnSync("mount", ["-t", "tmpfs", "-o", "size=1m", "oclog-test", path], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`mount ${path}: ${r.stderr}`);
};

test("a dead build's directory and its mounts are cleared; a running build, a fresh unlocked one and a symlink's target are not", async (t) => {
  if (process.getuid?.() !== 0) return t.fail("needs root: the image build (and its mounts) runs as root");
  const tmp = mkdtempSync(join(tmpdir(), "oclog-stale-builds-"));
  const dead = join(tmp, "oclog-vm-image.dead");
  const live = join(tmp, "oclog-vm-image.dead2"); // its name starts with the dead one's
  const fresh = join(tmp, "oclog-vm-image.fresh");
  const old = join(tmp, "oclog-vm-image.old");
  const outside = mkdtempSync(join(tmpdir(), "oclog-stale-target-"));
  for (const dir of [dead, live, fresh, old]) mkdirSync(dir);
  writeFileSync(join(dead, ".builder.lock"), "");
  writeFileSync(join(live, ".builder.lock"), "");
  writeFileSync(join(outside, "keep"), "not a build's");
  symlinkSync(outside, join(tmp, "oclog-vm-image.link"));
  const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
  utimesSync(old, twoHoursAgo, twoHoursAgo);
  mount(join(dead, "root/proc"));
  mount(join(dead, "root/dev/pts"));
  mount(join(live, "root/proc"));
  // The running build: a process holding its lock until its stdin closes.
  const holder = spawn("flock", [join(live, ".builder.lock"), "sh", "-c", "echo locked; exec cat"], { stdio: ["pipe", "pipe", "inherit"] });
  try {
    const [first] = (await once(holder.stdout, "data")) as [Buffer];
    t.is(first.toString().trim(), "locked");
    const r = spawnSync("bash", [SCRIPT, tmp], { encoding: "utf8" });
    t.is(r.status, 0, r.stderr);
    t.deepEqual(r.stdout.trim().split("\n").sort(), [dead, old].sort());
    t.false(existsSync(dead));
    t.false(mounted(join(dead, "root/proc")) || mounted(join(dead, "root/dev/pts")), "the dead build's mounts are gone");
    t.false(existsSync(old), "a lockless directory over an hour old is a dead build's");
    t.true(mounted(join(live, "root/proc")), "the running build keeps its mount");
    t.true(existsSync(fresh), "a lockless directory under an hour old may be a build just starting");
    t.is(readFileSync(join(outside, "keep"), "utf8"), "not a build's");
  } finally {
    holder.stdin!.end();
    await once(holder, "exit");
  }
  // With its lock released, the next run clears it too.
  const again = spawnSync("bash", [SCRIPT, tmp], { encoding: "utf8" });
  t.is(again.stdout.trim(), live);
  t.false(existsSync(live));
  t.false(mounted(join(live, "root/proc")));
});
