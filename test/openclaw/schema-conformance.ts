/**
 * Checks a capture directory against @oclog/schema: every captured line validates, and the
 * normalizer recovers every scripted tool call. Shared by the live-harness test and the test
 * of the committed fixtures, so both assert the same thing.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ExecutionContext } from "ava";
import {
  collectToolCalls,
  DEFAULT_VALIDATE_OPTIONS,
  normalize,
  readRawLines,
  validateLines,
  type Event,
  type EventOutcome,
  type SourceName,
} from "@oclog/schema";

/** Capture files and the source each must validate as, completely. */
export const CAPTURED_SOURCES: ReadonlyArray<[file: string, source: SourceName]> = [
  ["gateway.log", "gateway-log"],
  ["transcripts.jsonl", "transcript"],
  ["trajectory-runtime.jsonl", "trajectory"],
  ["trajectory.jsonl", "trajectory"],
  ["audit-ledger.jsonl", "ledger"],
  ["config-audit.jsonl", "config-audit"],
];

const OUTCOME_OF: Record<string, EventOutcome> = { ok: "success", error: "failure", blocked: "blocked" };

interface ScenarioCall {
  id: string;
  name: string;
  arguments: unknown;
  expectedOutcome: string;
}

/** Asserts that every line of every captured file validates as its source (`empty`: files the release cannot fill). */
export async function assertAllLinesValid(t: ExecutionContext, dir: string, empty: ReadonlySet<string> = new Set()): Promise<void> {
  for (const [file, source] of CAPTURED_SOURCES) {
    const path = join(dir, file);
    const options = { ...DEFAULT_VALIDATE_OPTIONS, source };
    const report = await validateLines(path, readRawLines(path, options.maxLineBytes), options);
    if (empty.has(file)) t.is(report.total, 0, `${file} is empty for this release`);
    else t.true(report.total > 0, `${file} has records`);
    t.is(report.invalid, 0, `${file}: ${JSON.stringify(report.errors.slice(0, 3))}`);
  }
}

/** Normalizes every line of one captured file. */
export function normalizeFile(dir: string, file: string, source: SourceName): Event[] {
  return readFileSync(join(dir, file), "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .flatMap((line, index) => {
      const result = normalize(source, JSON.parse(line), { ref: `${file}:${index + 1}` });
      if (!result.ok) throw new Error(`${file}:${index + 1}: ${result.reason}`);
      return result.events;
    });
}

/** Asserts the normalizer recovers each scripted tool call: name, call id, arguments, outcome. */
export function assertToolCallsRecovered(t: ExecutionContext, dir: string): void {
  const scenario = JSON.parse(readFileSync(join(dir, "scenario.json"), "utf8")) as { toolCalls: ScenarioCall[] };
  t.true(scenario.toolCalls.length >= 6);
  for (const [file, source] of [["transcripts.jsonl", "transcript"], ["trajectory.jsonl", "trajectory"]] as const) {
    const calls = new Map(collectToolCalls(normalizeFile(dir, file, source)).map((call) => [call.id, call]));
    for (const expected of scenario.toolCalls) {
      const call = calls.get(expected.id);
      t.truthy(call, `${file}: tool call ${expected.id} recovered`);
      t.is(call?.name, expected.name, `${file}: ${expected.id} name`);
      t.deepEqual(call?.arguments, expected.arguments, `${file}: ${expected.id} arguments`);
      t.is(call?.outcome, OUTCOME_OF[expected.expectedOutcome], `${file}: ${expected.id} outcome`);
    }
  }
}

/** Asserts the gateway log's own records of the guards: auth failure, SSRF block, refused read. */
export function assertGuardsVisibleInGatewayLog(t: ExecutionContext, dir: string): void {
  const events = normalizeFile(dir, "gateway.log", "gateway-log");
  const auth = events.filter((e) => e.category === "auth" && e.outcome === "failure");
  t.true(auth.length >= 1, "wrong-token WebSocket shows as an auth failure");
  t.true(auth.some((e) => e.subsystem === "gateway/ws" && e.target.host === "127.0.0.1"));
  const ssrf = events.find((e) => e.subsystem === "security" && e.outcome === "blocked");
  t.truthy(ssrf, "SSRF block shows as blocked");
  t.regex(ssrf?.target.url ?? "", /^http:\/\/127\.0\.0\.1:\d+$/);
  const refused = events.find((e) => e.action === "tool.failure" && e.gen_ai.tool.name === "read");
  t.is(refused?.outcome, "blocked", "the /etc/passwd read shows as blocked");
  t.is(refused?.target.path, "/etc/passwd");
}
