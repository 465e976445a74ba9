/**
 * OpenClaw stores large transcript events zstd-compressed (`event_zstd`). Node >= 22.15 has a
 * zstd decoder in zlib (the VM runs Node 24); Node 20 does not, so there the pure-JS `fzstd`
 * decoder (decompression only, maintained, no native build) does the work.
 *
 * Decoding is bounded: a frame of a few kilobytes can expand to gigabytes (a zstd bomb), and its
 * header may lie about its size or say nothing. zlib stops at `maxOutputLength`; fzstd is driven
 * block by block and stopped once the output passes the cap. Either way the memory held is the
 * cap plus one block (and the frame's window, which fzstd allocates lazily zero-filled).
 */
import * as zlib from "node:zlib";
import { Decompress } from "fzstd";

type ZstdDecompressSync = (buffer: Uint8Array, options?: { maxOutputLength?: number }) => Buffer;
const native = (zlib as unknown as { zstdDecompressSync?: ZstdDecompressSync }).zstdDecompressSync;

/** Which decoder this process uses (for `oclog collect --json` and the benchmark). */
export const ZSTD_DECODER: "node:zlib" | "fzstd" = native ? "node:zlib" : "fzstd";

/** What one frame decodes to: all of it, or (past the cap) its first bytes only. */
export type ZstdOutcome = { ok: true; bytes: Uint8Array } | { ok: false; prefix: Uint8Array; reason: string };

class CapReached extends Error {}

/** Decodes with fzstd, block by block, keeping at most `keep` bytes and giving up past `cap`. */
function streamed(bytes: Uint8Array, cap: number, keep: number): { bytes: Uint8Array; over: boolean } {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let kept = 0;
  const decoder = new Decompress((chunk) => {
    total += chunk.length;
    if (kept < keep) {
      const part = chunk.subarray(0, keep - kept);
      chunks.push(part.slice());
      kept += part.length;
    }
    if (total > cap) throw new CapReached();
  });
  try {
    decoder.push(bytes, true);
  } catch (error) {
    if (!(error instanceof CapReached)) throw error;
    return { bytes: Buffer.concat(chunks), over: true };
  }
  return { bytes: Buffer.concat(chunks), over: false };
}

/**
 * Decompresses one zstd frame of at most `maxBytes` output. A larger one yields its first
 * `prefixBytes` bytes and the reason; a frame that is not zstd throws the decoder's error.
 */
export function decodeZstdBounded(bytes: Uint8Array, maxBytes: number, prefixBytes: number): ZstdOutcome {
  const tooLarge = `event_zstd decompresses to more than ${maxBytes} bytes (the row limit)`;
  if (native) {
    try {
      return { ok: true, bytes: native(bytes, { maxOutputLength: maxBytes }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ERR_BUFFER_TOO_LARGE") throw error;
      // Only the prefix is wanted now, so fzstd stops after its first block or so.
      return { ok: false, prefix: streamed(bytes, prefixBytes, prefixBytes).bytes, reason: tooLarge };
    }
  }
  const out = streamed(bytes, maxBytes, maxBytes);
  return out.over ? { ok: false, prefix: out.bytes.subarray(0, prefixBytes), reason: tooLarge } : { ok: true, bytes: out.bytes };
}

/** The first bytes (up to `prefixBytes`) that the start of a frame decodes to; never throws (a cut frame ends early). */
export function zstdPrefix(bytes: Uint8Array, prefixBytes: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let kept = 0;
  const decoder = new Decompress((chunk) => {
    chunks.push(chunk.slice(0, prefixBytes - kept));
    kept += Math.min(chunk.length, prefixBytes - kept);
    if (kept >= prefixBytes) throw new CapReached();
  });
  try {
    decoder.push(bytes, false);
  } catch {
    // Enough, or the frame is cut or broken: what came out so far is the prefix.
  }
  return Buffer.concat(chunks);
}
