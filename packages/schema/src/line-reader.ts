/**
 * Reads a file as numbered raw lines without ever buffering more than `maxLineBytes` of one
 * line: a 10 MB line costs a counter, not 10 MB. Gzip files (`.gz`, as blobs are shipped) are
 * decompressed on the fly.
 */
import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import type { Readable } from "node:stream";
import type { RawLine } from "./line-validator.js";

/** Yields the lines of `path` (gunzipping `.gz`), cutting lines longer than `maxLineBytes`. */
export async function* readRawLines(path: string, maxLineBytes: number): AsyncGenerator<RawLine> {
  let stream: Readable = createReadStream(path);
  if (path.endsWith(".gz")) stream = stream.pipe(createGunzip());
  yield* splitLines(stream, maxLineBytes);
}

/** Splits a byte stream into numbered lines (LF, with an optional CR before it). */
export async function* splitLines(stream: AsyncIterable<Uint8Array>, maxLineBytes: number): AsyncGenerator<RawLine> {
  let parts: Uint8Array[] = [];
  let length = 0;
  let oversize = false;
  let line = 0;
  const finish = (): RawLine => {
    line++;
    if (oversize) {
      const result = { line, bytes: new Uint8Array(0), oversizeBytes: length };
      parts = [];
      length = 0;
      oversize = false;
      return result;
    }
    let bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    parts = [];
    length = 0;
    return { line, bytes };
  };
  const append = (chunk: Uint8Array) => {
    length += chunk.length;
    if (oversize) return;
    if (length > maxLineBytes) {
      oversize = true;
      parts = [];
      return;
    }
    parts.push(chunk);
  };
  for await (const chunk of stream) {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      append(chunk.subarray(start, nl));
      yield finish();
      start = nl + 1;
    }
    if (start < chunk.length) append(chunk.subarray(start));
  }
  if (length > 0 || oversize) yield finish();
}
