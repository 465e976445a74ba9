/**
 * Records and blob names exactly as Fluent Bit's azure_blob output writes them (see
 * shared/fluent-bit/samples): the source line's fields merged at top level after `@timestamp`,
 * the raw line in `log`, then the record_modifier's envelope; blobs named
 * `<path>/<tag>.<64 random>.<upload epoch-ms>.gz`, path templated the 5.x way.
 */
import { randomBytes } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Fluent Bit's `@timestamp`: ISO 8601 UTC with microseconds. */
export function fluentTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000Z`;
}

/** One shipped record: `@timestamp`, the source fields, `oclog_path` (if any), `log`, envelope. */
export function shippedRecord(
  line: string,
  timeMs: number,
  envelope: { user: string; host: string; source: string; path?: string },
): string {
  const fields = JSON.parse(line) as Record<string, unknown>;
  const record: Record<string, unknown> = { "@timestamp": fluentTimestamp(timeMs), ...fields };
  if (envelope.path !== undefined) record.oclog_path = envelope.path;
  record.log = line;
  record.oclog_user = envelope.user;
  record.oclog_host = envelope.host;
  record.oclog_source = envelope.source;
  return JSON.stringify(record);
}

/** A 5.x blob name: `oclog/<user>/<tag>/%Y/%m/%d/%H/<tag>.<64 random>.<epoch-ms>.gz` (upload time). */
export function blobNameV5(user: string, tag: string, uploadMs: number, random = randomName()): string {
  const d = new Date(uploadMs);
  const pad = (n: number) => String(n).padStart(2, "0");
  const path = `oclog/${user}/${tag}/${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCHours())}`;
  return `${path}/${tag}.${random}.${uploadMs}.gz`;
}

/** 64 random alphanumerics, like Fluent Bit's blob name component. */
export function randomName(): string {
  const bytes = randomBytes(64);
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join("");
}
