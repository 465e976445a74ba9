/**
 * The defaults `oclog investigate` shows in --help, in modules with no runtime imports so the CLI
 * need not load DuckDB or the Azure SDK to print them (the `@oclog/investigate/defaults` export).
 */

/** Blob downloads in flight at once (`--concurrency`). */
export const DEFAULT_CONCURRENCY = 8;
/** The environment variable holding a read/list SAS for `--account-url` (`--sas-env`). */
export const DEFAULT_SAS_ENV = "AZURE_STORAGE_SAS";
/** A user's container name (`--container-template`). */
export const DEFAULT_CONTAINER_TEMPLATE = "oclog-{user}";
export { DEFAULT_BLOB_LIMITS } from "./evidence/blob-limits.js";
export { SEVERITIES } from "@oclog/detections";
