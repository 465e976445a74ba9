// Faults planted in evidence files must each land in `quarantine` with the right blob, line
// and reason, while every good record around them still becomes events.
import test from "ava";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { allEventsSql } from "@oclog/schema";
import { CaseDatabase, type EvidenceFile } from "../src/load/case-database.js";
import { withEnvelopeColumnsSql } from "../src/load/envelope-checks.js";
import { gzipProblem } from "../src/evidence/gzip-integrity.js";

const dir = mkdtempSync(join(tmpdir(), "oclog-casedb-"));
const capture = fileURLToPath(new URL("../../../test/fixtures/openclaw-2026.9.6/", import.meta.url));
const gatewayLines = readFileSync(join(capture, "gateway.log"), "utf8").split("\n").filter(Boolean);
const good = gatewayLines.slice(0, 20);

function write(name: string, content: Buffer | string, gzip = true): EvidenceFile {
  const path = join(dir, name);
  writeFileSync(path, gzip ? gzipSync(content) : content);
  return { blob: `oclog/alice/${name}`, path };
}

test("each planted fault is quarantined once, with its line; good records all load", async (t) => {
  const tenMb = `{"0":"${"x".repeat(10 * 1024 * 1024)}"}`;
  const latin1 = Buffer.from(`{"0":"caf\xe9"}`, "latin1");
  const fullGzip = gzipSync(`${good.join("\n")}\n`);
  const files = [
    write("plain.gz", `${good.join("\n")}\n`),
    write("faults.gz", Buffer.concat([
      Buffer.from(`${good[0]}\nnot json\n${tenMb}\n{"foo":1}\n`),
      latin1,
      Buffer.from(`\n${good[1]}\n[1,2,3]\n${good[2]}\n`),
    ])),
    write("empty.gz", ""),
    { blob: "oclog/alice/truncated.gz", path: (() => { const p = join(dir, "truncated.gz"); writeFileSync(p, fullGzip.subarray(0, Math.floor(fullGzip.length * 0.6))); return p; })() },
  ];
  for (const file of files) {
    const problem = await gzipProblem(file.path);
    if (problem !== undefined) file.damaged = problem;
  }
  t.truthy(files[3]!.damaged, "the truncated gzip is found damaged");
  t.is(files.filter((f) => f.damaged).length, 1);
  const db = await CaseDatabase.open(":memory:");
  try {
    const result = await db.load(files, { maxLineBytes: 4 << 20, workDir: join(dir, "work") });
    const q = (await db.connection.runAndReadAll("SELECT blob, line, reason FROM quarantine ORDER BY blob, line")).getRowObjectsJson();
    t.deepEqual(q.map((r) => [String(r.blob).replace("oclog/alice/", ""), Number(r.line)]), [
      ["faults.gz", 2],
      ["faults.gz", 3],
      ["faults.gz", 4],
      ["faults.gz", 5],
      ["faults.gz", 7],
      ["truncated.gz", q.find((r) => String(r.blob).endsWith("truncated.gz")) ? Number(q.find((r) => String(r.blob).endsWith("truncated.gz"))!.line) : -1],
    ]);
    const reasons = Object.fromEntries(q.map((r) => [`${String(r.blob).replace("oclog/alice/", "")}:${r.line}`, String(r.reason)]));
    t.is(reasons["faults.gz:2"], "not JSON");
    t.regex(reasons["faults.gz:3"]!, /line over the 4194304-byte limit/);
    t.regex(reasons["faults.gz:4"]!, /unknown record shape/);
    t.is(reasons["faults.gz:5"], "not valid UTF-8");
    t.is(reasons["faults.gz:7"], "not a JSON object");
    t.regex(Object.entries(reasons).find(([k]) => k.startsWith("truncated"))![1], /^damaged file: /);
    t.is(result.quarantined, 6);
    // Good lines keep their true line numbers despite the rejected ones before them.
    const faultsLines = (await db.connection.runAndReadAll("SELECT line FROM records WHERE blob LIKE '%faults.gz' ORDER BY line")).getRows().map((r) => Number(r[0]));
    t.deepEqual(faultsLines, [1, 6, 8]);
    const truncatedKept = await db.scalar("SELECT count(*) FROM records WHERE blob LIKE '%truncated.gz'");
    t.true(truncatedKept > 0 && truncatedKept < good.length, `salvaged ${truncatedKept} of ${good.length}`);
    t.is(await db.scalar("SELECT count(*) FROM records WHERE blob LIKE '%plain.gz'"), good.length);
  } finally {
    db.close();
  }
});

