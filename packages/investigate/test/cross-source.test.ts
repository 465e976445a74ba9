// Cross-source strips (replay/cross-source.ts): around a high finding, the egress, gate, journal
// and config records of the same minutes, and a step's connection linked to its egress record only
// when the time makes it unambiguous. Events are written here in the shapes the transcript and the
// egress record normalize to (schema/src/sources/egress); the VM's real egress lines are checked
// by the VM boot test.
import test from "ava";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CaseDatabase, loadEventsJsonl, type Finding } from "../src/index.js";
import { crossSourceStrips } from "../src/replay/cross-source.js";
import { pinFindings } from "../src/replay/finding-steps.js";

type Row = Record<string, unknown>;
const T0 = Date.parse("2026-11-25T10:00:00Z");
const at = (ms: number) => new Date(T0 + ms).toISOString();
const S = "aaaaaaaa-2222-4333-8444-555555555555";
const TB = "oclog/alice/openclaw.transcript/2026/11/25/10/t.1796000000000.gz";
const EB = "oclog/alice/openclaw.egress/2026/11/25/10/e.1796000000000.gz";

function event(fields: Row): Row {
  const { tool = null, callId = null, args = null, host = null, url = null, ...rest } = fields;
  return {
    user: "alice", host: "vm-alice", source: "transcript", subsystem: null, level: "info", category: "tool", action: "tool.call", outcome: "unknown",
    session_id: null, run_id: null, agent_id: null,
    gen_ai: { conversation: { id: null }, provider: null, request: null, tool: { name: tool, call: { id: callId, arguments: args } } },
    target: { path: null, url, host, command: null }, message: "", raw: { source: "x", variant: "x", ref: null },
    ...rest,
  };
}
const exec = (line: number, ms: number, command: string) =>
  event({ time: at(ms), session_id: S, tool: "exec", callId: `c${line}`, args: JSON.stringify({ command }), blob: TB, line });
const result = (line: number, ms: number, callId: string) =>
  event({ time: at(ms), session_id: S, action: "tool.result", outcome: "success", tool: "exec", callId, blob: TB, line });
const egress = (line: number, ms: number, dst: string, refused = false) =>
  event({ time: at(ms), source: "egress", category: "network", action: refused ? "network.refused" : "network.connect", outcome: refused ? "blocked" : "success", host: dst, url: `tcp://${dst}:443`, message: `${refused ? "reject" : "log"} TCP 10.0.2.15:40000 -> ${dst}:443 uid=1001`, blob: EB, line });

async function strips(rows: Row[]) {
  const dir = mkdtempSync(join(tmpdir(), "oclog-cross-source-"));
  writeFileSync(join(dir, "e.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const db = await CaseDatabase.open(":memory:");
  try {
    await loadEventsJsonl(db.connection, join(dir, "e.jsonl"));
    const calls = rows.filter((r) => r.action === "tool.call");
    const finding: Finding = {
      detection: { id: "d", title: "High thing", severity: "high" } as Finding["detection"],
      count: calls.length, rows: calls.map((r) => ({ time: r.time, blob: r.blob, line: r.line, call_id: (r.gen_ai as { tool: { call: { id: string } } }).tool.call.id, message: "" })),
      firstSeen: at(0), lastSeen: at(60_000),
    };
    const pins = await pinFindings(db.connection, [finding]);
    return await crossSourceStrips(db.connection, [finding], pins);
  } finally {
    db.close();
  }
}

test("a connection to an address is linked to the egress record naming it; the verdict follows the record", async (t) => {
  const [strip] = await strips([exec(1, 0, "curl -s https://203.0.113.9/x"), result(2, 1500, "c1"), egress(1, 200, "198.51.100.1"), egress(2, 400, "203.0.113.9", true)]);
  t.is(strip!.events.length, 2, "both egress records are on the strip");
  t.deepEqual(strip!.connections.map((c) => [c.host, c.verdict, c.event?.line]), [["203.0.113.9", "refused", 2]]);
});

test("a host name is linked only when exactly one connection falls in the step's time; otherwise the strip says why", async (t) => {
  const one = await strips([exec(1, 0, "curl -s https://collect.example.net/u"), result(2, 1000, "c1"), egress(1, 300, "192.0.2.7"), egress(2, 30_000, "192.0.2.8")]);
  t.deepEqual(one[0]!.connections.map((c) => [c.verdict, c.event?.line, c.note]), [["allowed", 1, "the only outbound connection recorded in the step's time"]]);
  const two = await strips([exec(1, 0, "curl -s https://collect.example.net/u"), result(2, 1000, "c1"), egress(1, 300, "192.0.2.7"), egress(2, 600, "192.0.2.8")]);
  t.is(two[0]!.connections[0]!.verdict, "unlinked");
  t.regex(two[0]!.connections[0]!.note, /2 outbound connections in the step's time/);
  const none = await strips([exec(1, 0, "curl -s https://collect.example.net/u"), result(2, 1000, "c1"), egress(1, 120_000, "192.0.2.7")]);
  t.regex(none[0]!.connections[0]!.note, /no egress record in the step's time/);
  const noEgress = await strips([exec(1, 0, "curl -s https://collect.example.net/u")]);
  t.regex(noEgress[0]!.connections[0]!.note, /the case has no egress records/);
});
