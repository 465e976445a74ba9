/**
 * Ships what a scenario's gateway wrote through the VM's real pipeline, on the shipping rig
 * (test/pipeline/shipping-rig.ts: the checked-in `fluent-bit/openclaw-vm.yaml` byte for byte under
 * real Fluent Bit 5.1.1, over HTTPS to the rig's own Azurite, the scenario's user and VM host name
 * in its params). The gateway's file log, as the capture scrubbed it, is written into a log file
 * the rig's tail input reads (and so is a release's config-audit file before 2026.8); what the
 * real `oclog collect` reads from the gateway's stores (SQLite, or an older release's session
 * files; scrubbed the same way) goes to the forward input, each record with its own time and
 * acknowledged by Fluent Bit. The blobs are what Fluent Bit uploaded, names and lines as it wrote
 * them: the scenario investigates them and `--update-fixtures` keeps them.
 *
 * A silence (a scenario's `silenceMinutes` step: the pipeline ships nothing for a while) cannot
 * be waited out in a test. So records captured after a silence mark are re-timed by its length
 * before they reach Fluent Bit: every instant in them at or after the mark moves forward (ISO
 * text, with `Z` or an offset, and epoch milliseconds), and with it the time Fluent Bit gives the
 * record (a gateway line's `time`, which the pipeline's parser reads; a forwarded record's event
 * time). That is the only change made to a record, and the scenario file says where it happens.
 * Blob names still carry the upload time, so a re-timed record is newer than its blob's name,
 * which real shipping never produces; the scenarios investigate everything (`since` 1970) and
 * the detections read record times, never blob names.
 */
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import type { RecordSender } from "@oclog/collect";
import { Emitter, type SourceName } from "@oclog/schema";
import { ShippingRig, waitFor } from "../pipeline/shipping-rig.js";

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

const ISO_INSTANT = /\b(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)(Z|[+-]\d\d:\d\d)(?![\w:])/g;

