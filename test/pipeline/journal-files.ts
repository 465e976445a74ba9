/**
 * Real journal files without a running journald: entries in the journal export format
 * (systemd's "Journal Export Format") piped into `systemd-journal-remote -o DIR/NAME.journal -`,
 * which writes them with the same library journald uses. Fluent Bit's systemd input reads the
 * directory (its `path`), exactly as it reads /var/log/journal on a VM.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { formatJournalExport, type ExportField } from "../vm-boot/journal-export.js";

/** Debian installs it outside PATH (package systemd-journal-remote; scripts/setup.sh installs it). */
const JOURNAL_REMOTE = ["/lib/systemd/systemd-journal-remote", "/usr/lib/systemd/systemd-journal-remote"];

/** One journal entry: its fields (journald's trusted `_` fields included) and its wall-clock time. */
export interface JournalEntry {
  realtimeUs: number;
  fields: Record<string, string>;
}

/** The export-format stream for `entries` (monotonic times count up from 1 s); a value with a newline in the binary form. */
function exportFormat(entries: readonly JournalEntry[], bootId: string): Buffer {
  const field = (name: string, value: string): ExportField => ({ name, value: Buffer.from(value), binary: value.includes("\n") });
  return formatJournalExport(
    entries.map((entry, i) => [
      field("__REALTIME_TIMESTAMP", String(entry.realtimeUs)),
      field("__MONOTONIC_TIMESTAMP", String(1_000_000 + i * 1_000)),
      field("_BOOT_ID", bootId),
      ...Object.entries(entry.fields).map(([name, value]) => field(name, value)),
    ]),
  );
}

/** Appends `entries` to the journal file `<dir>/<name>.journal` (created if missing). */
export function writeJournal(dir: string, entries: readonly JournalEntry[], options: { name?: string; bootId: string }): Promise<void> {
  return writeJournalExport(dir, exportFormat(entries, options.bootId), options.name);
}

/** Appends an export-format stream (as `journalctl -o export` writes it) to `<dir>/<name>.journal`. */
/**
 * The export with every wall-clock time moved so that its newest entry is `newestUs` (µs since
 * the epoch), spacing kept: a captured journal shipped today is then as fresh as a live one.
 * Left as captured, its entries grow older than the pipeline's day-old-stamp check by the day
 * after the capture, and the investigation rightly flags them.
 */
export function retimeJournalExport(exported: Buffer, newestUs: number): Buffer {
  const text = exported.toString("latin1");
  const times = /^(__REALTIME_TIMESTAMP|_SOURCE_REALTIME_TIMESTAMP)=([0-9]+)$/gm;
  const newest = Math.max(...[...text.matchAll(/^__REALTIME_TIMESTAMP=([0-9]+)$/gm)].map((m) => Number(m[1])));
  if (!Number.isFinite(newest)) throw new Error("the export has no __REALTIME_TIMESTAMP field");
  const shift = newestUs - newest;
  return Buffer.from(text.replace(times, (_, field: string, us: string) => `${field}=${Number(us) + shift}`), "latin1");
}

export async function writeJournalExport(dir: string, exported: Buffer, name = "remote"): Promise<void> {
  const binary = JOURNAL_REMOTE.find((path) => existsSync(path));
  if (!binary) throw new Error(`systemd-journal-remote not found (${JOURNAL_REMOTE.join(", ")}): scripts/setup.sh installs the Debian package systemd-journal-remote`);
  const child = spawn(binary, ["-o", join(dir, `${name}.journal`), "-"], { stdio: ["pipe", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  child.stdin.end(exported);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  if (code !== 0) throw new Error(`systemd-journal-remote exited ${code}: ${stderr.slice(-1000)}`);
}
