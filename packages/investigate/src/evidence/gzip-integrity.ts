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

/**
 * The reason a gzip file is damaged, or undefined when it is whole (or not gzip by content).
 * Only the first `maxBytes` uncompressed bytes are checked: reading stops there anyway.
 */
export async function gzipProblem(path: string, maxBytes = DEFAULT_BLOB_LIMITS.maxBlobBytes): Promise<string | undefined> {
  if (!(await isGzipFile(path))) {
    // Fluent Bit never uploads an empty flush: a 0-byte `.gz` blob is damage (or tampering) to report.
    const handle = await open(path, "r");
    const size = (await handle.stat()).size;
    await handle.close();
    return path.endsWith(".gz") && size === 0 ? "empty blob (0 bytes)" : undefined;
  }
  let seen = 0;
  const sink = new Writable({
    write: (chunk: Buffer, _enc, done) => {
      seen += chunk.length;
      done(seen > maxBytes ? ENOUGH : null);
    },
  });
  try {
    await pipeline(createReadStream(path), createGunzip(), sink);
    return undefined;
  } catch (error) {
    return error === ENOUGH ? undefined : (error as Error).message;
  }
}