/** `ms` written as `2026-12-01T10:00:00.123` in the zone `offset` (`Z` or `+hh:mm`), without the zone. */
function localText(ms: number, offset: string): string {
  const minutes = offset === "Z" ? 0 : (offset.startsWith("-") ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  return new Date(ms + minutes * 60_000).toISOString().slice(0, -1);
}

/**
 * Moves every instant at or after `fromMs` in `value` forward by `shiftMs`: ISO strings (in
 * their own zone and precision), epoch-millisecond numbers, and both inside nested JSON text.
 */
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
    return text.replace(ISO_INSTANT, (iso, local: string, offset: string) => {
      const ms = Date.parse(iso);
      if (!(ms >= fromMs)) return iso;
      const shifted = localText(ms + shiftMs, offset);
      // Keep the original's precision: no fraction stays none, sub-millisecond digits are carried over.
      const fraction = /\.(\d+)$/.exec(local)?.[1];
      const seconds = shifted.slice(0, 19);
      if (fraction === undefined) return `${seconds}${offset}`;
      return `${seconds}.${(shifted.slice(20) + fraction.slice(3)).slice(0, Math.max(fraction.length, 1))}${offset}`;
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

/** `value` and its time as they arrive after `silences`: each silence it comes after moves both on. */
export function retime<T>(value: T, timeMs: number, silences: readonly Silence[]): { value: T; timeMs: number } {
  // Latest mark first: a record after two silences is moved by both, the earlier mark then
  // matching its already moved instants.
  for (const silence of [...silences].sort((a, b) => b.fromMs - a.fromMs)) {
    if (timeMs < silence.fromMs) continue;
    value = shiftInstants(value, silence.fromMs, silence.minutes * 60_000);
    timeMs += silence.minutes * 60_000;
  }
  return { value, timeMs };
}

/** One scenario's VM pipeline: a shipping rig for its user and host, fed and then read. */
export class ScenarioShipping {
  readonly rig: ShippingRig;
  readonly #emitter: Emitter;
  readonly #logFile: string;
  /** Lines written to files the pipeline tails, by the source its tail input gives them. */
  readonly #tailed = { gateway: 0, "config-audit": 0 };
  #forwarded = 0;

  private constructor(rig: ShippingRig, logFile: string) {
    this.rig = rig;
    this.#logFile = logFile;
    this.#emitter = new Emitter({ endpoint: { path: rig.paths.forwardSocket } });
  }

  /** Starts the rig; `logName` is the gateway log's file name (`openclaw-<date>.log`). */
  static async start(options: { user: string; host: string; literals: string[]; logName: string }): Promise<ScenarioShipping> {
    const rig = await ShippingRig.start({ user: options.user, hostname: options.host, literals: options.literals });
    const logFile = join(rig.paths.gatewayLogs, options.logName);
    // There before anything is written: the tail input follows it from the start instead of
    // finding it at its next directory scan (refresh_interval).
    writeFileSync(logFile, "");
    return new ScenarioShipping(rig, logFile);
  }

  /** Appends gateway file-log lines (JSON text), re-timed after `silences`, to the file the tail input reads. */
  writeGatewayLog(lines: readonly string[], silences: readonly Silence[]): void {
    appendFileSync(this.#logFile, retimedLines(lines, "time", silences));
    this.#tailed.gateway += lines.length;
  }

  /**
   * Appends config-audit lines (a release before 2026.8 writes them to `logs/config-audit.jsonl`,
   * which the pipeline tails), re-timed after `silences`, to the file the rig's tail input reads.
   */
  writeConfigAudit(lines: readonly string[], silences: readonly Silence[]): void {
    if (lines.length === 0) return;
    mkdirSync(dirname(this.rig.paths.configAudit), { recursive: true });
    appendFileSync(this.rig.paths.configAudit, retimedLines(lines, "ts", silences));
    this.#tailed["config-audit"] += lines.length;
  }

  /** What the collector sends through: `prepare` (the scrubber), re-timing, then Fluent Bit's forward input. */
  sender(prepare: (record: Record<string, unknown>) => Record<string, unknown>, silences: readonly Silence[]): RecordSender {
    return {
      send: async (source: SourceName, record: Record<string, unknown>, time: Date) => {
        const arriving = retime(prepare(record), time.getTime(), silences);
        await this.#emitter.send(source, arriving.value, new Date(arriving.timeMs));
        this.#forwarded++;
      },
      reset: () => this.#emitter.reset(),
    };
  }

  /** Waits until every line and record is in a blob (each exactly once), then returns the blobs, oldest upload first. */
  async blobs(): Promise<ShippedBlob[]> {
    await this.#emitter.close();
    // The gateway log by its own source; config-audit lines (tailed) and the collector's records
    // (forwarded) together, since both can say config-audit (the collector reads that store from 2026.8 on).
    const want = { gateway: this.#tailed.gateway, others: this.#tailed["config-audit"] + this.#forwarded };
    await waitFor(`${want.gateway} gateway log lines and ${want.others} config-audit lines and collected records in blobs`, 90_000, async () => {
      const records = await this.rig.shipped();
      const gateway = records.filter(({ record }) => record.oclog_source === "gateway").length;
      const got = { gateway, others: records.length - gateway };
      if (got.gateway > want.gateway || got.others > want.others) throw new Error(`more records in blobs than were sent: ${JSON.stringify(got)} for ${JSON.stringify(want)}`);
      return got.gateway === want.gateway && got.others === want.others ? true : undefined;
      // Each look lists the container but downloads only new blobs: cheap enough to look often.
    }, 250);
    const uploaded = (name: string) => Number(/\.(\d+)(?:\.gz)?$/.exec(name)?.[1] ?? 0);
    return [...this.rig.blobTexts()]
      .map(([name, text]) => ({ name, lines: text.split("\n").filter(Boolean) }))
      .sort((a, b) => uploaded(a.name) - uploaded(b.name) || a.name.localeCompare(b.name));
  }

  /** Fluent Bit's `[warn]`/`[error]` lines so far, made generic and counted. */
  problems(): Map<string, number> {
    return this.rig.problems();
  }

  async close(): Promise<void> {
    await this.#emitter.close();
    await this.rig.close();
  }
}

/** JSON lines re-timed after `silences` by their `timeField` (lines without a readable time unchanged), newline-terminated. */
function retimedLines(lines: readonly string[], timeField: string, silences: readonly Silence[]): string {
  return lines.map((line) => {
    const fields = JSON.parse(line) as Record<string, unknown>;
    const timeMs = Date.parse(String(fields[timeField]));
    return `${Number.isNaN(timeMs) ? line : JSON.stringify(retime(fields, timeMs, silences).value)}\n`;
  }).join("");
}

/** Writes blobs gzipped under `dir` in their blob-name layout (what uploadDirectory uploads). */
export function writeBlobs(dir: string, blobs: ShippedBlob[]): void {
  for (const blob of blobs) {
    const path = join(dir, ...blob.name.split("/"));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, gzipSync(`${blob.lines.join("\n")}\n`));
  }
}
