// Reads OpenClaw's SQLite state with the Node 24 binary (node:sqlite and
// zlib.zstdDecompressSync do not exist on the Node 20 that runs our tests).
//
// The child only reads: it opens every database read-only and emits JSON lines
// for the tables we capture plus an inventory (names, columns, row counts) of
// every table, so schema drift in a new OpenClaw release is visible.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OpenClawInstall } from "./install.js";

/** A BLOB column as it appears in a dumped row (the bytes themselves are not kept). */
export interface BlobInfo {
  encoding: "zstd" | "unknown";
  bytes: number;
  decodedBytes?: number;
  base64?: string;
}

/** One dumped row. */
export interface DumpedRow {
  kind: "event" | "audit" | "config-audit";
  db: string;
  table: string;
  row: Record<string, unknown>;
  // Column name -> decompressed UTF-8 text, for BLOB columns that were zstd.
  decoded: Record<string, string>;
  compressedColumns: string[];
}

/** One table of one database. */
export interface TableInventory {
  db: string;
  table: string;
  rows: number;
  columns: string[];
  sql: string;
}

/** Everything read from the state directory. */
export interface SqliteDump {
  rows: DumpedRow[];
  inventory: TableInventory[];
}

const DUMP_SCRIPT = `
import { DatabaseSync } from "node:sqlite";
import zlib from "node:zlib";
import fs from "node:fs";
import path from "node:path";
const stateDir = process.env.OCLOG_STATE_DIR;
const out = fs.openSync(process.env.OCLOG_DUMP_OUT, "w");
const emit = (o) => fs.writeSync(out, JSON.stringify(o) + "\\n");
const files = [];
const walk = (dir) => {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    // Lock files are empty or single-row coordination databases, not data.
    else if (e.isFile() && e.name.endsWith(".sqlite") && !/lock|generation-writer/.test(e.name)) files.push(p);
  }
};
walk(stateDir);
files.sort();
for (const file of files) {
  const rel = path.relative(stateDir, file);
  let db;
  try { db = new DatabaseSync(file, { readOnly: true }); } catch (err) { emit({ type: "error", db: rel, error: String(err) }); continue; }
  const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
  for (const { name, sql } of tables) {
    const q = '"' + name.replaceAll('"', '""') + '"';
    let info, count;
    try {
      info = db.prepare("PRAGMA table_info(" + q + ")").all();
      count = Number(db.prepare("SELECT count(*) AS c FROM " + q).get().c);
    } catch (err) { emit({ type: "error", db: rel, table: name, error: String(err) }); continue; }
    const columns = info.map((c) => c.name);
    emit({ type: "inventory", db: rel, table: name, rows: count, columns, sql: sql ?? "" });
    let kind = null, where = "";
    if (columns.includes("event_json")) kind = "event";
    else if (name === "audit_events") kind = "audit";
    else if (name === "diagnostic_events") { kind = "config-audit"; where = " WHERE scope = 'config-audit'"; }
    if (!kind) continue;
    const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => '"' + c.name + '"');
    const order = pk.length ? " ORDER BY " + pk.join(", ") : "";
    for (const row of db.prepare("SELECT * FROM " + q + where + order).iterate()) {
      const decoded = {}, compressedColumns = [];
      for (const [k, v] of Object.entries(row)) {
        if (typeof v === "bigint") row[k] = Number(v);
        if (!(v instanceof Uint8Array)) continue;
        try {
          const text = zlib.zstdDecompressSync(v).toString("utf8");
          decoded[k] = text;
          compressedColumns.push(k);
          row[k] = { encoding: "zstd", bytes: v.length, decodedBytes: Buffer.byteLength(text) };
        } catch {
          row[k] = { encoding: "unknown", bytes: v.length, base64: Buffer.from(v).toString("base64") };
        }
      }
      emit({ type: "row", kind, db: rel, table: name, row, decoded, compressedColumns });
    }
  }
  db.close();
}
fs.closeSync(out);
`;

/** Dumps transcript/trajectory event tables, the audit ledger and config-audit rows from stateDir. */
export async function dumpOpenClawSqlite(install: OpenClawInstall, stateDir: string): Promise<SqliteDump & { errors: string[] }> {
  const tmp = mkdtempSync(join(tmpdir(), "oclog-sqlite-dump-"));
  const outFile = join(tmp, "dump.jsonl");
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(install.nodeBin, ["--no-warnings", "--input-type=module", "-e", DUMP_SCRIPT], {
        env: { PATH: process.env.PATH ?? "", OCLOG_STATE_DIR: stateDir, OCLOG_DUMP_OUT: outFile },
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
      child.once("error", reject);
      child.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`sqlite dump failed (exit ${code}): ${stderr}`))));
    });
    const rows: DumpedRow[] = [];
    const inventory: TableInventory[] = [];
    const errors: string[] = [];
    for (const line of readFileSync(outFile, "utf8").split("\n")) {
      if (!line) continue;
      const o = JSON.parse(line) as { type: string } & Record<string, unknown>;
      if (o.type === "inventory") inventory.push(o as unknown as TableInventory & { type: string });
      else if (o.type === "row") rows.push(o as unknown as DumpedRow & { type: string });
      else errors.push(`${String(o.db)}${o.table ? `:${String(o.table)}` : ""}: ${String(o.error)}`);
    }
    for (const r of [...rows, ...inventory] as Array<{ type?: string }>) delete r.type;
    return { rows, inventory, errors };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
