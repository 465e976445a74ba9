/**
 * Captured scenario blobs, kept so detections can be tested without the gateway:
 * `fixtures/<release>/<scenario>.blobs.jsonl.gz` for each OpenClaw release of the matrix
 * (test/openclaw/releases.ts), one shipped record per line with its blob name: the
 * blobs real Fluent Bit uploaded when the scenario was captured (ship.ts), each line exactly as
 * Fluent Bit wrote it (`{"blob":<name>,"record":<the line>}`, the line embedded as text, never
 * re-serialized). Gzipped: the tailed lines carry their raw text twice (fields and `log`), as
 * the pipeline ships them.
 *
 * The first line names what the capture ran (`capturedFrom`: a hash of the scenario's steps,
 * files, pages and config), so a scenario edited without re-capturing shows as a stale fixture
 * instead of scoring old records. Its expectations are not in the hash: changing what a
 * scenario expects needs no new capture.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { OPENCLAW_VERSION } from "../openclaw/install.js";
import { SCENARIOS_DIR, type Scenario } from "./scenario-spec.js";
import type { ShippedBlob } from "./ship.js";

/** The folder of one release's captures. */
export const fixturesDir = (release: string) => join(SCENARIOS_DIR, "fixtures", release);
/** The captures of the release the VM runs (the default everywhere). */
export const FIXTURES_DIR = fixturesDir(OPENCLAW_VERSION);
export const fixturePath = (scenario: string, release = OPENCLAW_VERSION) => join(fixturesDir(release), `${scenario}.blobs.jsonl.gz`);

/** A fixture's records and the capture inputs they came from. */
export interface Fixture {
  capturedFrom: string | null;
  blobs: ShippedBlob[];
}

/** Hash of what a capture runs (not what it expects). */
export function captureInputsHash(scenario: Pick<Scenario, "steps" | "files" | "pages" | "config">): string {
  const inputs = { steps: scenario.steps, files: scenario.files, pages: scenario.pages, config: scenario.config };
  return `sha256:${createHash("sha256").update(JSON.stringify(inputs)).digest("hex")}`;
}

export function writeFixture(scenario: Scenario, blobs: ShippedBlob[], release = OPENCLAW_VERSION): void {
  mkdirSync(fixturesDir(release), { recursive: true });
  const header = JSON.stringify({ capturedFrom: captureInputsHash(scenario) });
  const lines = blobs.flatMap((b) => b.lines.map((line) => recordLine(b.name, line)));
  writeFileSync(fixturePath(scenario.name, release), gzipSync(`${[header, ...lines].join("\n")}\n`, { level: 9 }));
}

/** One fixture line: the blob name, then the shipped line as it is (valid JSON, so embeddable as text). */
function recordLine(blob: string, line: string): string {
  JSON.parse(line);
  return `{"blob":${JSON.stringify(blob)},"record":${line}}`;
}

/** The fixture of a scenario, blobs in file order; undefined when the scenario has none yet. */
export function readFixture(scenario: string, release = OPENCLAW_VERSION): Fixture | undefined {
  const path = fixturePath(scenario, release);
  if (!existsSync(path)) return undefined;
  const blobs = new Map<string, string[]>();
  let capturedFrom: string | null = null;
  for (const text of gunzipSync(readFileSync(path)).toString("utf8").split("\n").filter(Boolean)) {
    const line = JSON.parse(text) as { blob?: string; record?: unknown; capturedFrom?: string };
    if (typeof line.capturedFrom === "string") {
      capturedFrom = line.capturedFrom;
      continue;
    }
    // The record's text as written, not re-serialized: recordLine() put it after a known prefix.
    const prefix = `{"blob":${JSON.stringify(line.blob)},"record":`;
    if (!text.startsWith(prefix) || !text.endsWith("}")) throw new Error(`${path}: a line not written by writeFixture: ${text.slice(0, 120)}`);
    blobs.set(line.blob!, [...(blobs.get(line.blob!) ?? []), text.slice(prefix.length, -1)]);
  }
  return { capturedFrom, blobs: [...blobs].map(([name, lines]) => ({ name, lines })) };
}

/** Why a fixture cannot stand for its scenario now, or null when it can. */
export function staleFixtureProblem(scenario: Scenario, fixture: Fixture, release = OPENCLAW_VERSION): string | null {
  if (fixture.capturedFrom === captureInputsHash(scenario)) return null;
  const how = `re-capture: \`pnpm scenarios --only ${scenario.name} --release ${release} --update-fixtures\``;
  return fixture.capturedFrom === null ? `${scenario.name}: the fixture does not say what it was captured from; ${how}` : `${scenario.name}: the scenario's steps, files, pages or config changed since its fixture was captured; ${how}`;
}
