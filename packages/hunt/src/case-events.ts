/**
 * The normalized events of a case folder, blob by blob, as rows for the `OclogEvents_CL` stream.
 * They come from the case database that `oclog investigate` built from hashed evidence, so what
 * lands in Log Analytics is exactly what the case's detections ran on. Each event is checked
 * against the `Event` schema on the way out; one that does not pass is reported with its blob
 * and line, never sent. A tool call's row also carries `step`, what the case's `tool_steps` table
 * parsed of it at load time, because the KQL twins cannot parse a shell command themselves.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { OclogError } from "@oclog/errors";
import { openCaseReadOnly, type CaseManifest } from "@oclog/investigate";
import { Event, eventToDcrRow, sqlIdentifier, STEP_COLUMN } from "@oclog/schema";

/** One blob's events as DCR rows, with where each came from. */
export interface BlobEvents {
  blob: string;
  /** SHA-256 of the evidence file, from the manifest: the ledger's key, so a renamed copy is not sent twice. */
  sha256: string;
  rows: { row: Record<string, unknown>; line: number | null }[];
  invalid: { line: number | null; problems: string[] }[];
}

// `time` leaves DuckDB as ISO 8601 UTC with microseconds, the form `Event.time` takes.
const ISO_TIME = "'%Y-%m-%dT%H:%M:%S.%fZ'";
const EVENTS = `SELECT * REPLACE (strftime(time, ${ISO_TIME}) AS time) FROM events WHERE blob IS NOT DISTINCT FROM $1`;
// The row order is the ledger's index space (pending rows are kept by index): `step` must not change it.
const EVENTS_OF_BLOB = `SELECT to_json(e)::VARCHAR AS j, NULL AS step FROM (${EVENTS}) e ORDER BY e.line, j`;

/**
 * The taint columns of `tool_steps`, sent under their own names; every `step_*` column is sent
 * without its prefix, so a step column added to the loader later reaches the twins unasked.
 */
const TAINT_COLUMN = /^(tainted|taint_[a-z_]+|fetched_hosts|secret_read_before)$/;
/** Stays in the case: the whole classification with its reasons, evidence rather than a filter, and unbounded (a field over 64 KB is truncated by the service, which would cost the flat fields beside it). */
const KEPT_IN_CASE = new Set(["step_class"]);
/** How a `tool_steps` row is matched to its call's `events` row, beyond blob and line (one transcript line holds several calls). */
const CALL_KEYS: Record<string, string> = { call_id: "e.gen_ai.tool.call.id", tool: "e.gen_ai.tool.name" };


/**
 * The query for one blob's events with each tool call's `step`, built from the columns the case's
 * `tool_steps` has; the plain events query when it has none (a case made before tool_steps).
 */
async function eventsOfBlobQuery(connection: DuckDBConnection, caseDir: string): Promise<string> {
  const columns = (await connection.runAndReadAll(
    "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' AND table_name = 'tool_steps' ORDER BY ordinal_position",
  )).getRows().map(([name, type]) => ({ name: String(name), type: String(type) }));
  if (columns.length === 0) return EVENTS_OF_BLOB;
  const names = new Set(columns.map((c) => c.name));
  if (!names.has("blob") || !names.has("line")) {
    throw new OclogError("E_INGEST_CASE", "the case's tool_steps table has no blob and line, so its steps cannot be matched to their events", {
      hint: "rerun `oclog investigate` for this case with this version of oclog",
      context: { caseDir, columns: [...names] },
    });
  }
  const sent = columns.filter((c) => !KEPT_IN_CASE.has(c.name) && (c.name.startsWith("step_") || TAINT_COLUMN.test(c.name)));
  if (sent.length === 0) return EVENTS_OF_BLOB;
  const fields = sent.map((c) => {
    const key = c.name.startsWith("step_") ? c.name.slice("step_".length) : c.name;
    // Times as ISO 8601 UTC, like TimeGenerated, rather than DuckDB's own text form.
    const value = c.type.startsWith("TIMESTAMP") ? `strftime(${sqlIdentifier(c.name)}, ${ISO_TIME})` : sqlIdentifier(c.name);
    return `${sqlIdentifier(key)} := ${value}`;
  });
  const keys = ["blob", "line", ...Object.keys(CALL_KEYS).filter((k) => names.has(k))];
  const on = keys.map((k) => (k in CALL_KEYS ? `s.${k} IS NOT DISTINCT FROM ${CALL_KEYS[k]}` : `s.${k} = e.${k}`));
  return `WITH steps AS (
  SELECT ${keys.map((k) => sqlIdentifier(k)).join(", ")}, to_json(struct_pack(${fields.join(", ")}))::VARCHAR AS step
  FROM tool_steps WHERE blob = $1
  -- One step per call even if the table ever held two: a join that doubled an event would send it twice.
  QUALIFY row_number() OVER (PARTITION BY ${keys.map((k) => sqlIdentifier(k)).join(", ")}) = 1
)
SELECT to_json(e)::VARCHAR AS j, s.step FROM (${EVENTS}) e
LEFT JOIN steps s ON e.action = 'tool.call' AND ${on.join(" AND ")}
ORDER BY e.line, j`;
}

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
    const statement = await connection.prepare(await eventsOfBlobQuery(connection, caseDir));
    for (const [blob, entry] of Object.entries(manifest.evidence)) {
      statement.bindVarchar(1, blob);
      const reader = await statement.runAndReadAll();
      const out: BlobEvents = { blob, sha256: entry.sha256, rows: [], invalid: [] };
      for (const [text, step] of reader.getRows()) {
        const { blob: _blob, line, ...fields } = JSON.parse(String(text)) as Record<string, unknown>;
        const lineNumber = typeof line === "number" ? line : null;
        const parsed = Event.safeParse(fields);
        if (parsed.success) {
          const row = eventToDcrRow(parsed.data);
          if (typeof step === "string") row[STEP_COLUMN] = JSON.parse(step);
          out.rows.push({ row, line: lineNumber });
        } else out.invalid.push({ line: lineNumber, problems: parsed.error.issues.map((i) => `${i.path.join(".") || "(event)"}: ${i.message}`) });
      }
      yield out;
    }
  } finally {
    close();
  }
}
