/** The real `systemd-analyze`, for scoring and checking the VM's units offline. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function systemdAnalyze(...args: string[]) {
  const run = spawnSync("systemd-analyze", args, { encoding: "utf8", env: { ...process.env, TZ: "UTC", SYSTEMD_PAGER: "" } });
  if (run.error) throw new Error(`systemd-analyze is not available (${run.error.message}); it ships with Debian's systemd package`);
  return run;
}

/** `systemd-analyze security --offline=yes` exposure of a unit file (absolute path). */
export function exposure(unit: string): number {
  const run = systemdAnalyze("security", "--offline=yes", "--no-pager", unit);
  const score = /Overall exposure level for \S+: (\d+\.\d+)/.exec(run.stdout)?.[1];
  if (!score) throw new Error(`no score in systemd-analyze output:\n${run.stdout}\n${run.stderr}`);
  return Number(score);
}

/** Writes `text` as `<name>` in a fresh temp dir (systemd-analyze needs an absolute path named like the unit). */
export function unitFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "oclog-vm-unit-")), name);
  writeFileSync(file, text);
  return file;
}
