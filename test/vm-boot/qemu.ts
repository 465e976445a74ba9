/**
 * Boots the VM image (vm/image/build.sh) under QEMU and runs a check script inside it.
 *
 * Software emulation (TCG, an x86-64-v2 CPU): KVM here does not run stock Debian kernels. The disk is
 * opened in snapshot mode, so every boot starts from the built image and nothing it writes
 * survives. User-mode networking with `restrict=on`: the guest reaches nothing outside, cloud
 * services included. The check script and its inputs go in through a 9p share (tag
 * oclog-check), the results come back through it; the image's oclog-boot-check.service runs
 * the script after multi-user.target when the kernel command line says `oclog.check`, then
 * powers off, which ends QEMU. The serial console is kept in a file for failures.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** What a boot produced. */
export interface BootResult {
  /** `fact <name> <value>` lines of the check script, by name. */
  facts: Record<string, string>;
  rc: number | undefined;
  stderr: string;
  serialLog: string;
  /** The guest's journal of the units under test, written by the check script at its end. */
  journal: string;
  /** Reads a file the check script left in the share ("" when absent). */
  shareFile(name: string): string;
  /** The share's directory on this machine. */
  share: string;
  seconds: number;
  timedOut: boolean;
  /** What `whileRunning` threw, if it did. */
  hostError?: string;
}

/**
 * Builds the image, or reuses the cached one; returns its directory. OCLOG_VM_IMAGE names one
 * built moments before from the same tree (scripts/test.sh builds it beside the main suite), so
 * the bundle is not made again just to find it.
 */
