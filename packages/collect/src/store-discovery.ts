/**
 * Where OpenClaw 2026.9 keeps what the collector ships, under its state directory:
 * `agents/<agent>/agent/openclaw-agent.sqlite` (table transcript_events, one database per agent,
 * new agents appear at any time) and `state/openclaw.sqlite` (table audit_events, and the config
 * audit in diagnostic_events: 2026.9 keeps it there, `logs/config-audit.jsonl` is import-only).
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

export type StoreKind = "transcript" | "ledger" | "config-audit";

export interface Store {
  kind: StoreKind;
  /** Path relative to the state directory: the store's name in cursors, spool and ids. */
  name: string;
  /** Absolute path of the database file. */
  path: string;
  /** The agent a transcript store belongs to. */
  agent?: string;
}

// Agent ids become parts of record ids and cursor keys: keep to what OpenClaw allows.
const AGENT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** The stores present now (call again to pick up new agents). */
export function discoverStores(stateDir: string): Store[] {
  const stores: Store[] = [];
  const ledger = join(stateDir, "state", "openclaw.sqlite");
  if (existsSync(ledger)) {
    stores.push({ kind: "ledger", name: "state/openclaw.sqlite", path: ledger });
    stores.push({ kind: "config-audit", name: "state/openclaw.sqlite:config-audit", path: ledger });
  }
  const agentsDir = join(stateDir, "agents");
  const agents = existsSync(agentsDir) ? readdirSync(agentsDir, { withFileTypes: true }).filter((e) => e.isDirectory() && AGENT_ID.test(e.name)) : [];
  for (const agent of agents.map((e) => e.name).sort()) {
    const name = `agents/${agent}/agent/openclaw-agent.sqlite`;
    const path = join(stateDir, name);
    if (existsSync(path)) stores.push({ kind: "transcript", name, path, agent: agent });
  }
  return stores;
}