test("line numbers follow the file even across many files scanned in parallel", async (t) => {
  const files = Array.from({ length: 12 }, (_, f) =>
    write(`many-${f}.gz`, `${Array.from({ length: 2000 }, (_, i) => JSON.stringify({ ...JSON.parse(good[i % good.length]!), message: `file ${f} line ${i + 1}` })).join("\n")}\n`),
  );
  const db = await CaseDatabase.open(":memory:");
  try {
    await db.load(files, { maxLineBytes: 4 << 20, workDir: join(dir, "work2") });
    const wrong = await db.scalar(
      "SELECT count(*) FROM events WHERE message <> 'file ' || regexp_extract(blob, 'many-([0-9]+)', 1) || ' line ' || line",
    );
    t.is(wrong, 0);
    t.is(await db.scalar("SELECT count(*) FROM events"), 24_000);
  } finally {
    db.close();
  }
});

test("events computed on two connections at once are one statement's rows, in its order", async (t) => {
  // Real Fluent Bit blobs: a gateway log and a transcript. The load computes the gateway log's
  // events and the other sources' at once, and commits them in source order.
  const samples = fileURLToPath(new URL("../../../../shared/fluent-bit/samples/fluent-bit-v5/oclog/alice/", import.meta.url));
  const files = ["openclaw.gateway", "openclaw.transcript"].map((kind) => {
    const hour = join(samples, kind, "2026", "11", "25", "08");
    const name = readdirSync(hour)[0]!;
    return { blob: `oclog/alice/${kind}/2026/11/25/08/${name}`, path: join(hour, name) };
  });
  const db = await CaseDatabase.open(":memory:");
  try {
    await db.load(files, { maxLineBytes: 4 << 20, workDir: join(dir, "work-split"), containerUser: "alice" });
    // The same records through the single statement all sources' events once came from.
    await db.connection.run("CREATE TEMP TABLE one_statement AS FROM events LIMIT 0");
    await db.connection.run(`INSERT INTO one_statement BY NAME ${withEnvelopeColumnsSql(allEventsSql(), "alice")}`);
    // The load's later checks fill these; the rows and their order are what is compared.
    const rows = (table: string) => `SELECT row_number() OVER (ORDER BY rowid) AS n, * EXCLUDE (envelope_mismatch) FROM ${table}`;
    const differ = await db.scalar(`SELECT count(*) FROM ((${rows("events")} EXCEPT ALL ${rows("one_statement")}) UNION ALL (${rows("one_statement")} EXCEPT ALL ${rows("events")}))`);
    t.is(differ, 0, "the same rows in the same order");
    const sources = (await db.connection.runAndReadAll("SELECT source, count(*) AS n FROM events GROUP BY source ORDER BY min(rowid)")).getRowObjectsJson();
    t.deepEqual(sources.map((r) => r.source), ["gateway-log", "transcript"], "the gateway log's rows first, as one statement puts them");
    t.true(sources.every((r) => Number(r.n) > 0));
  } finally {
    db.close();
  }
});

test("the time window keeps events by their own time", async (t) => {
  const db = await CaseDatabase.open(":memory:");
  try {
    const files = [write("window.gz", `${good.join("\n")}\n`)];
    const all = await db.load(files, { maxLineBytes: 4 << 20, workDir: join(dir, "w3") });
    const times = (await db.connection.runAndReadAll("SELECT min(time)::VARCHAR, max(time)::VARCHAR FROM events")).getRows()[0]!;
    const mid = new Date((Date.parse(String(times[0])) + Date.parse(String(times[1]))) / 2);
    const half = await db.load(files, { maxLineBytes: 4 << 20, workDir: join(dir, "w3"), since: mid });
    t.true(half.events > 0 && half.events < all.events);
    t.is(half.events + half.eventsOutsideWindow, all.events);
  } finally {
    db.close();
  }
});