export function buildImage(): string {
  const built = process.env.OCLOG_VM_IMAGE;
  if (built && ["disk.raw", "vmlinuz", "initrd.img"].every((file) => existsSync(join(built, file)))) return built;
  const run = spawnSync("bash", [join(REPO, "vm/image/build.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 24 });
  if (run.status !== 0) throw new Error(`vm/image/build.sh failed with status ${run.status}`);
  const dir = run.stdout.trim().split("\n").pop() ?? "";
  if (!existsSync(join(dir, "disk.raw"))) throw new Error(`vm/image/build.sh printed no image directory (got "${dir}")`);
  return dir;
}

/**
 * The guest kernel's first oops or panic, whole: from its first line ("BUG:", "Oops", a fault)
 * to the panic line. A boot that died in the kernel says so here, with its call trace.
 */
export function kernelCrash(serialLog: string): string | undefined {
  const lines = serialLog.split(/\r?\n/);
  const start = lines.findIndex((line) => /\] (BUG: |Oops|general protection fault|invalid opcode|double fault|traps: |Kernel panic)/.test(line));
  if (start < 0) return undefined;
  const panic = lines.findIndex((line, i) => i >= start && /Kernel panic|---\[ end trace/.test(line));
  return lines.slice(Math.max(0, start - 5), panic < 0 ? start + 60 : panic + 2).join("\n");
}

/** The serial log lines worth showing when a check fails: a kernel crash whole, the units that failed and the checks' own lines. */
export function relevantSerialLines(serialLog: string, limit = 80): string {
  const lines = serialLog.split(/\r?\n/);
  const interesting = lines.filter((line) => /FAILED|Failed|oclog|openclaw|nginx|error|panic|Kernel/i.test(line));
  const crash = kernelCrash(serialLog);
  return [...(crash === undefined ? [] : ["guest kernel crash:", crash, "other lines:"]), ...interesting.slice(-limit)].join("\n");
}

function icountArgs(value: string | null): string[] {
  return value === null || value === "" || value === "off" ? [] : ["-icount", value];
}

/**
 * A connection the guest opens to `guest` (an address inside QEMU's user network, e.g.
 * 10.0.2.100:10000) that QEMU carries to 127.0.0.1:`hostPort` on this machine: the guest
 * reaches a service of the test, and nothing else.
 */
export interface GuestForward {
  guest: string;
  hostPort: number;
}

/** Boots `imageDir` with `files` (name -> content, check.sh among them) in the share. */
export function bootAndCheck(
  imageDir: string,
  files: Record<string, string | Buffer>,
  options: {
    timeoutSeconds: number;
    memoryMb?: number;
    cpu?: string;
    icount?: string | null;
    guestForwards?: GuestForward[];
    /** The host's part while the guest runs, given the share; aborted when QEMU has ended. */
    whileRunning?: (share: string, signal: AbortSignal) => Promise<void>;
  },
): Promise<BootResult> {
  const share = mkdtempSync(join(tmpdir(), "oclog-boot-share-"));
  chmodSync(share, 0o755);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(share, name), content, { mode: 0o755 });
  }
  const serial = join(mkdtempSync(join(tmpdir(), "oclog-boot-serial-")), "serial.log");
  writeFileSync(serial, "");
  const args = [
    "-machine", "q35,accel=tcg",
    // A plain x86-64-v2 CPU (qemu64 with SSSE3, SSE4.1/4.2, POPCNT, CMPXCHG16B), not `-cpu max`:
    // max turns on every feature this QEMU's TCG emulates, the newest and least used among them,
    // and the guest kernel crashed under it twice: a double fault at 111 s (with PKU, since
    // turned off), then on CI "Fatal exception in interrupt" 2.8 s into a boot. Node and Fluent
    // Bit need no more than v2; qemu64's paths are TCG's oldest and most used.
    "-cpu", options.cpu ?? process.env.OCLOG_QEMU_CPU ?? "qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt,+cx16",
    // No -icount by default: with it QEMU runs the guest on one host thread (no MTTCG), and the
    // gateway's start took longer than the boot budget; the image raises OpenClaw's start-up
    // budgets instead (rootfs/openclaw-startup-budgets.sh). OCLOG_QEMU_ICOUNT=shift=0,sleep=off
    // makes guest time count instructions, for experiments.
    ...icountArgs(options.icount === undefined ? (process.env.OCLOG_QEMU_ICOUNT ?? "off") : options.icount),
    // Two vCPUs, the second brought online by a unit after the kernel's initcalls (maxcpus=1 below,
    // vm/image/rootfs/oclog-online-cpus.service). Booted with both, QEMU 7.2's multi-threaded TCG
    // let one vCPU run a stale copy of kernel code the other had just re-patched (the kernel flips
    // static keys with an int3 first, then the new bytes): CI's guest died twice in the first 4 s,
    // "Oops: int3" in sched_clock_idle_wakeup_event right after "sched_clock: Marking stable", and
    // before that "Fatal exception in interrupt". One vCPU throughout avoids it too, but the boot
    // then took over 32 minutes on this 2-core host.
    "-smp", "2",
    "-m", String(options.memoryMb ?? 3072),
    "-display", "none",
    "-monitor", "none",
    "-no-reboot",
    "-serial", `file:${serial}`,
    "-kernel", join(imageDir, "vmlinuz"),
    "-initrd", join(imageDir, "initrd.img"),
    // OCLOG_QEMU_APPEND adds kernel arguments, e.g. systemd.journald.forward_to_console=1 to
    // watch the guest's journal live in the serial log.
    // tsc=reliable: no clocksource watchdog on the TSC. Under emulation the watchdog sees the TSC
    // skew against the HPET (host scheduling jitter) and marks it unstable at run time, which
    // flips the sched_clock static key with both vCPUs online: a fresh-clone boot died of exactly
    // that, "Oops: int3" in clocksource_watchdog_work 31 s in. TCG's TSC follows the host clock.
    "-append", ["root=/dev/vda rw console=ttyS0 oclog.check net.ifnames=0 panic=-1 maxcpus=1 tsc=reliable", process.env.OCLOG_QEMU_APPEND ?? ""].join(" ").trim(),
    "-drive", `file=${join(imageDir, "disk.raw")},format=raw,if=virtio,snapshot=on`,
    "-virtfs", `local,path=${share},mount_tag=oclog-check,security_model=none,id=oclogcheck`,
    // restrict=on: no way out; explicit guestfwd rules still apply (QEMU's documentation). A
    // guestfwd to a character device connects once, at QEMU's start; `cmd:` runs socat for each
    // connection the guest opens, so a client can reconnect.
    "-netdev", ["user,id=net0,restrict=on", ...(options.guestForwards ?? []).map((f) => `guestfwd=tcp:${f.guest}-cmd:socat - TCP:127.0.0.1:${f.hostPort}`)].join(","),
    "-device", "virtio-net-pci,netdev=net0,romfile=",
  ];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const qemu = spawn("qemu-system-x86_64", args, { stdio: ["ignore", "ignore", "pipe"] });
    const ended = new AbortController();
    let hostError: string | undefined;
    const host = (options.whileRunning?.(share, ended.signal) ?? Promise.resolve()).catch((error: unknown) => {
      hostError = error instanceof Error ? (error.stack ?? error.message) : String(error);
    });
    let stderr = "";
    qemu.stderr.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      qemu.kill("SIGKILL");
    }, options.timeoutSeconds * 1000);
    qemu.on("error", (error) => {
      clearTimeout(timer);
      ended.abort();
      reject(new Error(`qemu-system-x86_64 could not start (${error.message}); scripts/setup.sh installs qemu-system-x86`));
    });
    qemu.on("close", async () => {
      clearTimeout(timer);
      ended.abort();
      await host;
      const read = (name: string) => (existsSync(join(share, name)) ? readFileSync(join(share, name), "utf8") : "");
      const facts: Record<string, string> = {};
      for (const line of read("results.out").split("\n")) {
        const match = /^fact (\S+) ?(.*)$/.exec(line);
        if (match) facts[match[1]!] = match[2]!;
      }
      const rcText = read("results.rc").trim();
      resolve({
        facts,
        rc: rcText === "" ? undefined : Number(rcText),
        stderr: `${stderr}${read("results.err")}`,
        serialLog: readFileSync(serial, "utf8"),
        journal: read("journal.txt"),
        shareFile: read,
        share,
        seconds: (Date.now() - started) / 1000,
        timedOut,
        ...(hostError !== undefined ? { hostError } : {}),
      });
    });
  });
}
