/**
 * The defaults `oclog investigate` shows in --help, in modules with no runtime imports so the CLI
 * need not load DuckDB or the Azure SDK to print them (the `@oclog/investigate/defaults` export).
 */

/** Blob downloads in flight at once. */
export const DEFAULT_CONCURRENCY = 8;
export { DEFAULT_BLOB_LIMITS } from "./blob-limits.js";
export { SEVERITIES } from "./finding.js";
