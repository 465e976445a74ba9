/**
 * One database row as the record the collector sends: the OpenClaw event itself (a transcript
 * entry, a ledger row) plus `oclog_id` (stable per row, so a re-sent record is recognisable)
 * and, for transcripts, `oclog_path` naming store and session the way a tailed transcript file
 * would. A row that does not decode, is over a bound (row-bounds.ts) or fails its schema is still
 * sent, marked `oclog_invalid`, with the start of its raw text in `log`.
 */
import { ENVELOPE_FIELDS, SOURCES, nestsDeeperThan, parseRecord, type SourceName } from "@oclog/schema";
import type { Store } from "./store-discovery.js";
import type { ConfigAuditRow, LedgerRow, TranscriptRow } from "./store-reader.js";
import type { FileLineRow } from "./jsonl-file-reader.js";
import { MAX_RECORD_DEPTH, MAX_ROW_BYTES, RAW_PREFIX } from "./row-bounds.js";
import { decodeZstdBounded, zstdPrefix } from "./zstd.js";

export interface CollectedRecord {
  source: SourceName;
  /** Milliseconds since the epoch: the row's own time. */
  time: number;
  record: Record<string, unknown>;
  /** Set when the record is a marked invalid one whose raw text was cut to its first characters. */
  truncated?: true;
}

/** A row that could not become a record as it is: why, and the start of its raw text. */
interface Unusable {
  problem: string;
  raw?: string;
  /** The raw text was cut (counted in the cycle's `truncated`). */
  truncated: boolean;
}

// Characters a secret token is made of (keys, bearer tokens, base64, SAS values).
const TOKEN_TAIL = /[A-Za-z0-9_\-.~+/=]+$/;

/**
 * The first RAW_PREFIX characters of text that goes on longer. The cut can fall inside a secret,
 * and a key cut shorter than its pattern's minimum would pass redaction: the token the cut
 * falls in is dropped.
 */
function headOf(text: string): string {
  return text.slice(0, RAW_PREFIX).replace(TOKEN_TAIL, "");
}

/** The first RAW_PREFIX characters of `text`, and whether anything was cut. */
function prefixOf(text: string): { raw: string; truncated: boolean } {
  return text.length > RAW_PREFIX ? { raw: headOf(text), truncated: true } : { raw: text, truncated: false };
}

const utf8 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");

/** A value as text: SQLite's dynamic typing lets any column hold a number or a blob. */
function asText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return utf8(value);
  return String(value);
}

/** The row's JSON text, or why there is none to parse. */
function transcriptText(row: TranscriptRow, maxRowBytes: number): { text: string } | Unusable {
  if (row.event_json !== null && row.event_json !== undefined) return { text: asText(row.event_json) };
  if ((row.event_json_bytes ?? 0) > maxRowBytes) {
    const raw = row.event_json_prefix === null || row.event_json_prefix === undefined ? undefined : headOf(asText(row.event_json_prefix));
    return { problem: `event_json is ${row.event_json_bytes} bytes, over the ${maxRowBytes}-byte row limit${raw === undefined ? " (too large to read even its start)" : ""}`, ...(raw === undefined ? {} : { raw }), truncated: true };
  }
  if ((row.event_zstd_bytes ?? 0) > maxRowBytes) {
    const raw = row.event_zstd_prefix === null || row.event_zstd_prefix === undefined ? undefined : headOf(utf8(zstdPrefix(row.event_zstd_prefix, RAW_PREFIX * 4)));
    return { problem: `event_zstd is ${row.event_zstd_bytes} bytes compressed, over the ${maxRowBytes}-byte row limit${raw === undefined ? " (too large to read even its start)" : ""}`, ...(raw === undefined ? {} : { raw }), truncated: true };
  }
  if (row.event_zstd === null || row.event_zstd === undefined) return { problem: "row has neither event_json nor event_zstd", truncated: false };
  const compressed = typeof row.event_zstd === "string" ? Buffer.from(row.event_zstd) : row.event_zstd;
  let outcome;
  try {
    outcome = decodeZstdBounded(compressed, maxRowBytes, RAW_PREFIX * 4);
  } catch (error) {
    return { problem: `event_zstd does not decompress: ${(error as Error).message}`, ...prefixOf(Buffer.from(compressed).toString("base64")) };
  }
  if (!outcome.ok) return { problem: outcome.reason, raw: headOf(utf8(outcome.prefix)), truncated: true };
  return { text: utf8(outcome.bytes) };
}

/** Parses `text`, refusing values nested deeper than the encoder and the spool can take. */
function parseBounded(text: string, what: string): { event: unknown } | Unusable {
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch (error) {
    return { problem: `${what} is not JSON: ${(error as Error).message}`, ...prefixOf(text) };
  }
  if (nestsDeeperThan(event, MAX_RECORD_DEPTH)) return { problem: `${what} nests deeper than ${MAX_RECORD_DEPTH} levels`, ...prefixOf(text) };
  return { event };
}

/** The marked invalid record of a row: envelope, the mark and the raw prefix (`log`), as the investigator quarantines it. */
function unusable(source: SourceName, time: number, base: Record<string, unknown>, u: Unusable): CollectedRecord {
  const record: Record<string, unknown> = { ...base, [ENVELOPE_FIELDS.invalid]: u.problem };
  if (u.raw !== undefined) record[ENVELOPE_FIELDS.rawLine] = u.raw;
  return { source, time, record, ...(u.truncated ? { truncated: true } : {}) };
}

