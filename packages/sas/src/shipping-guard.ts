/**
 * The shipping guard's pure core: from Fluent Bit's output counters (`GET /api/v1/metrics`),
 * the guard's own small history and the clock, decide whether log shipping works.
 * No filesystem, network or clock here (the caller passes `now`); I/O lives in
 * shipping-guard-io.ts.
 *
 * Decision rules (N = failingAfterMs, default 10 minutes), per watched output:
 * - records lost: `dropped_records` or `retries_failed` went up since the previous sample:
 *   failing at once (Fluent Bit gave up on chunks; nothing brings them back);
 * - stalled: `errors`, `retries` or `retried_records` went up while `proc_records` did not;
 *   the stall starts at the sample that first saw it and ends only when `proc_records` moves.
 *   Failing once it lasted N minutes; before that still ok (one retried chunk is normal);
 * - the metrics endpoint unreachable (or not answering with a shipping output) for N minutes:
 *   failing; for less, the state is left as it was (the guard knows nothing new).
 * Once failing, the state goes back to ok only when deliveries resume: some watched output's
 * `proc_records` went up in an interval with no new loss and no failing condition left.
 * Counters that go down mean Fluent Bit restarted (or hot-reloaded): that sample is a new
 * baseline, and a stall that was running keeps its start (a restart is not a delivery).
 */
import { z } from "zod";
import type { SasState } from "./sas-state.js";

export type ShippingStatus = SasState["shipping"];

export { GUARD_METRICS_URL, GUARD_HISTORY_PATH, GUARD_FAILING_AFTER_MINUTES } from "./defaults.js";
/** The unit `enforce: "stop-gateway"` stops. */
export const GUARD_GATEWAY_UNIT = "openclaw.service";
/** Samples kept in the history file: enough to read back what happened in the last half hour at one run a minute. */
export const GUARD_HISTORY_SAMPLES = 30;

/** Counters of one output plugin instance in `/api/v1/metrics` (JSON), in Fluent Bit's own names. */
export const OUTPUT_COUNTERS = ["proc_records", "proc_bytes", "errors", "retries", "retries_failed", "dropped_records", "retried_records"] as const;
export type OutputCounter = (typeof OUTPUT_COUNTERS)[number];
export type OutputCounters = Record<OutputCounter, number>;

const Counter = z.number().int().nonnegative();
/** `dropped_records` and `retried_records` arrived in later Fluent Bit releases: absent means 0. */
const OutputMetricsJson = z.looseObject({
  proc_records: Counter,
  proc_bytes: Counter,
  errors: Counter,
  retries: Counter,
  retries_failed: Counter,
  dropped_records: Counter.default(0),
  retried_records: Counter.default(0),
});
/** The parts of Fluent Bit's `/api/v1/metrics` response the guard reads (it also has `input` and `filter`). */
const FluentBitMetricsJson = z.looseObject({ output: z.record(z.string(), z.unknown()) });

/** One output instance name as Fluent Bit prints it: the alias (`ship`) or `<plugin>.<n>`. */
const OutputName = z.string().min(1).max(64);
const IsoUtc = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
const CountersJson = z.object(Object.fromEntries(OUTPUT_COUNTERS.map((name) => [name, Counter])) as Record<OutputCounter, typeof Counter>);

export const GuardSample = z.union([
  z.object({ at: IsoUtc, outputs: z.record(OutputName, CountersJson) }).strict(),
  z.object({ at: IsoUtc, error: z.string().max(500) }).strict(),
]);
export type GuardSample = z.infer<typeof GuardSample>;

/** The guard's own file: the last samples plus what must outlive them (when a stall or an outage began). */
export const GuardHistory = z
  .object({
    version: z.literal(1),
    samples: z.array(GuardSample).max(GUARD_HISTORY_SAMPLES),
    /** First sample of the current run of unreadable metrics. */
    unreachable_since: IsoUtc.optional(),
    /** Per output: the sample that first saw errors or retries without a delivery since. */
    stalled_since: z.record(OutputName, IsoUtc),
    /** The verdict of the last run (used when the state file cannot tell what it was). */
    last_shipping: z.enum(["ok", "failing", "unknown"]).optional(),
    /** Why shipping last turned failing, and since when: repeated while waiting for deliveries to resume. */
    failing_since: IsoUtc.optional(),
    failing_reason: z.string().max(500).optional(),
  })
  .strict();
export type GuardHistory = z.infer<typeof GuardHistory>;

export function emptyGuardHistory(): GuardHistory {
  return { version: 1, samples: [], stalled_since: {} };
}

/** What the guard read from the endpoint: counters per watched output, or why there are none. */
export type MetricsReading = { ok: true; outputs: Record<string, OutputCounters> } | { ok: false; error: string };

