// The SQL normalizer must agree with @oclog/schema's TypeScript normalizer (the reference) on
// real records: the live capture of OpenClaw 2026.9.6 and the blobs real Fluent Bit shipped.
import test from "ava";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { SOURCE_NAMES, detectSource, normalize, type Event, type SourceName } from "@oclog/schema";
import { PROVENANCE_COLUMNS } from "../src/load/events-table.js";
import { CaseDatabase, type EvidenceFile } from "../src/load/case-database.js";
import { badRecords, forgedUnitClaim } from "@oclog/test-kit/records";

const captureDir = fileURLToPath(new URL("../../../test/fixtures/openclaw-2026.9.6/", import.meta.url));
const samplesDir = fileURLToPath(new URL("../../../../shared/fluent-bit/samples/", import.meta.url));
// The VM's own sources as real Fluent Bit shipped them (test/pipeline/capture-vm-sources.ts).
const vmSourcesDir = fileURLToPath(new URL("../../../test/fixtures/vm-sources/", import.meta.url));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const evidence: EvidenceFile[] = [
  ...["gateway.log", "transcripts.jsonl", "trajectory.jsonl", "trajectory-runtime.jsonl", "audit-ledger.jsonl", "config-audit.jsonl"].map((f) => ({
    blob: `capture/${f}`,
    path: join(captureDir, f),
  })),
  ...filesUnder(samplesDir).filter((p) => p.endsWith(".gz")).map((p) => ({ blob: p.slice(samplesDir.length), path: p })),
  ...readdirSync(vmSourcesDir).filter((f) => f.endsWith(".jsonl")).map((f) => ({ blob: `vm-sources/${f}`, path: join(vmSourcesDir, f) })),
];

function referenceEvents(file: EvidenceFile): Event[] {
  const bytes = readFileSync(file.path);
  const text = (file.path.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
  return text.split("\n").flatMap((line, index) => {
    if (line === "") return [];
    const value = JSON.parse(line) as unknown;
    const result = normalize(detectSource(value)!, value, { ref: `${file.blob}:${index + 1}` });
    if (!result.ok) throw new Error(`${file.blob}:${index + 1}: ${result.reason}`);
    return result.events;
  });
}

const key = (e: { raw: { ref: string | null }; action: string; gen_ai: { tool: { call: { id: string | null } } } }) =>
  `${e.raw.ref}|${e.action}|${e.gen_ai.tool.call.id ?? ""}`;

test("SQL events equal TypeScript events, field by field, on real records", async (t) => {
  const db = await CaseDatabase.open(":memory:");
  try {
    const result = await db.load(evidence, { maxLineBytes: 4 << 20, workDir: mkdtempSync(join(tmpdir(), "oclog-parity-")) });
    t.is(result.quarantined, 0, JSON.stringify(result.quarantineByReason));
    const rows = (await db.connection.runAndReadAll(
      // The provenance columns are the case's (blob, line, envelope checks), not the normalizer's.
      `SELECT strftime(time, '%Y-%m-%dT%H:%M:%S.%g') || 'Z' AS time, * EXCLUDE (time, ${Object.keys(PROVENANCE_COLUMNS).join(", ")}) FROM events`,
    )).getRowObjectsJson() as unknown as Event[];
    const expected = evidence.flatMap(referenceEvents);
    t.is(rows.length, expected.length, "same number of events");
    const byKey = new Map(rows.map((row) => [key(row), row]));
    let compared = 0;
    for (const want of expected) {
      const got = byKey.get(key(want));
      if (!got) {
        t.fail(`missing in SQL: ${key(want)}`);
        continue;
      }
      const { gen_ai: wantGenAi, ...wantRest } = want;
      const { gen_ai: gotGenAi, ...gotRest } = got;
      t.deepEqual(gotRest, wantRest, key(want));
      const parse = (s: string | null) => (s === null ? null : (JSON.parse(s) as unknown));
      t.deepEqual(
        { ...gotGenAi, tool: { ...gotGenAi.tool, call: { ...gotGenAi.tool.call, arguments: parse(gotGenAi.tool.call.arguments) } } },
        { ...wantGenAi, tool: { ...wantGenAi.tool, call: { ...wantGenAi.tool.call, arguments: parse(wantGenAi.tool.call.arguments) } } },
        key(want),
      );
      compared++;
    }
    t.true(compared > 1000);
    // Every source in the registry took part.
    t.deepEqual([...new Set(expected.map((e) => e.source))].sort(), [...SOURCE_NAMES].sort());
  } finally {
    db.close();
  }
});

test("the SQL twin refuses every bad record TypeScript refuses, each at its own line", async (t) => {
  const bad = badRecords();
  const dir = mkdtempSync(join(tmpdir(), "oclog-parity-bad-"));
  const path = join(dir, "bad.jsonl");
  writeFileSync(path, `${bad.map((b) => JSON.stringify(b.record)).join("\n")}\n`);
  const db = await CaseDatabase.open(":memory:");
  try {
    const result = await db.load([{ blob: "bad.jsonl", path }], { maxLineBytes: 1 << 20, workDir: dir });
    const passed = (await db.connection.runAndReadAll("SELECT line, source, variant FROM records")).getRowObjectsJson();
    t.deepEqual(passed, [], "no bad record passes as a record");
    const rows = (await db.connection.runAndReadAll("SELECT line, reason FROM quarantine ORDER BY line")).getRowObjectsJson() as { line: number; reason: string }[];
    t.deepEqual(rows.map((r) => Number(r.line)), bad.map((_, i) => i + 1));
    for (const [i, { source, why }] of bad.entries()) {
      t.false(normalize(source, bad[i]!.record).ok, `TypeScript refuses ${source}: ${why}`);
      t.true(rows[i]!.reason.startsWith(`${source}: `), `${source}: ${why}: SQL reason "${rows[i]!.reason}"`);
    }
  } finally {
    db.close();
  }
});

test("the SQL twin, too, takes a unit message from another process than PID 1 as that process's output", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "oclog-parity-forged-"));
  const path = join(dir, "forged.jsonl");
  writeFileSync(path, `${JSON.stringify(forgedUnitClaim())}\n`);
  const db = await CaseDatabase.open(":memory:");
  try {
    await db.load([{ blob: "forged.jsonl", path }], { maxLineBytes: 1 << 20, workDir: dir });
    const rows = (await db.connection.runAndReadAll("SELECT action, subsystem, raw.variant AS variant FROM events")).getRowObjectsJson();
    t.deepEqual(rows, [{ action: "service.log", subsystem: "openclaw.service", variant: "output" }]);
  } finally {
    db.close();
  }
});

