/**
 * The real records the redaction filter sees: every line of the committed OpenClaw 2026.9.6
 * capture, and every record real Fluent Bit builds shipped to blob storage (the shared
 * samples, with the raw line in `log` next to the parsed fields). Shared by the test and the
 * benchmark so both run over the same data.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { assetPath } from "@oclog/schema";

export type JsonObject = Record<string, unknown>;

export interface RealRecord {
  /** `<file>:<line>`, for failure messages. */
  where: string;
  /** The Fluent Bit tag such a record would carry. */
  tag: string;
  record: JsonObject;
}

const CAPTURE = assetPath("test", "fixtures", "openclaw-2026.9.6");
// With a trailing separator: blob names are the paths below it.
const SAMPLES = join(assetPath("..", "shared", "fluent-bit", "samples"), "/");

/** The capture's JSON-lines files, each as OpenClaw (or oclog's SQLite export) wrote it. */
export const CAPTURE_FILES: ReadonlyArray<[file: string, tag: string]> = [
  ["gateway.log", "openclaw.gateway"],
  ["transcripts.jsonl", "openclaw.transcript"],
  ["trajectory.jsonl", "openclaw.trajectory"],
  ["trajectory-runtime.jsonl", "openclaw.trajectory"],
  ["audit-ledger.jsonl", "openclaw.ledger"],
  ["config-audit.jsonl", "openclaw.config_audit"],
  ["sqlite-event-rows.jsonl", "openclaw.sqlite"],
];

function jsonLines(text: string, file: string, tag: string): RealRecord[] {
  return text
    .split("\n")
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => line.trim() !== "")
    .map(({ line, i }) => ({ where: `${file}:${i + 1}`, tag, record: JSON.parse(line) as JsonObject }));
}

function gzFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return gzFiles(path);
    return name.endsWith(".gz") ? [path] : [];
  });
}

/** Records from the committed capture, file by file. */
export function captureRecords(): RealRecord[] {
  return CAPTURE_FILES.flatMap(([file, tag]) => jsonLines(readFileSync(join(CAPTURE, file), "utf8"), file, tag));
}

/** Records real Fluent Bit 4.2.8 and 5.1.1 shipped (gzip JSON lines), one blob after another. */
export function shippedRecords(): RealRecord[] {
  if (!existsSync(SAMPLES)) throw new Error(`Fluent Bit samples missing at ${SAMPLES} (expected beside the repository, in ../shared)`);
  const blobs = gzFiles(SAMPLES).sort();
  if (blobs.length === 0) throw new Error(`no .gz blobs under ${SAMPLES}`);
  return blobs.flatMap((path) => {
    const name = path.slice(SAMPLES.length);
    // The blob name starts with the tag (openclaw.gateway.<id>.<ms>.gz).
    const tag = /(openclaw\.[a-z_]+)\./.exec(name.split("/").pop()!)?.[1] ?? "openclaw";
    return jsonLines(gunzipSync(readFileSync(path)).toString("utf8"), name, tag);
  });
}

export function realRecords(): RealRecord[] {
  return [...captureRecords(), ...shippedRecords()];
}
