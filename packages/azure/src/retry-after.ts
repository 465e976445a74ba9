/** Reading how long an Azure service asks a client to wait before trying again. */

/** Milliseconds the service asked to wait: retry-after-ms, x-ms-retry-after-ms, or Retry-After (seconds or HTTP date); null when it did not say. */
export function parseRetryAfterMs(headers: { get(name: string): string | undefined | null }, now: number = Date.now()): number | null {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const text = headers.get(name);
    const value = Number(text);
    if (text !== undefined && text !== null && text.trim() !== "" && Number.isFinite(value) && value >= 0) return value;
  }
  const header = headers.get("retry-after")?.trim();
  if (!header) return null;
  if (/^\d+(\.\d+)?$/.test(header)) return Math.round(Number(header) * 1000);
  // An HTTP date names its day and month; Date.parse would read "-3" as a year, so insist on letters.
  if (!/[a-z]/i.test(header)) return null;
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}