/**
 * One column of each record's first event, as the SQL load makes it and as the TypeScript
 * normalizer (the reference) makes it, in record order.
 */
async function firstEventColumn(records: object[], source: SourceName, column: "message" | "category"): Promise<{ sql: string[]; reference: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), "oclog-parity-column-"));
  const path = join(dir, "records.jsonl");
  writeFileSync(path, `${records.map((r) => JSON.stringify(r)).join("\n")}\n`);
  const db = await CaseDatabase.open(":memory:");
  try {
    await db.load([{ blob: "records.jsonl", path }], { maxLineBytes: 1 << 20, workDir: dir });
    const sql = (await db.connection.runAndReadAll(`SELECT ${column} FROM events ORDER BY line`)).getRows().map((r) => String(r[0]));
    const reference = records.map((r) => {
      const result = normalize(source, r);
      if (!result.ok) throw new Error(result.reason);
      return String(result.events[0]![column]);
    });
    return { sql, reference };
  } finally {
    db.close();
  }
}

test("the SQL twin strips ANSI and control characters as TypeScript does, and leaves clean text as it is", async (t) => {
  const userMessage = readFileSync(join(captureDir, "transcripts.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; message?: { role?: string; content?: unknown } })
    .find((r) => r.type === "message" && r.message?.role === "user")!;
  const texts = [
    "\u001b[31mred\u001b[0m then plain",
    "a bell\u0007 and a CSI \u009b1m here",
    "an OSC \u001b]0;title\u0007 and the rest",
    "tab\tand\nnewline are kept",
    "nul\u0000 del\u007f c1\u0085 gone",
    "plain text, nothing to strip: é ü 漢字 🙂",
  ];
  const { sql, reference } = await firstEventColumn(texts.map((text) => ({ ...userMessage, message: { ...userMessage.message, content: text } })), "transcript", "message");
  t.deepEqual(sql, reference);
  t.is(sql[0], "red then plain");
  t.is(sql[5], texts[5]);
});

test("categories from the message: SQL (one alternation of every message rule, then the rule) = categorize in TypeScript, matches and near misses", async (t) => {
  // A real gateway line made plain (one text argument): its category comes from the message alone.
  const line = readFileSync(join(captureDir, "gateway.log"), "utf8").split("\n").find((l) => l.startsWith("{"))!;
  const { "1": _1, "2": _2, "3": _3, ...gatewayLine } = JSON.parse(line) as Record<string, unknown>;
  const texts = [
    "[openclaw] file log queue overflow", "log file size cap reached", "the log file size cap reached",
    "Unauthorized request", "AUTH FAILED for the gateway", "authentication failure", "token MISMATCH", "handshake failed", "an author wrote this",
    "Pairing approved", "pair the phone", "repair the pipeline", "SandboxSpawnError: no docker", "sandbox container gone", "a sandboxed run",
    "SSRF guard", "ssrf here", "ssrfish", "Blocked URL http://x", "private network", "nothing to see here", "",
  ];
  const { sql, reference } = await firstEventColumn(texts.map((text) => ({ ...gatewayLine, "0": text, message: text })), "gateway-log", "category");
  t.deepEqual(sql, reference);
  // The texts reach every message rule's category, so a wrong alternation shows.
  t.true(["pipeline", "auth", "pairing", "sandbox", "network"].every((category) => sql.includes(category)), sql.join(", "));
});
