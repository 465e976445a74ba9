/**
 * From what a scenario's gateway wrote to blobs laid out as the VM's pipeline uploads them. No
 * Fluent Bit runs here (Debian does not package it), so this is the stand-in for it, using the
 * generated `openclaw-vm` preset's own envelope (test/pipeline/pipeline-envelope.ts): the gateway
 * file log as the tail input and parser make it (fields merged, raw line in `log`), collector
 * records as the forward input receives them, `@timestamp` from the record time, one gzip blob
 * per tag and 30 s flush, named the 5.x way (`oclog/<user>/<tag>/%Y/%m/%d/%H/...`).
 *
 * A silence (the pipeline shipping nothing for a while) cannot be waited out in a test, so
 * records captured after a silence mark are re-timed by its length: every ISO instant and
 * epoch-millisecond value in them moves forward. That is the only change made to a record, and
 * the scenario file says where it happens.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { presetNamed, propertyText, type FluentBitConfig } from "@oclog/fluent-bit";
import { blobNameV5 } from "@oclog/investigate";
import { ENVELOPE_FIELDS } from "@oclog/schema";
import { envelopeFor } from "../pipeline/pipeline-envelope.js";

/** One record as captured: its tag (the pipeline's), its time, and its fields. */
export interface CapturedRecord {
  tag: string;
  timeMs: number;
  /** The source record's fields (a parsed gateway log line, or what the collector sent). */
  fields: Record<string, unknown>;
  /** Tailed sources keep the raw line in `log`. */
  tailed: boolean;
}

/** A silence: records at or after `fromMs` are re-timed by `minutes`. */
export interface Silence {
  fromMs: number;
  minutes: number;
}

/** One blob: its name and its JSON lines (uncompressed, as committed in fixtures). */
export interface ShippedBlob {
  name: string;
  lines: string[];
}

const ISO_INSTANT = /\b(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)\b/g;

/** Moves every instant at or after `fromMs` in `value` forward by `shiftMs` (strings, epoch-ms numbers, nested JSON text). */
export function shiftInstants<T>(value: T, fromMs: number, shiftMs: number): T {
  const shiftText = (text: string): string => {
    const trimmed = text.trimStart();
    if ((trimmed.startsWith("{") || trimmed.startsWith("[")) && text.length < 1_000_000) {
      try {
        return JSON.stringify(shiftInstants(JSON.parse(text) as unknown, fromMs, shiftMs));
      } catch {
        // Not JSON after all: treat as text.
      }
    }
    return text.replace(ISO_INSTANT, (iso) => {
      const ms = Date.parse(iso);
      if (!(ms >= fromMs)) return iso;
      const shifted = new Date(ms + shiftMs).toISOString();
      // Keep the original's precision: sub-millisecond digits are carried over.
      const fraction = /\.(\d+)Z$/.exec(iso)?.[1];
      if (fraction === undefined) return shifted.replace(/\.\d{3}Z$/, "Z");
      return shifted.replace(/Z$/, `${fraction.slice(3)}Z`);
    });
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return shiftText(v);
    // Epoch milliseconds of the run (2001..2286 as ms): only those at or after the mark move.
    if (typeof v === "number" && Number.isInteger(v) && v >= 1e12 && v < 1e13 && v >= fromMs) return v + shiftMs;
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** The openclaw-vm pipeline for one scenario's VM. */
export function scenarioPipeline(user: string, host: string): FluentBitConfig {
  return presetNamed("openclaw-vm").build({ fluentBitVersion: "5.1.1", params: { user, host, storage_account: "oclogscenarios" } });
}

/** Ships captured records into blobs: silences applied, envelope added, grouped per tag and 30 s. */
export function shipRecords(records: CapturedRecord[], options: { user: string; host: string; silences: Silence[] }): ShippedBlob[] {
  const config = scenarioPipeline(options.user, options.host);
  const dateKey = propertyText(config.pipeline.outputs[0]!, "date_key")!;
  const lines: { tag: string; timeMs: number; line: string }[] = [];
  for (const captured of records) {
    let { fields, timeMs } = captured;
    for (const silence of [...options.silences].sort((a, b) => b.fromMs - a.fromMs)) {
      if (timeMs >= silence.fromMs) {
        fields = shiftInstants(fields, silence.fromMs, silence.minutes * 60_000);
        timeMs += silence.minutes * 60_000;
      }
    }
    const record: Record<string, unknown> = { [dateKey]: new Date(timeMs).toISOString(), ...fields };
    if (captured.tailed) record[ENVELOPE_FIELDS.rawLine] = JSON.stringify(fields);
    lines.push({ tag: captured.tag, timeMs, line: JSON.stringify({ ...record, ...envelopeFor(config, captured.tag) }) });
  }
  const groups = new Map<string, typeof lines>();
  for (const l of lines.sort((a, b) => a.timeMs - b.timeMs)) {
    const key = `${l.tag}:${Math.floor(l.timeMs / 30_000)}`;
    groups.set(key, [...(groups.get(key) ?? []), l]);
  }
  return [...groups.values()].map((group) => {
    const upload = Math.max(...group.map((l) => l.timeMs)) + 3_000;
    return { name: blobNameV5(options.user, group[0]!.tag, upload), lines: group.map((l) => l.line) };
  });
}

/** Writes blobs gzipped under `dir` in their blob-name layout (what uploadDirectory uploads). */
export function writeBlobs(dir: string, blobs: ShippedBlob[]): void {
  for (const blob of blobs) {
    const path = join(dir, ...blob.name.split("/"));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, gzipSync(`${blob.lines.join("\n")}\n`));
  }
}
