/**
 * Realistic shipped OpenClaw records at a chosen size: real gateway-log and transcript lines
 * from the committed capture, re-timed across a day and re-identified, in Fluent Bit's blob
 * layout (gzip, ~4 MB uncompressed per blob, like a busy VM's flushes).
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { blobNameV5, shippedRecord } from "@oclog/test-kit/demo";

const FIXTURES = fileURLToPath(new URL("../../../test/fixtures/openclaw-2026.9.6/", import.meta.url));
const BLOB_BYTES = 4 * 1024 * 1024;

export interface GeneratedLogs {
  dir: string;
  blobs: string[];
  records: number;
  uncompressedBytes: number;
  compressedBytes: number;
}

/** Writes at least `targetBytes` of uncompressed records as .gz blobs under `dir`, stamped within the day from `startMs`. */
export function generateLogs(dir: string, targetBytes: number, user = "alice", startMs = Date.parse("2026-11-24T00:00:00Z"), blobBytes = BLOB_BYTES): GeneratedLogs {
  const gateway = readFileSync(join(FIXTURES, "gateway.log"), "utf8").split("\n").filter(Boolean);
  const transcript = readFileSync(join(FIXTURES, "transcripts.jsonl"), "utf8").split("\n").filter(Boolean);
  const start = startMs;
  const spanMs = 24 * 3600_000;
  let uncompressed = 0;
  let compressed = 0;
  let records = 0;
  const blobs: string[] = [];
  let t = start;
  let i = 0;
  while (uncompressed < targetBytes) {
    const source = i % 5 === 4 ? "transcript" : "gateway";
    const lines: string[] = [];
    let size = 0;
    const sessionPath = `/var/lib/oclog/transcripts/session-${randomUUID()}.jsonl`;
    while (size < blobBytes) {
      t += 40;
      const ms = start + ((t - start) % spanMs);
      const iso = new Date(ms).toISOString();
      let line: string;
      if (source === "gateway") {
        const record = JSON.parse(gateway[records % gateway.length]!) as Record<string, unknown> & { _meta?: Record<string, unknown> };
        record.time = iso.replace("Z", "+00:00");
        if (record._meta) record._meta = { ...record._meta, date: iso };
        line = JSON.stringify(record);
      } else {
        const record = JSON.parse(transcript[records % transcript.length]!) as Record<string, unknown>;
        record.timestamp = iso;
        record.id = randomUUID();
        line = JSON.stringify(record);
      }
      const shipped = shippedRecord(line, ms, { user, host: "vm-alice", source, ...(source === "transcript" ? { path: sessionPath } : {}) });
      lines.push(shipped);
      size += shipped.length + 1;
      records++;
    }
    const text = `${lines.join("\n")}\n`;
    const gz = gzipSync(text, { level: 1 });
    const name = blobNameV5(user, `openclaw.${source}`, start + ((t - start) % spanMs) + 2_000);
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, gz);
    blobs.push(name);
    uncompressed += Buffer.byteLength(text);
    compressed += gz.length;
    i++;
  }
  return { dir, blobs, records, uncompressedBytes: uncompressed, compressedBytes: compressed };
}
