/**
 * Records as the spool stores them, sized so the collector can cut batches by bytes. A batch is
 * what the sender puts in flight at once, and the emitter packs it into one forward message:
 * Fluent Bit's forward input never acknowledges a message over its buffer_max_size (6M by
 * default), so a batch of big rows would wait in the spool forever and hold back every batch
 * after it.
 */
import { ENVELOPE_FIELDS } from "@oclog/schema";
import type { CollectedRecord } from "./collected-record.js";
import { MAX_RECORD_BYTES, RAW_PREFIX } from "./row-bounds.js";
import { wireSize } from "./wire-size.js";

/** A record with its JSON text (as the spool stores it) and its size: the larger of that text's and its MessagePack form's. */
export interface EncodedRecord {
  record: CollectedRecord;
  json: string;
  bytes: number;
}

/**
 * The record as JSON; a record over MAX_RECORD_BYTES in either form (redaction can lengthen a
 * row at the limit; numbers grow on the wire) becomes its marked invalid stand-in: its
 * envelope, the reason and its first characters.
 */
export function encodeRecord(record: CollectedRecord): EncodedRecord {
  const json = JSON.stringify(record);
  const bytes = Math.max(Buffer.byteLength(json), wireSize(record.record));
  if (bytes <= MAX_RECORD_BYTES) return { record, json, bytes };
  const envelope = Object.fromEntries(Object.entries(record.record).filter(([k]) => k.startsWith("oclog_") && k !== ENVELOPE_FIELDS.invalid));
  const standIn: CollectedRecord = {
    source: record.source,
    time: record.time,
    truncated: true,
    record: { ...envelope, [ENVELOPE_FIELDS.invalid]: `the record is ${bytes} bytes (as JSON or as sent), over the ${MAX_RECORD_BYTES}-byte limit`, [ENVELOPE_FIELDS.rawLine]: JSON.stringify(record.record).slice(0, RAW_PREFIX) },
  };
  const standInJson = JSON.stringify(standIn);
  return { record: standIn, json: standInJson, bytes: Buffer.byteLength(standInJson) };
}
