/**
 * The normalized events of a case folder, blob by blob, as rows for the `OclogEvents_CL` stream.
 * They come from the case database that `oclog investigate` built from hashed evidence, so what
 * lands in Log Analytics is exactly what the case's detections ran on. Each event is checked
 * against the `Event` schema on the way out; one that does not pass is reported with its blob
 * and line, never sent.
 */
import { OclogError } from "@oclog/errors";
import { openCaseReadOnly, type CaseManifest } from "@oclog/investigate";
import { Event, eventToDcrRow } from "@oclog/schema";

/** One blob's events as DCR rows, with where each came from. */
export interface BlobEvents {
  blob: string;
  /** SHA-256 of the evidence file, from the manifest: the ledger's key, so a renamed copy is not sent twice. */
  sha256: string;
  rows: { row: Record<string, unknown>; line: number | null }[];
  invalid: { line: number | null; problems: string[] }[];
}

// `time` leaves DuckDB as ISO 8601 UTC with microseconds, the form `Event.time` takes.
const EVENTS_OF_BLOB = `SELECT to_json(e)::VARCHAR AS j FROM (
  SELECT * REPLACE (strftime(time, '%Y-%m-%dT%H:%M:%S.%fZ') AS time) FROM events WHERE blob IS NOT DISTINCT FROM $1
) e ORDER BY line, j`;

/** Opens `<caseDir>/case.duckdb` read-only and yields each evidence blob's events, in manifest order. */
export async function* readCaseEvents(caseDir: string, manifest: CaseManifest): AsyncGenerator<BlobEvents> {
  const { path, connection, close } = await openCaseReadOnly(caseDir);
  try {
    const perBlob = (await connection.runAndReadAll("SELECT blob, count(*) FROM events GROUP BY blob")).getRows();
    const orphans = perBlob.filter(([blob]) => blob === null || !Object.hasOwn(manifest.evidence, String(blob)));
    if (orphans.length > 0) {
      const count = orphans.reduce((sum, [, n]) => sum + Number(n), 0);
      throw new OclogError("E_INGEST_CASE", `${count} event(s) in ${path} come from no evidence file in manifest.json`, {
        hint: "the case database does not match its evidence; run `oclog case verify` and rerun `oclog investigate` for this case",
        context: { caseDir, blobs: orphans.map(([blob]) => blob).slice(0, 5) },
      });
    }
    const statement = await connection.prepare(EVENTS_OF_BLOB);
    for (const [blob, entry] of Object.entries(manifest.evidence)) {
      statement.bindVarchar(1, blob);
      const reader = await statement.runAndReadAll();
      const out: BlobEvents = { blob, sha256: entry.sha256, rows: [], invalid: [] };
      for (const [text] of reader.getRows()) {
        const { blob: _blob, line, ...fields } = JSON.parse(String(text)) as Record<string, unknown>;
        const lineNumber = typeof line === "number" ? line : null;
        const parsed = Event.safeParse(fields);
        if (parsed.success) out.rows.push({ row: eventToDcrRow(parsed.data), line: lineNumber });
        else out.invalid.push({ line: lineNumber, problems: parsed.error.issues.map((i) => `${i.path.join(".") || "(event)"}: ${i.message}`) });
      }
      yield out;
    }
  } finally {
    close();
  }
}
