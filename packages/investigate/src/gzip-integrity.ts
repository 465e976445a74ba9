/**
 * Whether a gzip file decompresses to its end. DuckDB's reader stops quietly at a truncated
 * gzip stream, so damage is found here, once, when evidence is recorded.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createGunzip } from "node:zlib";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";

/** The reason a `.gz` file is damaged, or undefined when it is whole (or not gzip by name). */
export async function gzipProblem(path: string): Promise<string | undefined> {
  if (!path.endsWith(".gz")) return undefined;
  // Fluent Bit never uploads an empty flush: a 0-byte blob is damage (or tampering) to report.
  if ((await stat(path)).size === 0) return "empty blob (0 bytes)";
  try {
    await pipeline(createReadStream(path), createGunzip(), new Writable({ write: (_chunk, _enc, done) => done() }));
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
