/**
 * The pure core of `oclog schema validate`: numbered raw lines in, a per-file report out.
 * Lines arrive as bytes so that a file that is not UTF-8 fails on the exact line, and an
 * oversized line arrives already cut (the reader never buffers past the limit).
 */
import { parseRecord } from "./source-definition.js";
import { SOURCES, detectSource, type SourceName } from "./sources.js";
import { splitEnvelope } from "./envelope.js";
import { gatewayShape, releasesWriting, shapeKey, type GatewayShape } from "./sources/gateway-log/message-shape.js";

export type SourceChoice = SourceName | "auto";

/** One physical line of a file: its 1-based number and bytes (without the newline). */
export interface RawLine {
  line: number;
  bytes: Uint8Array;
  /** Set when the line was longer than the reader's limit; `bytes` is then empty. */
  oversizeBytes?: number;
}

export interface LineError {
  line: number;
  reason: string;
}

export interface FileReport {
  path: string;
  total: number;
  valid: number;
  invalid: number;
  variants: Record<string, number>;
  errors: LineError[];
  /** Invalid lines beyond the `maxErrors` kept in `errors` (they are still counted). */
  errorsOmitted: number;
  warnings: string[];
  /**
   * Gateway log lines of a shape (subsystem and message template) that no release of oclog's
   * matrix wrote: valid, but new to oclog. Per shape, most lines first, at most UNKNOWN_SHAPES_LISTED.
   */
  unknownShapes: { lines: number; shapes: (GatewayShape & { lines: number })[]; shapesOmitted: number };
}

/** Unknown gateway log shapes listed per file (the rest are counted). */
export const UNKNOWN_SHAPES_LISTED = 50;

export interface ValidateOptions {
  source: SourceChoice;
  /** Lines longer than this are invalid (the reader enforces it; this is for messages). */
  maxLineBytes: number;
  /** How many line errors to keep per file; the rest are counted in `errorsOmitted`. */
  maxErrors: number;
}

/** The longest line (record) read, in bytes, by `schema validate` and `investigate`. */
export const DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024;

export const DEFAULT_VALIDATE_OPTIONS: ValidateOptions = {
  source: "auto",
  maxLineBytes: DEFAULT_MAX_LINE_BYTES,
  maxErrors: 1000,
};

/** Validates each line of one file against `source` (or the detected source) and counts variants. */
export async function validateLines(
  path: string,
  lines: AsyncIterable<RawLine>,
  options: ValidateOptions = DEFAULT_VALIDATE_OPTIONS,
): Promise<FileReport> {
  const report: FileReport = { path, total: 0, valid: 0, invalid: 0, variants: {}, errors: [], errorsOmitted: 0, warnings: [], unknownShapes: { lines: 0, shapes: [], shapesOmitted: 0 } };
  const unknown = new Map<string, GatewayShape & { lines: number }>();
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const fail = (line: number, reason: string) => {
    report.invalid++;
    if (report.errors.length < options.maxErrors) report.errors.push({ line, reason });
    else report.errorsOmitted++;
  };

  try {
    for await (const raw of lines) await check(raw);
  } catch (error) {
    // A corrupt gzip or an I/O error ends the file; what was read so far stays counted.
    report.total++;
    fail(report.total, `cannot read further: ${(error as Error).message}`);
  }
  if (report.total === 0) report.warnings.push("file is empty: no records to validate");
  const shapes = [...unknown.values()].sort((a, b) => b.lines - a.lines || shapeKey(a).localeCompare(shapeKey(b)));
  report.unknownShapes.shapes = shapes.slice(0, UNKNOWN_SHAPES_LISTED);
  report.unknownShapes.shapesOmitted = shapes.length - report.unknownShapes.shapes.length;
  return report;

  async function check(raw: RawLine): Promise<void> {
    report.total++;
    if (raw.oversizeBytes !== undefined) {
      return fail(raw.line, `line is ${formatBytes(raw.oversizeBytes)}, over the ${formatBytes(options.maxLineBytes)} limit (--max-line-bytes)`);
    }
    let text: string;
    try {
      text = decoder.decode(raw.bytes);
    } catch {
      return fail(raw.line, `not valid UTF-8 (first bad byte near offset ${firstInvalidUtf8Offset(raw.bytes)})`);
    }
    if (text.trim() === "") return fail(raw.line, "blank line");
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return fail(raw.line, `not JSON: ${(error as Error).message.slice(0, 200)}`);
    }
    const source = options.source === "auto" ? detectSource(value) : options.source;
    if (source === undefined) {
      return fail(raw.line, "unknown record shape: not any OpenClaw source oclog knows (try --source to see why)");
    }
    const record = typeof value === "object" && value !== null && !Array.isArray(value) ? splitEnvelope(value as Record<string, unknown>).source : value;
    const result = parseRecord(SOURCES[source], record);
    const prefix = options.source === "auto" ? `${source}/` : "";
    if (result.ok) {
      report.valid++;
      const key = prefix + result.variant;
      report.variants[key] = (report.variants[key] ?? 0) + 1;
      if (source === "gateway-log") countShape(record);
    } else {
      fail(raw.line, prefix + result.reason);
    }
  }

  function countShape(record: unknown): void {
    const shape = gatewayShape(record);
    if (shape === undefined || releasesWriting(shape).length > 0) return;
    report.unknownShapes.lines++;
    const key = shapeKey(shape);
    const seen = unknown.get(key) ?? { ...shape, lines: 0 };
    seen.lines++;
    unknown.set(key, seen);
  }
}

function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let lo = 0;
  let hi = bytes.length;
  // Binary search for the shortest failing prefix; stream:true tolerates a cut sequence at the end.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    try {
      decoder.decode(bytes.subarray(0, mid + 1), { stream: true });
      lo = mid + 1;
    } catch {
      hi = mid;
    }
  }
  // The decoder notices a truncated sequence one byte late: report where that sequence began.
  for (let back = 1; back <= 3 && lo - back >= 0; back++) {
    const byte = bytes[lo - back]!;
    if (byte >= 0xc0) return lo - back;
    if ((byte & 0xc0) !== 0x80) break;
  }
  return lo;
}

/** Formats a byte count for messages (`10.0 MiB`). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
