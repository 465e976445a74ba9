// Seeded fuzz of the evidence reader (issue 20): blobs built from real OpenClaw records, mutated
// with test/hostile/hostile-random.ts, mixed with raw hostile lines, blank lines, CRLF and lone
// CRs, over-long lines, gzip or not under any name, sometimes cut short. Whatever the bytes,
// the load finishes and every line is exactly one record or one quarantine row at its own
// number; an untouched real record is always a record. A failure names its seed.
import test from "ava";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { Dice, hostileString, mutateRecord } from "../../../test/hostile/hostile-random.js";
import { CaseDatabase, type EvidenceFile } from "../src/load/case-database.js";
import { gzipProblem } from "../src/evidence/gzip-integrity.js";

const capture = fileURLToPath(new URL("../../../test/fixtures/openclaw-2026.9.6/", import.meta.url));
const real = ["gateway.log", "trajectory.jsonl", "audit-ledger.jsonl"].flatMap((f) => readFileSync(join(capture, f), "utf8").split("\n").filter(Boolean));
const dir = mkdtempSync(join(tmpdir(), "oclog-hostile-fuzz-"));
const MAX_LINE = 64 * 1024;

interface Planted {
  file: EvidenceFile;
  /** The lines as a reader must see them (split at LF, a CR before it dropped). */
  lines: string[];
  truncated: boolean;
}

/** JSON text of a mutated record; one nested too deep for JSON.stringify is written out directly. */
function stringify(value: unknown, record: string): string {
  try {
    return JSON.stringify(value);
  } catch {
    return `${record.slice(0, -1)},"deep":${'{"a":'.repeat(5_000)}"bottom"${"}".repeat(5_000)}}`;
  }
}

function buildBlob(dice: Dice, name: string): Planted {
  const pieces: string[] = [];
  for (let i = dice.int(0, 30); i > 0; i--) {
    const record = dice.pick(real);
    const kind = dice.int(0, 9);
    let line: string;
    if (kind <= 3) line = record;
    else if (kind <= 5) line = stringify(mutateRecord(dice, JSON.parse(record)), record);
    else if (kind === 6) line = hostileString(dice, record);
    else if (kind === 7) line = dice.pick(["", "   ", "\t"]);
    else if (kind === 8) line = `${record.slice(0, 40)}\r${record.slice(40)}`;
    else line = `{"message":"${"z".repeat(dice.int(MAX_LINE - 10, MAX_LINE + 10))}"}`;
    pieces.push(line + (dice.chance(0.3) ? "\r\n" : "\n"));
  }
  let text = pieces.join("");
  if (text.length > 0 && dice.chance(0.2) && !text.endsWith("\n\n") && !text.endsWith("\r\n")) text = text.slice(0, -1);
  const bytes = Buffer.from(text);
  const gzip = dice.chance(0.6);
  let stored = gzip ? gzipSync(bytes) : bytes;
  const truncated = gzip && bytes.length > 0 && dice.chance(0.15);
  if (truncated) stored = stored.subarray(0, Math.max(10, Math.floor(stored.length * 0.7)));
  const fileName = `${name}${dice.pick([".gz", ".log", "", ".jsonl.gz"])}`;
  const path = join(dir, fileName);
  writeFileSync(path, stored);
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return { file: { blob: `oclog/alice/${fileName}`, path }, lines: lines.map((l) => l.replace(/\r$/, "")), truncated };
}

for (const seed of ["ingest-1", "ingest-2", "ingest-3", "ingest-4"]) {
  test(`seed ${seed}: every line is one record or one quarantine row at its number`, async (t) => {
    const dice = new Dice(seed);
    const planted = Array.from({ length: 8 }, (_, i) => buildBlob(dice, `${seed}-${i}`));
    for (const p of planted) {
      const damaged = await gzipProblem(p.file.path);
      if (damaged) p.file.damaged = damaged;
    }
    const db = await CaseDatabase.open(":memory:");
    try {
      const result = await db.load(planted.map((p) => p.file), { maxLineBytes: MAX_LINE, workDir: mkdtempSync(join(dir, "w-")) });
      t.deepEqual(result.blobProblems, [], "no blob set aside or cut by a limit");
      const rows = (await db.connection.runAndReadAll(
        "SELECT blob, line, NULL AS reason FROM records UNION ALL SELECT blob, line, reason FROM quarantine ORDER BY blob, line",
      )).getRowObjectsJson();
      for (const p of planted) {
        const mine = rows.filter((r) => r.blob === p.file.blob);
        const numbers = mine.map((r) => Number(r.line));
        if (p.truncated && p.file.damaged) {
          // Lines before the damage, in order, then the one row saying where it broke.
          t.deepEqual(numbers, Array.from({ length: numbers.length }, (_, i) => i + 1), p.file.blob);
          t.regex(String(mine.at(-1)?.reason), /^damaged file: /, p.file.blob);
          continue;
        }
        t.deepEqual(numbers, Array.from({ length: p.lines.length }, (_, i) => i + 1), `${p.file.blob}: each line exactly once`);
        for (const [index, line] of p.lines.entries()) {
          const reason = mine[index]?.reason;
          if (real.includes(line)) t.true(reason === null || /duplicate/.test(String(reason)), `${p.file.blob}:${index + 1} real record quarantined: ${String(reason)}`);
          // DuckDB trims spaces only: a tab line is "not JSON", not blank.
          if (/^ *$/.test(line)) t.is(reason, "blank line", `${p.file.blob}:${index + 1}`);
        }
      }
      t.is(result.lines, rows.length);
    } finally {
      db.close();
    }
  });
}
