/**
 * One database row as the record the collector sends: the OpenClaw event itself (a transcript
 * entry, a ledger row) plus `oclog_id` (stable per row, so a re-sent record is recognisable)
 * and, for transcripts, `oclog_path` naming store and session the way a tailed transcript file
 * would. A row that does not decode or fails its schema is still sent, marked `oclog_invalid`.
 */
import { ENVELOPE_FIELDS, SOURCES, parseRecord, type SourceName } from "@oclog/schema";
import type { Store } from "./store-discovery.js";
import type { ConfigAuditRow, LedgerRow, TranscriptRow } from "./store-reader.js";
import { decodeZstd } from "./zstd.js";

export interface CollectedRecord {
  source: SourceName;
  /** Milliseconds since the epoch: the row's own time. */
  time: number;
  record: Record<string, unknown>;
}

const RAW_PREFIX = 2_000;

function decodeTranscript(row: TranscriptRow): { event?: unknown; raw?: string; problem?: string } {
  let text: string;
  if (row.event_json !== null) text = row.event_json;
  else if (row.event_zstd !== null) {
    try {
      text = Buffer.from(decodeZstd(row.event_zstd)).toString("utf8");
    } catch (error) {
      return { raw: Buffer.from(row.event_zstd).toString("base64").slice(0, RAW_PREFIX), problem: `event_zstd does not decompress: ${(error as Error).message}` };
    }
  } else return { problem: "row has neither event_json nor event_zstd" };
  try {
    return { event: JSON.parse(text) };
  } catch (error) {
    return { raw: text.slice(0, RAW_PREFIX), problem: `event is not JSON: ${(error as Error).message}` };
  }
}

function marked(source: SourceName, value: unknown, base: Record<string, unknown>): Record<string, unknown> {
  const isObject = typeof value === "object" && value !== null && !Array.isArray(value);
  const record: Record<string, unknown> = isObject ? { ...(value as Record<string, unknown>), ...base } : { ...base, [ENVELOPE_FIELDS.rawLine]: JSON.stringify(value).slice(0, RAW_PREFIX) };
  const parsed = parseRecord(SOURCES[source], isObject ? value : record);
  if (!parsed.ok) record[ENVELOPE_FIELDS.invalid] = parsed.reason;
  return record;
}

/** A transcript_events row as a `transcript` record. */
export function transcriptRecord(store: Store, row: TranscriptRow): CollectedRecord {
  const base = {
    [ENVELOPE_FIELDS.id]: `${store.name}#${row.session_id}/${row.seq}`,
    [ENVELOPE_FIELDS.path]: `${store.name}/transcript_events/${row.session_id}.jsonl`,
  };
  const decoded = decodeTranscript(row);
  if (decoded.problem) {
    return { source: "transcript", time: row.created_at, record: { ...base, session_id: row.session_id, seq: row.seq, [ENVELOPE_FIELDS.invalid]: decoded.problem, ...(decoded.raw ? { [ENVELOPE_FIELDS.rawLine]: decoded.raw } : {}) } };
  }
  const record = marked("transcript", decoded.event, base);
  const stamp = typeof record.timestamp === "string" ? Date.parse(record.timestamp) : Number.NaN;
  return { source: "transcript", time: Number.isFinite(stamp) ? stamp : row.created_at, record };
}

/** An audit_events row as a `ledger` record (the row's columns, as the ledger schema names them). */
export function ledgerRecord(store: Store, row: LedgerRow): CollectedRecord {
  const { position, ...columns } = row;
  const id = typeof columns.event_id === "string" ? columns.event_id : `${store.name}#${position}`;
  const record = marked("ledger", columns, { [ENVELOPE_FIELDS.id]: id });
  return { source: "ledger", time: typeof columns.occurred_at === "number" ? columns.occurred_at : Date.now(), record };
}

/** A diagnostic_events config-audit row as a `config-audit` record (its payload, as the file form had it). */
export function configAuditRecord(store: Store, row: ConfigAuditRow): CollectedRecord {
  const base = { [ENVELOPE_FIELDS.id]: `${store.name}#${row.event_key}` };
  let payload: unknown;
  try {
    payload = JSON.parse(row.payload_json);
  } catch (error) {
    return { source: "config-audit", time: row.created_at, record: { ...base, [ENVELOPE_FIELDS.invalid]: `payload_json is not JSON: ${(error as Error).message}`, [ENVELOPE_FIELDS.rawLine]: row.payload_json.slice(0, RAW_PREFIX) } };
  }
  const record = marked("config-audit", payload, base);
  const stamp = typeof record.ts === "string" ? Date.parse(record.ts) : Number.NaN;
  return { source: "config-audit", time: Number.isFinite(stamp) ? stamp : row.created_at, record };
}