/**
 * Picks the watched outputs out of a `/api/v1/metrics` body. Without `watch`, the openclaw-vm
 * pipeline's shipping output (alias `ship`) or, when no output has that alias, every
 * `azure_blob.<n>`. A body without them is unusable, like no answer at all.
 */
export function parseFluentBitMetrics(body: unknown, watch?: readonly string[]): MetricsReading {
  const parsed = FluentBitMetricsJson.safeParse(body);
  if (!parsed.success) return { ok: false, error: "the metrics have no `output` section (is this Fluent Bit's /api/v1/metrics?)" };
  const available = Object.keys(parsed.data.output);
  const names = watch?.length ? [...watch] : available.includes("ship") ? ["ship"] : available.filter((name) => /^azure_blob\.\d+$/.test(name));
  if (names.length === 0) {
    return { ok: false, error: `no shipping output in the metrics (outputs: ${available.slice(0, 10).join(", ") || "none"}); expected "ship" or azure_blob.<n>` };
  }
  const outputs: Record<string, OutputCounters> = {};
  for (const name of names) {
    if (!OutputName.safeParse(name).success) return { ok: false, error: "an output name in the metrics is empty or longer than 64 characters" };
    if (!(name in parsed.data.output)) return { ok: false, error: `output ${JSON.stringify(name)} is not in the metrics (outputs: ${available.slice(0, 10).join(", ") || "none"})` };
    const counters = OutputMetricsJson.safeParse(parsed.data.output[name]);
    if (!counters.success) return { ok: false, error: `output ${JSON.stringify(name)} has no valid counters (${counters.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")})` };
    outputs[name] = Object.fromEntries(OUTPUT_COUNTERS.map((counter) => [counter, counters.data[counter]])) as OutputCounters;
  }
  return { ok: true, outputs };
}

/** What happened to one output between the previous readable sample and this one. */
export interface OutputJudgement {
  /** No comparable previous sample (first run, new output, or Fluent Bit restarted): nothing measured. */
  baseline: boolean;
  /** Set when counters went down: Fluent Bit restarted or reloaded. */
  reset: boolean;
  delta?: OutputCounters;
  progress: boolean;
  /** errors, retries or retried_records went up. */
  trouble: boolean;
  /** dropped_records + retries_failed went up by this much (records and chunks given up). */
  lostRecords: number;
  lostChunks: number;
  stalledSince?: string;
}

export interface JudgeInput {
  history: GuardHistory;
  reading: MetricsReading;
  /** What the state file says now (from the history when the state file cannot be read). */
  previous: ShippingStatus;
  now: Date;
  /** How long errors without deliveries (or unreadable metrics) last before shipping is failing. */
  failingAfterMs: number;
}

export interface Judgement {
  /** The verdict to publish (equal to `previous` when nothing new is known). */
  shipping: ShippingStatus;
  /** Whether the state file should be rewritten: false while metrics are unreadable for less than N minutes. */
  publish: boolean;
  /** One line for `shipping_reason` (at most 500 characters). */
  reason: string;
  metrics: "ok" | "unreadable";
  outputs: Record<string, OutputJudgement>;
  /** previous was not failing and the verdict is: enforcement runs once, here. */
  turnedFailing: boolean;
  history: GuardHistory;
}

export const SHIPPING_REASON_MAX = 500;

