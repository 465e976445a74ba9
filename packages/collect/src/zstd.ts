/**
 * OpenClaw stores large transcript events zstd-compressed (`event_zstd`). Node >= 22.15 has a
 * zstd decoder in zlib (the VM runs Node 24); Node 20 does not, so there the pure-JS `fzstd`
 * decoder (decompression only, maintained, no native build) does the work.
 */
import * as zlib from "node:zlib";
import { decompress } from "fzstd";

type ZstdDecompressSync = (buffer: Uint8Array) => Buffer;
const native = (zlib as unknown as { zstdDecompressSync?: ZstdDecompressSync }).zstdDecompressSync;

/** Which decoder this process uses (for `oclog collect --json` and the benchmark). */
export const ZSTD_DECODER: "node:zlib" | "fzstd" = native ? "node:zlib" : "fzstd";

/** Decompresses one zstd frame. */
export function decodeZstd(bytes: Uint8Array): Uint8Array {
  return native ? native(bytes) : decompress(bytes);
}
