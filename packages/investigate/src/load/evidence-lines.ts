/**
 * Gets one evidence file ready for DuckDB's line scan, with its work bounded.
 *
 * DuckDB's CSV reader is fast but fragile on hostile bytes: a carriage return makes it throw,
 * a gzip blob not named `.gz` is read as text, and a line longer than its buffer vanishes and
 * shifts every line number after it. So each file is first measured here at memchr speed
 * (gzip decided by its magic bytes, never its name):
 *
 * - a clean file goes to DuckDB as it is;
 * - anything else is rewritten, line for line, as plain text into the case's work folder: a
 *   CRLF line loses its CR (it is a record), and a line DuckDB cannot take (too long, a CR
 *   inside it) becomes an empty placeholder plus a fault at its own line number, so numbering
 *   never shifts. A damaged gzip keeps the lines before the damage. A blob over a limit keeps
 *   the lines within it, and the first line not read is reported.
 */
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { once } from "node:events";
import type { Readable } from "node:stream";
import { open as openFile } from "node:fs/promises";
import { createGunzip, createInflateRaw } from "node:zlib";
import type { BlobLimits } from "../evidence/blob-limits.js";
import { isGzipFile, type LineShape } from "../evidence/gzip-integrity.js";

const LF = 0x0a;
const CR = 0x0d;
/** Bytes of a refused line kept in its quarantine row, like DuckDB's rejects. */
const RAW_PREFIX_BYTES = 200;

export interface LineLimits extends BlobLimits {
  /** Longest line accepted (`--max-line-bytes`). */
  maxLineBytes: number;
}

/** What measuring found: how to read the file, and why it must be rewritten first (if it must). */
export interface Measured {
  gzip: boolean;
  rewrite?: string;
  /** Lines (a last one without a newline included), when the file needs no rewrite. */
  lines?: number;
}

/** A line set aside while rewriting: its number, why, and its first bytes. */
export interface LineFault {
  line: number;
  reason: string;
  rawPrefix: string | null;
}

export interface Rewritten {
  /** Lines written (placeholders included): line k of the output is line k of the evidence. */
  lines: number;
  /** Faults at lines that have a placeholder in the output. */
  faults: number;
  /** Why reading stopped before the end (a limit, damage), at the first line not read. */
  stop?: LineFault;
  /** The stop was a limit (not damage): it is also reported as such. */
  limited?: boolean;
}

function open(path: string, gzip: boolean): { lines: Readable; source: Readable } {
  const source = createReadStream(path, { highWaterMark: 1 << 20 });
  return { source, lines: gzip ? source.pipe(createGunzip({ chunkSize: 1 << 20 })) : source };
}

/** Where the deflate data of the first gzip member starts (after its header), or undefined. */
async function deflateStart(path: string): Promise<number | undefined> {
  const handle = await openFile(path, "r");
  try {
    const head = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const flags = head[3]!;
    let at = 10;
    if (flags & 4) at += 2 + head.readUInt16LE(at);
    if (flags & 8) at = head.indexOf(0, at) + 1;
    if (flags & 16) at = head.indexOf(0, at) + 1;
    if (flags & 2) at += 2;
    return at > 0 && at < bytesRead ? at : undefined;
  } finally {
    await handle.close();
  }
}

/**
 * The first gzip member's content through a raw inflater, which stops at the member's end. Node's
 * gunzip drops the output of a whole input chunk when bytes that are not gzip follow a member.
 */
async function openFirstMember(path: string): Promise<{ lines: Readable; source: Readable } | undefined> {
  const start = await deflateStart(path);
  if (start === undefined) return undefined;
  const source = createReadStream(path, { start, highWaterMark: 1 << 20 });
  return { source, lines: source.pipe(createInflateRaw({ chunkSize: 1 << 20 })) };
}

