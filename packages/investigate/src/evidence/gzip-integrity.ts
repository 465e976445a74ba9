/**
 * Gzip by content, never by name: a blob's name is data an agent can choose, so the two magic
 * bytes decide. And whether a gzip file decompresses to its end: DuckDB's reader stops quietly
 * at a truncated gzip stream, so damage is found here, once, when evidence is recorded.
 */
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createGunzip } from "node:zlib";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DEFAULT_BLOB_LIMITS } from "./blob-limits.js";

// Thrown to stop a check once it has read as much as an investigation would read.
const ENOUGH = new Error("read enough");

/** True when the file starts with the gzip magic bytes 1f 8b. */
export async function isGzipFile(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** The lines of a decompressed file, as the load needs them to decide whether to rewrite it. */
export interface LineShape {
  /** Decompressed bytes. */
  bytes: number;
  /** Lines, a last one without a newline included. */
  lines: number;
  /** The longest line's bytes, its newline excluded. */
  longestLine: number;
  /** Whether a carriage return occurs anywhere. */
  carriageReturn: boolean;
}

const LF = 0x0a;
const CR = 0x0d;
// Read, inflate and scan in 256 KiB pieces: with the streams' 16/64 KiB defaults the per-chunk
// overhead was most of the check (1 GB in 256 blobs, 4 at a time: 3.07 s, at 256 KiB 0.90 s).
const CHUNK_BYTES = 256 * 1024;

/**
 * Whether a gzip file decompresses to its end (`damaged` says why not), and, when it does within
 * `maxBytes`, the shape of its lines: the one decompression the evidence gets before the load, so
 * the load need not decompress it again to measure it. Not gzip by content: neither.
 */
export async function inspectGzip(path: string, maxBytes = DEFAULT_BLOB_LIMITS.maxBlobBytes): Promise<{ damaged?: string; shape?: LineShape }> {
  if (!(await isGzipFile(path))) {
    // Fluent Bit never uploads an empty flush: a 0-byte `.gz` blob is damage (or tampering) to report.
    const handle = await open(path, "r");
    const size = (await handle.stat()).size;
    await handle.close();
    return path.endsWith(".gz") && size === 0 ? { damaged: "empty blob (0 bytes)" } : {};
  }
  const shape: LineShape = { bytes: 0, lines: 0, longestLine: 0, carriageReturn: false };
  let lineBytes = 0;
  const sink = new Writable({
    highWaterMark: CHUNK_BYTES,
    write: (chunk: Buffer, _enc, done) => {
      shape.bytes += chunk.length;
      if (shape.bytes > maxBytes) return done(ENOUGH);
      if (!shape.carriageReturn && chunk.indexOf(CR) !== -1) shape.carriageReturn = true;
      let start = 0;
      for (let nl = chunk.indexOf(LF); nl !== -1; nl = chunk.indexOf(LF, start)) {
        lineBytes += nl - start;
        if (lineBytes > shape.longestLine) shape.longestLine = lineBytes;
        shape.lines++;
        lineBytes = 0;
        start = nl + 1;
      }
      lineBytes += chunk.length - start;
      if (lineBytes > shape.longestLine) shape.longestLine = lineBytes;
      done(null);
    },
  });
  try {
    await pipeline(createReadStream(path, { highWaterMark: CHUNK_BYTES }), createGunzip({ chunkSize: CHUNK_BYTES }), sink);
    if (lineBytes > 0) shape.lines++;
    return { shape };
  } catch (error) {
    return error === ENOUGH ? {} : { damaged: (error as Error).message };
  }
}

/**
 * The reason a gzip file is damaged, or undefined when it is whole (or not gzip by content).
 * Only the first `maxBytes` uncompressed bytes are checked: reading stops there anyway.
 */
export async function gzipProblem(path: string, maxBytes = DEFAULT_BLOB_LIMITS.maxBlobBytes): Promise<string | undefined> {
  return (await inspectGzip(path, maxBytes)).damaged;
}
