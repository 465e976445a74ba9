/** Where a case keeps each source's records. */
import type { SourceName } from "../sources.js";

/**
 * The case table holding one source's records (`records_gateway_log`), `r` with that source's
 * fields only; the events SQL reads it, and `records` is a view over them all.
 */
export function recordsTableName(source: SourceName): string {
  return `records_${source.replace(/-/g, "_")}`;
}
