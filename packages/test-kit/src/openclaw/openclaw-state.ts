/**
 * Builds an OpenClaw 2026.9.6 state directory for the collector tests: the databases are created
 * with the exact CREATE TABLE statements the real gateway made (captured in the fixture
 * manifest) and filled with the rows it wrote (the fixture's transcript_events and audit_events
 * rows; transcript rows the gateway stored compressed are compressed again with Debian's `zstd`).
 * Writers use WAL, as OpenClaw does. `append*` add more rows shaped like the real ones.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { assetPath } from "@oclog/schema";
import Database from "better-sqlite3";

const FIXTURES = assetPath("test", "fixtures", "openclaw-2026.9.6");
const manifest = JSON.parse(readFileSync(join(FIXTURES, "manifest.json"), "utf8")) as { sqliteSchemas: Record<string, string> };

interface TranscriptFixtureRow {
  table: string;
  row: { session_id: string; seq: number; event_json: string | null; created_at: number; event_utf8_bytes: number | null; navigation_json: string | null };
  compressedColumns: string[];
  event: unknown;
}

export const TRANSCRIPT_ROWS = readFileSync(join(FIXTURES, "sqlite-event-rows.jsonl"), "utf8")
  .split("\n")
  .filter(Boolean)
  .map((l) => JSON.parse(l) as TranscriptFixtureRow)
  .filter((r) => r.table === "transcript_events");
export const CONFIG_AUDIT_ROWS = readFileSync(join(FIXTURES, "config-audit.jsonl"), "utf8").split("\n").filter(Boolean);
export const LEDGER_ROWS = readFileSync(join(FIXTURES, "audit-ledger.jsonl"), "utf8")
  .split("\n")
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Record<string, unknown>);

// Several processes open the same state directory; only the first creates the tables.
const ifNotExists = (sql: string) => sql.replace(/^CREATE TABLE /, "CREATE TABLE IF NOT EXISTS ");

export function zstdCompress(text: string): Buffer {
  const result = spawnSync("zstd", ["-q", "-c", "-3"], { input: text, maxBuffer: 64 * 1024 * 1024 });
  if (result.error || result.status !== 0) throw new Error(`zstd failed (${result.error?.message ?? result.stderr.toString()}): run bash scripts/setup.sh to install Debian's zstd`);
  return result.stdout;
}

export class OpenClawState {
  readonly dir: string;
  readonly ledger: Database.Database;
  readonly agents: Map<string, Database.Database> = new Map();
  #ledgerSequence = 0;

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(join(dir, "state"), { recursive: true });
    this.ledger = new Database(join(dir, "state", "openclaw.sqlite"));
    this.ledger.pragma("journal_mode = WAL");
    this.ledger.exec(ifNotExists(manifest.sqliteSchemas["state/openclaw.sqlite:audit_events"]!));
    this.ledger.exec(ifNotExists(manifest.sqliteSchemas["state/openclaw.sqlite:diagnostic_events"]!));
  }

  /** The agent's database, created on first use (a new agent appearing while collecting). */
  agent(id: string): Database.Database {
    let db = this.agents.get(id);
    if (!db) {
      mkdirSync(join(this.dir, "agents", id, "agent"), { recursive: true });
      db = new Database(join(this.dir, "agents", id, "agent", "openclaw-agent.sqlite"));
      db.pragma("journal_mode = WAL");
      // transcript_events references session_windows, whose rows the fixture does not carry.
      db.pragma("foreign_keys = OFF");
      db.exec(ifNotExists(manifest.sqliteSchemas["agents/main/agent/openclaw-agent.sqlite:transcript_events"]!));
      this.agents.set(id, db);
    }
    return db;
  }

  /** The real transcript rows, in one session per call (`session` renames it); returns the ids the collector will give them. */
  appendTranscript(agent: string, session?: string): string[] {
    const db = this.agent(agent);
    const insert = db.prepare("INSERT INTO transcript_events (session_id, seq, event_json, created_at, event_zstd, event_utf8_bytes, navigation_json) VALUES (?, ?, ?, ?, ?, ?, ?)");
    const ids: string[] = [];
    db.transaction(() => {
      for (const { row, compressedColumns, event } of TRANSCRIPT_ROWS) {
        const sessionId = session ?? row.session_id;
        const text = JSON.stringify(event);
        if (compressedColumns.includes("event_zstd")) insert.run(sessionId, row.seq, null, row.created_at, zstdCompress(text), Buffer.byteLength(text), row.navigation_json);
        else insert.run(sessionId, row.seq, text, row.created_at, null, null, null);
        ids.push(`agents/${agent}/agent/openclaw-agent.sqlite#${sessionId}/${row.seq}`);
      }
    })();
    return ids;
  }

  /** The real ledger rows again, with fresh event ids (`tag` makes them unique); returns those ids. */
  appendLedger(tag: string): string[] {
    const columns = Object.keys(LEDGER_ROWS[0]!).filter((c) => c !== "sequence");
    const insert = this.ledger.prepare(`INSERT INTO audit_events (${columns.join(", ")}) VALUES (${columns.map((c) => `@${c}`).join(", ")})`);
    const ids: string[] = [];
    this.ledger.transaction(() => {
      for (const row of LEDGER_ROWS) {
        const n = ++this.#ledgerSequence;
        const eventId = `${tag}-${n}-${String(row.event_id)}`;
        insert.run({ ...row, event_id: eventId, source_id: `${tag}-${n}-${String(row.source_id)}` });
        ids.push(eventId);
      }
    })();
    return ids;
  }

  /** The real config-audit payloads as diagnostic_events rows (2026.9 keeps the config audit there). */
  appendConfigAudit(tag: string): string[] {
    const insert = this.ledger.prepare("INSERT INTO diagnostic_events (scope, event_key, payload_json, created_at) VALUES ('config-audit', ?, ?, ?)");
    return CONFIG_AUDIT_ROWS.map((payload, i) => {
      const key = `${tag}-${i}`;
      insert.run(key, payload, Date.parse(String((JSON.parse(payload) as { ts?: string }).ts)) || 0);
      return `state/openclaw.sqlite:config-audit#${key}`;
    });
  }

  close(): void {
    this.ledger.close();
    for (const db of this.agents.values()) db.close();
  }
}
