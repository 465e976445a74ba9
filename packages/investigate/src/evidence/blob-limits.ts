/**
 * How much work one blob may cause. A 5 KB gzip of newlines inflates to 5 million lines, so
 * every blob is bounded in uncompressed bytes, in lines, and in quarantine rows kept (rows
 * beyond that cap are counted, not stored). The defaults sit far above what a real VM uploads
 * (Fluent Bit's azure_blob writes one blob per flush, at most `upload_file_size`, 200 MB by
 * default; OpenClaw records average 1.3 KB, so such a blob holds about 150 000 lines), so only
 * hostile or broken blobs reach them; `oclog investigate` flags raise them.
 */

/** Per-blob bounds on reading evidence. */
export interface BlobLimits {
  /** Uncompressed bytes read from one blob; lines past this are not read (`--max-blob-bytes`). */
  maxBlobBytes: number;
  /** Lines read from one blob (`--max-blob-lines`). */
  maxBlobLines: number;
  /** Quarantine rows stored per blob; the rest are counted only (`--max-quarantine-per-blob`). */
  maxQuarantinePerBlob: number;
}

export const DEFAULT_BLOB_LIMITS: Readonly<BlobLimits> = Object.freeze({
  maxBlobBytes: 1024 * 1024 * 1024,
  maxBlobLines: 1_000_000,
  maxQuarantinePerBlob: 10_000,
});
