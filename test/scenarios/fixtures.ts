/**
 * Captured scenario records, kept so detections can be tested without the gateway:
 * `fixtures/<scenario>.blobs.jsonl.gz`, one shipped record per line with its blob name (already
 * scrubbed, enveloped and, after a silence, re-timed: exactly what was uploaded). Gzipped: the
 * tailed lines carry their raw text twice (fields and `log`), as the pipeline ships them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { SCENARIOS_DIR } from "./scenario-spec.js";
import type { ShippedBlob } from "./ship.js";

export const FIXTURES_DIR = join(SCENARIOS_DIR, "fixtures");
export const fixturePath = (scenario: string) => join(FIXTURES_DIR, `${scenario}.blobs.jsonl.gz`);

export function writeFixture(scenario: string, blobs: ShippedBlob[]): void {
  mkdirSync(FIXTURES_DIR, { recursive: true });
  const lines = blobs.flatMap((b) => b.lines.map((line) => JSON.stringify({ blob: b.name, record: JSON.parse(line) as unknown })));
  writeFileSync(fixturePath(scenario), gzipSync(`${lines.join("\n")}\n`, { level: 9 }));
}

/** The blobs of a fixture, in file order; undefined when the scenario has none yet. */
export function readFixture(scenario: string): ShippedBlob[] | undefined {
  const path = fixturePath(scenario);
  if (!existsSync(path)) return undefined;
  const blobs = new Map<string, string[]>();
  for (const text of gunzipSync(readFileSync(path)).toString("utf8").split("\n").filter(Boolean)) {
    const { blob, record } = JSON.parse(text) as { blob: string; record: unknown };
    blobs.set(blob, [...(blobs.get(blob) ?? []), JSON.stringify(record)]);
  }
  return [...blobs].map(([name, lines]) => ({ name, lines }));
}