/** measureEvidence's verdict from a shape measured when the file was added (a gzip file, read whole). */
export function measuredFromShape(shape: LineShape, limits: LineLimits): Measured {
  if (shape.carriageReturn) return { gzip: true, rewrite: "carriage return" };
  if (shape.longestLine > limits.maxLineBytes) return { gzip: true, rewrite: "line over --max-line-bytes" };
  if (shape.bytes > limits.maxBlobBytes) return { gzip: true, rewrite: "over --max-blob-bytes" };
  if (shape.lines > limits.maxBlobLines) return { gzip: true, rewrite: "over --max-blob-lines" };
  return { gzip: true, lines: shape.lines };
}

/** Reads the file once, stopping at the first sign it cannot go to DuckDB as it is. */
export async function measureEvidence(path: string, limits: LineLimits): Promise<Measured> {
  const gzip = await isGzipFile(path);
  const { lines, source } = open(path, gzip);
  let bytes = 0;
  let lineCount = 0;
  let lineBytes = 0;
  let trailing = false;
  try {
    for await (const chunk of lines as AsyncIterable<Buffer>) {
      if (chunk.indexOf(CR) !== -1) return { gzip, rewrite: "carriage return" };
      bytes += chunk.length;
      let start = 0;
      for (let nl = chunk.indexOf(LF); nl !== -1; nl = chunk.indexOf(LF, start)) {
        lineBytes += nl - start;
        if (lineBytes > limits.maxLineBytes) return { gzip, rewrite: "line over --max-line-bytes" };
        lineCount++;
        lineBytes = 0;
        start = nl + 1;
      }
      lineBytes += chunk.length - start;
      trailing = lineBytes > 0;
      if (lineBytes > limits.maxLineBytes) return { gzip, rewrite: "line over --max-line-bytes" };
      if (bytes > limits.maxBlobBytes) return { gzip, rewrite: "over --max-blob-bytes" };
      if (lineCount + (trailing ? 1 : 0) > limits.maxBlobLines) return { gzip, rewrite: "over --max-blob-lines" };
    }
  } catch (error) {
    return { gzip, rewrite: `unreadable: ${(error as Error).message}` };
  } finally {
    source.destroy();
  }
  return { gzip, lines: lineCount + (trailing ? 1 : 0) };
}