/** Applies the decision rules above. Pure: same input, same judgement. */
export function judgeShipping(input: JudgeInput): Judgement {
  const { history, reading, previous, now } = input;
  const windowMs = input.failingAfterMs;
  const at = now.toISOString();
  const sample: GuardSample = reading.ok ? { at, outputs: reading.outputs } : { at, error: clip(reading.error, 500) };
  const samples = [...history.samples, sample].slice(-GUARD_HISTORY_SAMPLES);

  if (!reading.ok) {
    const since = history.unreachable_since ?? at;
    const downMs = now.getTime() - Date.parse(since);
    const next: GuardHistory = { ...history, samples, unreachable_since: since };
    if (downMs >= windowMs) {
      const reason = `Fluent Bit's metrics unreadable for ${minutes(downMs)} (since ${since}): ${reading.error}`;
      return finish(input, { shipping: "failing", publish: true, reason, metrics: "unreadable", outputs: {}, history: next });
    }
    const reason = `Fluent Bit's metrics unreadable for ${minutes(downMs)} (failing after ${duration(input.failingAfterMs)}): ${reading.error}`;
    return finish(input, { shipping: previous, publish: false, reason, metrics: "unreadable", outputs: {}, history: next });
  }

  const before = lastReadable(history.samples);
  const stalledSince: Record<string, string> = {};
  const outputs: Record<string, OutputJudgement> = {};
  const failures: string[] = [];
  const notes: string[] = [];
  for (const [name, current] of Object.entries(reading.outputs)) {
    const prev = before?.outputs[name];
    const reset = prev !== undefined && OUTPUT_COUNTERS.some((counter) => current[counter] < prev[counter]);
    let judgement: OutputJudgement;
    if (prev === undefined || reset) {
      judgement = { baseline: true, reset, progress: false, trouble: false, lostRecords: 0, lostChunks: 0 };
      notes.push(reset ? `${name}: counters went back (Fluent Bit restarted or reloaded), new baseline` : `${name}: first sample, new baseline`);
    } else {
      const delta = Object.fromEntries(OUTPUT_COUNTERS.map((counter) => [counter, current[counter] - prev[counter]])) as OutputCounters;
      judgement = {
        baseline: false,
        reset: false,
        delta,
        progress: delta.proc_records > 0,
        trouble: delta.errors > 0 || delta.retries > 0 || delta.retried_records > 0,
        lostRecords: delta.dropped_records,
        lostChunks: delta.retries_failed,
      };
    }
    // A stall ends only with a delivery; a restart (baseline) neither starts nor ends one.
    const stall = judgement.progress ? undefined : (history.stalled_since[name] ?? (judgement.trouble ? at : undefined));
    if (stall !== undefined) {
      stalledSince[name] = stall;
      judgement.stalledSince = stall;
    }
    outputs[name] = judgement;

    const d = judgement.delta;
    if (judgement.lostRecords > 0 || judgement.lostChunks > 0) {
      failures.push(`${name} lost records: dropped_records +${judgement.lostRecords}, retries_failed +${judgement.lostChunks} since ${before?.at}`);
    }
    if (stall !== undefined) {
      const stalledMs = now.getTime() - Date.parse(stall);
      const counts = d ? ` (errors +${d.errors}, retries +${d.retries} in the last interval)` : "";
      if (stalledMs >= windowMs) failures.push(`${name} delivered nothing for ${minutes(stalledMs)} while failing to send (since ${stall})${counts}`);
      else notes.push(`${name}: errors or retries without a delivery for ${minutes(stalledMs)} (failing after ${duration(input.failingAfterMs)})${counts}`);
    } else if (d) {
      notes.push(d.proc_records > 0 ? `${name} delivered ${d.proc_records} record(s) since ${before?.at}` : `${name} idle: nothing to deliver, no errors`);
    }
  }
  const next: GuardHistory = { ...history, samples, stalled_since: stalledSince };
  delete next.unreachable_since;

  if (failures.length > 0) {
    return finish(input, { shipping: "failing", publish: true, reason: failures.join("; "), metrics: "ok", outputs, history: next });
  }
  const delivered = Object.values(outputs).some((output) => output.progress);
  if (previous === "failing" && !delivered) {
    // Latched: only a delivery shows that shipping works again.
    next.failing_since = history.failing_since ?? at;
    next.failing_reason = history.failing_reason ?? "shipping was already failing when the guard's history began";
    const reason = `waiting for deliveries to resume (failing since ${next.failing_since}: ${next.failing_reason}); ${notes.join("; ")}`;
    return finish(input, { shipping: "failing", publish: true, reason, metrics: "ok", outputs, history: next });
  }
  if (Object.values(outputs).every((output) => output.baseline)) {
    // Nothing measured yet: keep what the state says (ok stays ok, unknown stays unknown).
    return finish(input, { shipping: previous, publish: true, reason: notes.join("; "), metrics: "ok", outputs, history: next });
  }
  const resumed = previous === "failing" ? "deliveries resumed: " : "";
  return finish(input, { shipping: "ok", publish: true, reason: resumed + notes.join("; "), metrics: "ok", outputs, history: next });
}

function finish(input: JudgeInput, partial: Omit<Judgement, "turnedFailing">): Judgement {
  const reason = clip(partial.reason, SHIPPING_REASON_MAX);
  const turnedFailing = partial.shipping === "failing" && input.previous !== "failing";
  const history: GuardHistory = { ...partial.history, last_shipping: partial.shipping };
  if (partial.shipping === "failing" && partial.publish) {
    // Keep the first cause: "waiting for deliveries" repeats it instead of nesting itself.
    if (turnedFailing || history.failing_reason === undefined) {
      history.failing_since = input.now.toISOString();
      history.failing_reason = reason;
    }
  } else if (partial.publish) {
    delete history.failing_since;
    delete history.failing_reason;
  }
  return { ...partial, reason, turnedFailing, history };
}

function lastReadable(samples: readonly GuardSample[]): Extract<GuardSample, { outputs: unknown }> | undefined {
  for (let i = samples.length - 1; i >= 0; i--) {
    const sample = samples[i];
    if (sample && "outputs" in sample) return sample;
  }
  return undefined;
}

function minutes(ms: number): string {
  const value = Math.max(0, ms) / 60_000;
  return `${Number.isInteger(value) ? value : value.toFixed(1)} min`;
}

/** A threshold as it was given: whole minutes, else seconds. */
function duration(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
