/**
 * Around each high (or critical) finding, what the VM's other records say in the same minutes:
 * the egress record (did the connection really leave, was it let through or refused), the gate's
 * requests, the journal (a service stopped right after). And each pinned step that connects to a
 * host is linked to its egress record when the time makes it unambiguous: the record names an IP
 * and the step a host name, so a link needs the step's IP itself, or exactly one outbound
 * connection in the step's time. Otherwise the strip says why it is not linked.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { sqlString } from "@oclog/schema";
import { severityRank, type Finding } from "../detect/finding.js";
import type { CrossSourceStrip, StepConnection, StepPin, StripEvent } from "./replay-types.js";

/** Sources a strip shows: the VM's own view, next to what the agent's records say. */
export const STRIP_SOURCES = ["egress", "nginx", "journal", "config-audit"] as const;

/** Minutes before a finding's first row and after its last that a strip covers. */
export const STRIP_BEFORE_MS = 2 * 60_000;
export const STRIP_AFTER_MS = 5 * 60_000;
/** Events shown per strip; the rest are counted. */
export const STRIP_EVENTS = 30;
/** Strips per report: the highest findings first. */
export const MAX_STRIPS = 20;
/** Slack after a step ends in which its connection may still be logged (the kernel logs at SYN). */
const LINK_SLACK_MS = 5_000;

const iso = (ms: unknown) => new Date(Number(ms)).toISOString();

function toEvent(r: Record<string, unknown>): StripEvent {
  return {
    time: iso(r.ms),
    source: String(r.source),
    action: r.action === null ? null : String(r.action),
    outcome: r.outcome === null ? null : String(r.outcome),
    message: r.message === null ? null : String(r.message).slice(0, 500),
    blob: String(r.blob),
    line: Number(r.line),
  };
}

const IP_LITERAL = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:]+)$/i;
const hostOf = (destination: string) => destination.replace(/^\[(.*)\](:\d+)?$/, "$1").replace(/:\d+$/, "").toLowerCase();

/** Strips for the high and critical findings (`findings` in report order, `pins` from pinFindings). */
export async function crossSourceStrips(connection: DuckDBConnection, findings: readonly Finding[], pins: readonly StepPin[]): Promise<CrossSourceStrip[]> {
  const sources = STRIP_SOURCES.map((s) => sqlString(s)).join(", ");
  const egressCount = Number((await connection.runAndReadAll("SELECT count(*) FROM events WHERE source = 'egress'")).getRows()[0]?.[0] ?? 0);
  const strips: CrossSourceStrip[] = [];
  for (const [index, finding] of findings.entries()) {
    if (severityRank(finding.detection.severity) < severityRank("high") || finding.firstSeen === null || finding.lastSeen === null) continue;
    if (strips.length >= MAX_STRIPS) break;
    const from = Date.parse(finding.firstSeen) - STRIP_BEFORE_MS;
    const to = Date.parse(finding.lastSeen) + STRIP_AFTER_MS;
    const window = `time BETWEEN make_timestamptz(${from}::BIGINT * 1000) AND make_timestamptz(${to}::BIGINT * 1000)`;
    const rows = (
      await connection.runAndReadAll(`SELECT epoch_ms(time) AS ms, source, action, outcome, message, blob, line FROM events
        WHERE source IN (${sources}) AND ${window} ORDER BY time, blob, line LIMIT ${STRIP_EVENTS}`)
    ).getRowObjectsJson();
    const total = Number((await connection.runAndReadAll(`SELECT count(*) FROM events WHERE source IN (${sources}) AND ${window}`)).getRows()[0]?.[0] ?? 0);
    const steps = pins.filter((p) => p.finding === index && p.role === "evidence");
    const connections: StepConnection[] = [];
    for (const step of uniqueSteps(steps)) connections.push(...(await linkStep(connection, step, egressCount)));
    strips.push({ finding: index, from: new Date(from).toISOString(), to: new Date(to).toISOString(), events: rows.map(toEvent), more: Math.max(0, total - rows.length), connections });
  }
  return strips;
}

function uniqueSteps(pins: readonly StepPin[]): StepPin[] {
  const seen = new Set<string>();
  return pins.filter((p) => {
    const key = `${p.sessionId}#${p.stepNo}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The step's connections, each linked to its egress record or said why not. */
async function linkStep(connection: DuckDBConnection, pin: StepPin, egressCount: number): Promise<StepConnection[]> {
  const prepared = await connection.prepare(`SELECT epoch_ms(s.time) AS ms, coalesce(s.duration_ms, 0) AS duration_ms, t.step_destinations AS destinations
    FROM session_steps s JOIN tool_steps t ON t.blob = s.blob AND t.line = s.line AND t.call_id IS NOT DISTINCT FROM s.call_id
    WHERE s.session_id = $1 AND s.step_no = $2`);
  prepared.bindVarchar(1, pin.sessionId);
  prepared.bindBigInt(2, BigInt(pin.stepNo));
  const step = (await prepared.runAndReadAll()).getRowObjectsJson()[0];
  if (step === undefined) return [];
  const hosts = [...new Set(((step.destinations as string[] | null) ?? []).map(hostOf))].filter((h) => h !== "" && h !== "localhost" && !h.startsWith("127."));
  if (hosts.length === 0) return [];
  const base = { sessionId: pin.sessionId, stepNo: pin.stepNo };
  if (egressCount === 0) {
    return hosts.map((host) => ({ ...base, host, event: null, verdict: "unlinked" as const, note: "the case has no egress records (the VM's connection log was not shipped), so whether it left is not known" }));
  }
  const start = Number(step.ms) - 1000;
  const end = Number(step.ms) + Number(step.duration_ms) + LINK_SLACK_MS;
  const candidates = (
    await connection.runAndReadAll(`SELECT epoch_ms(time) AS ms, source, action, outcome, message, blob, line, target.host AS host FROM events
      WHERE source = 'egress' AND time BETWEEN make_timestamptz(${start}::BIGINT * 1000) AND make_timestamptz(${end}::BIGINT * 1000)
        AND coalesce(target.url, '') NOT LIKE '%:53'
      ORDER BY time, blob, line`)
  ).getRowObjectsJson();
  return hosts.map((host): StepConnection => {
    const exact = candidates.filter((c) => String(c.host).toLowerCase() === host);
    const pick = IP_LITERAL.test(host) ? exact : candidates;
    if (pick.length === 1) {
      const event = toEvent(pick[0]!);
      const refused = pick[0]!.action === "network.refused";
      return { ...base, host, event, verdict: refused ? "refused" : "allowed", note: IP_LITERAL.test(host) ? "the egress record names this address in the step's time" : "the only outbound connection recorded in the step's time" };
    }
    const note = pick.length === 0
      ? "no egress record in the step's time: the connection did not leave the VM, or was not logged"
      : `${pick.length} outbound connections in the step's time; the record names addresses, the step a host name, so which one is this step's is not certain`;
    return { ...base, host, event: null, verdict: "unlinked", note };
  });
}
