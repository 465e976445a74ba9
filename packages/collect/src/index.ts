// @oclog/collect: ships what OpenClaw keeps in SQLite through the Fluent forward protocol.
export { Collector } from "./collector.js";
export type { CollectorOptions, CycleResult, RecordSender } from "./collector.js";
export { discoverStores } from "./store-discovery.js";
export type { Store, StoreKind } from "./store-discovery.js";
export { StoreReader, StoreReadError } from "./store-reader.js";
export { transcriptRecord, ledgerRecord, configAuditRecord } from "./collected-record.js";
export type { CollectedRecord } from "./collected-record.js";
export { CursorFile } from "./cursor-file.js";
export { Spool } from "./spool.js";
export { decodeZstdBounded, zstdPrefix, ZSTD_DECODER } from "./zstd.js";
export type { ZstdOutcome } from "./zstd.js";
export { BATCH_BYTES, MAX_RECORD_DEPTH, MAX_RECORD_BYTES, MAX_ROW_BYTES, PREFIX_SOURCE_MAX_BYTES, RAW_PREFIX } from "./row-bounds.js";
export { SQLITE_DRIVER } from "./sqlite-driver.js";
