/**
 * The defaults `oclog investigate` shows in --help, in modules with no runtime imports so the CLI
 * need not load DuckDB or the Azure SDK to print them (the `@oclog/investigate/defaults` export);
 * also the internal concurrencies, so every "how many at once" of the package is in one place.
 */

/** Blob downloads in flight at once (`--concurrency`). */
export const DEFAULT_CONCURRENCY = 8;
/**
 * Evidence files the load measures at once when their lines were not measured at download (not
 * an option): libuv's default pool size, where the gunzips run (1 GB on 2 cores: 1.64 s one at a
 * time, 1.02 s two, 0.88 s four).
 */
export const MEASURE_CONCURRENCY = 4;
/** Evidence files re-hashed at once when a case is opened again (not an option). */
export const HASH_CONCURRENCY = 4;
/** The environment variable holding a read/list SAS for `--account-url` (`--sas-env`). */
export const DEFAULT_SAS_ENV = "AZURE_STORAGE_SAS";
/** A user's container name (`--container-template`). */
export const DEFAULT_CONTAINER_TEMPLATE = "oclog-{user}";
export { DEFAULT_BLOB_LIMITS } from "./evidence/blob-limits.js";
export { SEVERITIES } from "@oclog/detections";
