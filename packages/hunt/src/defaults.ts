/**
 * The defaults `oclog hunt` and `oclog ingest` show in --help, in a module with no imports so the
 * CLI need not load the Azure SDKs to print them (the `@oclog/hunt/defaults` export).
 */

/** Detection queries in flight at once (`hunt --concurrency`). */
export const HUNT_CONCURRENCY = 3;
/** Server-side limit per query (Prefer: wait), `hunt --timeout`: the API's own default; it allows at most 600 s. */
export const DEFAULT_SERVER_TIMEOUT_SECONDS = 180;
/** Ingestion requests in flight at once (`ingest --concurrency`). */
export const INGEST_CONCURRENCY = 5;
