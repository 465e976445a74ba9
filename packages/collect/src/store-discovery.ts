/**
 * Where OpenClaw keeps what the collector ships, under its state directory. Since 2026.8:
 * `agents/<agent>/agent/openclaw-agent.sqlite` (table transcript_events, one database per agent,
 * new agents appear at any time) and `state/openclaw.sqlite` (table audit_events, from 2026.7; and
 * the config audit in diagnostic_events since 2026.8, where `logs/config-audit.jsonl` is import-only).
 * 2026.6 and 2026.7 keep sessions as JSONL files instead: `agents/<agent>/sessions/<session>.jsonl`
 * (the transcript) and `<session>.trajectory.jsonl` (the runtime trajectory). Their config audit
 * is `logs/config-audit.jsonl`, which the Fluent Bit pipeline tails, so the collector leaves it.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

export type StoreKind = "transcript" | "trajectory" | "ledger" | "config-audit";

export interface Store {
  kind: StoreKind;
  /** How the store is kept: a SQLite table, or a JSONL file OpenClaw appends to. */
  format: "sqlite" | "jsonl";
  /** Path relative to the state directory: the store's name in cursors, spool and ids. */
  name: string;
  /** Absolute path of the database or file. */
  path: string;
  /** The agent a transcript or trajectory store belongs to. */
  agent?: string;
}

// Agent ids and session file names become parts of record ids and cursor keys: keep to what OpenClaw writes.
const AGENT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const SESSION_FILE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,250}\.jsonl$/;

/** Called for a file that looks like a session file but is not read, with why. */
export type SkippedStore = (path: string, why: string) => void;

/** The session files of an agent that keeps them as JSONL (releases before 2026.8), by name. */
function sessionFiles(stateDir: string, agent: string, skipped: SkippedStore): Store[] {
  const dir = join(stateDir, "agents", agent, "sessions");
  const entries = existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((e) => e.name.endsWith(".jsonl")) : [];
  for (const e of entries) {
    if (!e.isFile()) skipped(join(dir, e.name), "not a regular file (a link or a folder is never followed)");
    else if (!SESSION_FILE.test(e.name)) skipped(join(dir, e.name), "a name OpenClaw does not give session files (letters, digits, . _ - only)");
  }
  const files = entries.filter((e) => e.isFile() && SESSION_FILE.test(e.name));
  return files
    .map((e) => e.name)
    .sort()
    .map((file) => ({
      kind: file.endsWith(".trajectory.jsonl") ? "trajectory" : "transcript",
      format: "jsonl",
      name: `agents/${agent}/sessions/${file}`,
      path: join(dir, file),
      agent,
    }));
}

/**
 * Whether an agent's database keeps its transcripts (has transcript_events). 2026.7 also makes an
 * `openclaw-agent.sqlite`, for memory and auth tables only, beside its session files.
 */
export type KeepsTranscripts = (databasePath: string) => boolean;

/**
 * The stores present now (call again to pick up new agents and sessions); `skipped` hears of
 * session files left out; `keepsTranscripts` tells an agent database that holds transcripts from
 * one that does not (by default any database is taken to hold them).
 */
export function discoverStores(stateDir: string, skipped: SkippedStore = () => {}, keepsTranscripts: KeepsTranscripts = () => true): Store[] {
  const stores: Store[] = [];
  const ledger = join(stateDir, "state", "openclaw.sqlite");
  if (existsSync(ledger)) {
    stores.push({ kind: "ledger", format: "sqlite", name: "state/openclaw.sqlite", path: ledger });
    stores.push({ kind: "config-audit", format: "sqlite", name: "state/openclaw.sqlite:config-audit", path: ledger });
  }
  const agentsDir = join(stateDir, "agents");
  const agents = existsSync(agentsDir) ? readdirSync(agentsDir, { withFileTypes: true }).filter((e) => e.isDirectory() && AGENT_ID.test(e.name)) : [];
  for (const agent of agents.map((e) => e.name).sort()) {
    const name = `agents/${agent}/agent/openclaw-agent.sqlite`;
    const path = join(stateDir, name);
    // An agent whose database holds its transcripts (2026.8 and later) is read from there only:
    // session files an older release left beside it are not shipped a second time under other ids.
    if (existsSync(path) && keepsTranscripts(path)) stores.push({ kind: "transcript", format: "sqlite", name, path, agent });
    else stores.push(...sessionFiles(stateDir, agent, skipped));
  }
  return stores;
}