/** A write stream fed in 1 MB batches: a newline bomb is millions of tiny lines. */
class BatchedWriter {
  readonly #out: WriteStream;
  #pending: Buffer[] = [];
  #size = 0;
  constructor(path: string) {
    this.#out = createWriteStream(path, { flags: "wx", mode: 0o600 });
  }
  /** Queues bytes; resolves at once unless a batch had to be flushed. */
  push(data: Buffer | string): Promise<void> | undefined {
    const bytes = typeof data === "string" ? Buffer.from(data) : data;
    this.#pending.push(bytes);
    this.#size += bytes.length;
    return this.#size >= 1 << 20 ? this.#flush() : undefined;
  }
  async #flush(): Promise<void> {
    const batch = Buffer.concat(this.#pending, this.#size);
    this.#pending = [];
    this.#size = 0;
    if (!this.#out.write(batch)) await once(this.#out, "drain");
  }
  async close(): Promise<void> {
    if (this.#size > 0) await this.#flush();
    this.#out.end();
    await once(this.#out, "close");
  }
}

const NEWLINE = Buffer.from("\n");

/**
 * Rewrites `path` as plain lines into `dest`, faults (one JSON object a line) into `faultsDest`.
 * Never throws for the file's content: damage ends the copy with a `stop` fault.
 * `firstMemberOnly` reads only the first gzip member (the salvage when bytes follow it).
 */
export async function rewriteEvidence(path: string, dest: string, faultsDest: string, limits: LineLimits, options: { firstMemberOnly?: boolean } = {}): Promise<Rewritten> {
  const gzip = await isGzipFile(path);
  const opened = options.firstMemberOnly && gzip ? await openFirstMember(path) : open(path, gzip);
  if (opened === undefined) return { lines: 0, faults: 0, stop: { line: 1, reason: "damaged file: no gzip header", rawPrefix: null } };
  const { lines, source } = opened;
  const out = new BatchedWriter(dest);
  const faultsOut = new BatchedWriter(faultsDest);
  let line = 0;
  let faults = 0;
  let consumed = 0;
  // The line being assembled: its parts (while short enough to keep), its length, its first bytes.
  let parts: Buffer[] = [];
  let length = 0;
  let head = Buffer.alloc(0);
  let stop: LineFault | undefined;
  let limited = false;

  const fault = async (reason: string, raw: Buffer): Promise<void> => {
    faults++;
    const rawPrefix = raw.subarray(0, RAW_PREFIX_BYTES).toString("utf8");
    await faultsOut.push(`${JSON.stringify({ line, reason, raw_prefix: rawPrefix })}\n`);
    await out.push(NEWLINE);
  };
  const finishLine = async (): Promise<void> => {
    line++;
    if (length > limits.maxLineBytes) {
      await fault(`line over the ${limits.maxLineBytes}-byte limit (--max-line-bytes): ${length} bytes`, head);
    } else {
      let bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, length);
      // CRLF: the CR belongs to the line ending, not the record.
      if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
      if (bytes.indexOf(CR) !== -1) {
        // A raw CR never comes out of a JSON encoder, and DuckDB's reader cannot take it.
        await fault("carriage return inside the line (not a line ending): not a record Fluent Bit wrote", bytes);
      } else {
        await out.push(bytes);
        await out.push(NEWLINE);
      }
    }
    parts = [];
    length = 0;
    head = Buffer.alloc(0);
  };
  const append = (piece: Buffer): void => {
    if (piece.length > 0 && head.length < RAW_PREFIX_BYTES) head = Buffer.concat([head, piece.subarray(0, RAW_PREFIX_BYTES - head.length)]);
    length += piece.length;
    if (length <= limits.maxLineBytes) parts.push(piece);
    else parts = [];
  };
  const overLimit = (): string | undefined => {
    if (line >= limits.maxBlobLines) return `blob over the ${limits.maxBlobLines}-line limit (--max-blob-lines): this line and the rest were not read`;
    if (consumed > limits.maxBlobBytes) return `blob over the ${limits.maxBlobBytes}-byte limit (--max-blob-bytes): this line and the rest were not read`;
    return undefined;
  };

  try {
    reading: for await (const chunk of lines as AsyncIterable<Buffer>) {
      let start = 0;
      let nextCr = chunk.indexOf(CR);
      // Plain lines (no CR, not too long, not continuing a line) are copied in runs, not one by one.
      let runStart = -1;
      for (let nl = chunk.indexOf(LF); nl !== -1; nl = chunk.indexOf(LF, start)) {
        consumed += nl + 1 - start;
        const limit = overLimit();
        if (limit) {
          if (runStart >= 0) await out.push(chunk.subarray(runStart, start));
          stop = { line: line + 1, reason: limit, rawPrefix: null };
          limited = true;
          break reading;
        }
        if (length === 0 && nl - start <= limits.maxLineBytes && (nextCr === -1 || nextCr > nl)) {
          if (runStart < 0) runStart = start;
          line++;
          start = nl + 1;
          continue;
        }
        if (runStart >= 0) await out.push(chunk.subarray(runStart, start));
        runStart = -1;
        append(chunk.subarray(start, nl));
        await finishLine();
        start = nl + 1;
        if (nextCr !== -1 && nextCr < start) nextCr = chunk.indexOf(CR, start);
      }
      if (runStart >= 0) await out.push(chunk.subarray(runStart, start));
      if (start < chunk.length) {
        consumed += chunk.length - start;
        append(chunk.subarray(start));
        // A line still open past a limit is not read: stop before buffering any more of it.
        const limit = overLimit();
        if (limit) {
          stop = { line: line + 1, reason: limit, rawPrefix: null };
          limited = true;
          break;
        }
      }
    }
    if (!stop && length > 0) await finishLine();
  } catch (error) {
    // A line cut by the damage is never written: it is the fault, at the next line number.
    stop = { line: line + 1, reason: `damaged file: ${(error as Error).message}`.slice(0, 300), rawPrefix: null };
  } finally {
    source.destroy();
    await Promise.all([out.close(), faultsOut.close()]);
  }
  return { lines: line, faults, ...(stop ? { stop } : {}), ...(limited ? { limited } : {}) };
}
