// tool_steps on hostile tool calls: arguments that are not JSON, a megabyte command, a tool name
// that is SQL, no tool name at all. The load finishes, each named call gets its row, the huge
// command is kept short, and the taint still follows the fetch.
import test from "ava";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CaseDatabase, loadEventsJsonl } from "../src/index.js";

const SESSION = "5b0e3f7c-2a4d-4f61-9a53-1c8e2d7b6a90";
function call(line: number, tool: string | null, args: string | null, command: string | null = null) {
  return {
    time: new Date(Date.parse("2026-11-25T10:00:00Z") + line * 1000).toISOString(),
    user: "alice", host: "vm-alice", source: "transcript", subsystem: null, level: "info", category: "tool",
    action: "tool.call", outcome: "unknown", session_id: SESSION, run_id: null, agent_id: null,
    gen_ai: { conversation: { id: SESSION }, provider: null, request: null, tool: { name: tool, call: { id: `c${line}`, arguments: args } } },
    target: { path: null, url: null, host: null, command },
    message: `${tool} ${args ?? ""}`.slice(0, 4096),
    raw: { source: "transcript", variant: "message:assistant", ref: null },
    blob: "b.jsonl", line,
  };
}

test("hostile tool calls load, each named one once, the huge command clipped, the taint kept", async (t) => {
  const huge = `echo ${"A".repeat(1_000_000)} && cat ~/.ssh/id_rsa`;
  const rows = [
    call(1, "web_fetch", JSON.stringify({ url: "https://tips.example.org/x" })),
    call(2, "exec", "{not json"),
    call(3, "exec", JSON.stringify({ command: huge }), huge),
    call(4, "x'); DROP TABLE events; --", JSON.stringify({ command: "ls" })),
    call(5, null, JSON.stringify({ command: "ls" })),
    call(6, "exec", JSON.stringify({ command: "$(".repeat(500) + "x" })),
  ];
  const dir = mkdtempSync(join(tmpdir(), "oclog-tool-steps-"));
  writeFileSync(join(dir, "events.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const db = await CaseDatabase.open(":memory:");
  try {
    await loadEventsJsonl(db.connection, join(dir, "events.jsonl"));
    const out = (await db.connection.runAndReadAll("SELECT line, tool, tainted, length(command) AS n, step_secret_kinds, step_parse_error FROM tool_steps ORDER BY line")).getRowObjectsJson();
    t.deepEqual(out.map((r) => r.line), ["1", "2", "3", "4", "6"], "the call without a tool name has no step; every other one has");
    t.false(out[0]!.tainted);
    t.true(out.slice(1).every((r) => r.tainted === true));
    t.true(Number(out[2]!.n) <= 64 * 1024 + 3, "a megabyte command is clipped in tool_steps (whole in events)");
    t.deepEqual(out[2]!.step_secret_kinds, ["ssh-private-key"], "what the whole command does is still read");
    t.is(out[3]!.tool, "x'); DROP TABLE events; --");
    t.true(out[4]!.step_parse_error as boolean);
    const events = (await db.connection.runAndReadAll("SELECT count(*) AS n FROM events")).getRowObjectsJson()[0]!.n;
    t.is(Number(events), rows.length);
  } finally {
    db.close();
  }
});

test("a session longer than one read of the calls (they are read a chunk at a time): the taint of its first fetch reaches its last step, and every step is there once", async (t) => {
  const n = 5000; // DuckDB hands results over in chunks of 2,048 rows
  const rows = [
    call(1, "web_fetch", JSON.stringify({ url: "https://tips.example.org/x" })),
    ...Array.from({ length: n }, (_, i) => call(i + 2, i % 2 === 0 ? "exec" : "read", JSON.stringify(i % 2 === 0 ? { command: `ls /tmp/d${i}` } : { path: `notes/${i}.md` }))),
  ];
  const dir = mkdtempSync(join(tmpdir(), "oclog-tool-steps-"));
  writeFileSync(join(dir, "events.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const db = await CaseDatabase.open(":memory:");
  try {
    await loadEventsJsonl(db.connection, join(dir, "events.jsonl"));
    const out = (await db.connection.runAndReadAll("SELECT count(*) AS steps, count(DISTINCT call_id) AS calls, count(*) FILTER (WHERE tainted) AS tainted, min(line) FILTER (WHERE tainted) AS first FROM tool_steps")).getRowObjectsJson()[0]!;
    t.deepEqual(out, { steps: String(n + 1), calls: String(n + 1), tainted: String(n), first: "2" });
  } finally {
    db.close();
  }
});