function marked(source: SourceName, value: unknown, base: Record<string, unknown>): Record<string, unknown> {
  const isObject = typeof value === "object" && value !== null && !Array.isArray(value);
  const record: Record<string, unknown> = isObject ? { ...(value as Record<string, unknown>), ...base } : { ...base, [ENVELOPE_FIELDS.rawLine]: prefixOf(JSON.stringify(value)).raw };
  const parsed = parseRecord(SOURCES[source], isObject ? value : record);
  if (!parsed.ok) record[ENVELOPE_FIELDS.invalid] = parsed.reason;
  return record;
}

/** A transcript_events row as a `transcript` record (`maxRowBytes`: the limit the reader applied, for the message). */
export function transcriptRecord(store: Store, row: TranscriptRow, maxRowBytes = MAX_ROW_BYTES): CollectedRecord {
  const base = {
    [ENVELOPE_FIELDS.id]: `${store.name}#${row.session_id}/${row.seq}`,
    [ENVELOPE_FIELDS.path]: `${store.name}/transcript_events/${row.session_id}.jsonl`,
  };
  const text = transcriptText(row, maxRowBytes);
  const decoded = "text" in text ? parseBounded(text.text, "event") : text;
  if ("problem" in decoded) return unusable("transcript", row.created_at, { ...base, session_id: row.session_id, seq: row.seq }, decoded);
  const record = marked("transcript", decoded.event, base);
  const stamp = typeof record.timestamp === "string" ? Date.parse(record.timestamp) : Number.NaN;
  return { source: "transcript", time: Number.isFinite(stamp) ? stamp : row.created_at, record };
}

/**
 * A line of a JSONL session file (2026.6, 2026.7) as a `transcript` or `trajectory` record:
 * the line itself, with `oclog_id` from the file and the line's byte offset, and `oclog_path`
 * the file, as Fluent Bit's tail would name it. `fallbackTime`: when the line carries no stamp.
 */
export function sessionLineRecord(store: Store, row: FileLineRow, maxRowBytes = MAX_ROW_BYTES, fallbackTime = Date.now()): CollectedRecord {
  const source: SourceName = store.kind === "trajectory" ? "trajectory" : "transcript";
  // A line read whole from a rewritten trajectory file is known by its key: its offset may be an earlier line's.
  const base = { [ENVELOPE_FIELDS.id]: row.key !== undefined ? `${store.name}#h${row.key}` : `${store.name}#${row.offset}`, [ENVELOPE_FIELDS.path]: store.name };
  const decoded: { event: unknown } | Unusable =
    row.text !== null
      ? parseBounded(row.text, "line")
      : { problem: `line is ${row.bytes} bytes, over the ${maxRowBytes}-byte row limit`, raw: headOf(row.prefix ?? ""), truncated: true };
  if ("problem" in decoded) return unusable(source, fallbackTime, base, decoded);
  const record = marked(source, decoded.event, base);
  const stamp = typeof record.timestamp === "string" ? Date.parse(record.timestamp) : typeof record.ts === "string" ? Date.parse(record.ts) : Number.NaN;
  return { source, time: Number.isFinite(stamp) ? stamp : fallbackTime, record };
}

/** An audit_events row as a `ledger` record (the row's columns, as the ledger schema names them). */
export function ledgerRecord(store: Store, row: LedgerRow): CollectedRecord {
  const { position, ...columns } = row;
  const id = typeof columns.event_id === "string" ? columns.event_id : `${store.name}#${position}`;
  const record = marked("ledger", columns, { [ENVELOPE_FIELDS.id]: id });
  return { source: "ledger", time: typeof columns.occurred_at === "number" ? columns.occurred_at : Date.now(), record };
}

/** A diagnostic_events config-audit row as a `config-audit` record (its payload, as the file form had it). */
export function configAuditRecord(store: Store, row: ConfigAuditRow, maxRowBytes = MAX_ROW_BYTES): CollectedRecord {
  const base = { [ENVELOPE_FIELDS.id]: `${store.name}#${row.event_key}` };
  let decoded: { event: unknown } | Unusable;
  if (row.payload_json !== null && row.payload_json !== undefined) decoded = parseBounded(asText(row.payload_json), "payload_json");
  else if ((row.payload_bytes ?? 0) > maxRowBytes) {
    const raw = row.payload_prefix === null || row.payload_prefix === undefined ? undefined : headOf(asText(row.payload_prefix));
    decoded = { problem: `payload_json is ${row.payload_bytes} bytes, over the ${maxRowBytes}-byte row limit${raw === undefined ? " (too large to read even its start)" : ""}`, ...(raw === undefined ? {} : { raw }), truncated: true };
  } else decoded = { problem: "row has no payload_json", truncated: false };
  if ("problem" in decoded) return unusable("config-audit", row.created_at, base, decoded);
  const payload = decoded.event;
  const record = marked("config-audit", payload, base);
  const stamp = typeof record.ts === "string" ? Date.parse(record.ts) : Number.NaN;
  return { source: "config-audit", time: Number.isFinite(stamp) ? stamp : row.created_at, record };
}
