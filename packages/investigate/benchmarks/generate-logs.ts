/**
 * Realistic shipped OpenClaw records at a chosen size: real gateway-log and transcript lines
 * from the committed capture, re-timed across a day and re-identified, in Fluent Bit's blob
 * layout (gzip, ~4 MB uncompressed per blob, like a busy VM's flushes).
 *
 * Each pass over the capture is another run of the agent: its session, run, message and tool call
 * ids are new (the same within the pass, so a result still names its call and a message its
 * parent). Replayed with the capture's own ids, a 4 GB case held 111,000 tool calls under 7 call
 * ids and one gateway session, which no real case looks like.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { blobNameV5, shippedRecord } from "@oclog/test-kit/demo";

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
/** The capture's tool call ids (`call_exec_ok`), also inside keys such as `tool:call_exec_ok:<ms>`. */
const CALL_ID = /\bcall_[A-Za-z0-9_]+/g;

/** Gives every id in a line its value for one pass (`pass`) of one generation (`salt`). */
function reidentifier(salt: string): (line: string, pass: number) => string {
  let current = -1;
  const uuids = new Map<string, string>();
  return (line, pass) => {
    if (pass !== current) {
      current = pass;
      uuids.clear();
    }
    return line
      .replace(UUID, (uuid) => {
        let mapped = uuids.get(uuid);
        if (mapped === undefined) {
          const h = createHash("sha256").update(`${salt}:${pass}:${uuid}`).digest("hex");
          mapped = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
          uuids.set(uuid, mapped);
        }
        return mapped;
      })
      .replace(CALL_ID, (id) => `${id}_${salt}${pass < 0 ? `t${-pass}` : `g${pass}`}`);
  };
}

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
  // Per generation, so another day's logs never reuse this one's ids.
  const reidentify = reidentifier(randomBytes(4).toString("hex"));
  let gatewayLines = 0;
  let transcriptLines = 0;
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
        const pass = Math.floor(gatewayLines / gateway.length);
        const record = JSON.parse(reidentify(gateway[gatewayLines++ % gateway.length]!, pass)) as Record<string, unknown> & { _meta?: Record<string, unknown> };
        record.time = iso.replace("Z", "+00:00");
        if (record._meta) record._meta = { ...record._meta, date: iso };
        line = JSON.stringify(record);
      } else {
        // Passes over the transcript are told apart from the gateway's (another id space).
        const pass = -1 - Math.floor(transcriptLines / transcript.length);
        const record = JSON.parse(reidentify(transcript[transcriptLines++ % transcript.length]!, pass)) as Record<string, unknown>;
        record.timestamp = iso;
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
