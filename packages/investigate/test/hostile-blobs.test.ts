// Issue 20, "one blob must never stop an investigation" and "nothing vanishes", on the unit that
// reads evidence (CaseDatabase.load): each file of test/hostile/corpus/investigate/ is planted as
// evidence beside a clean blob, and every line must come out a record or a quarantine row at its
// own line number, the clean blob untouched.
import test from "ava";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { DEFAULT_BLOB_LIMITS } from "../src/evidence/blob-limits.js";
import { CaseDatabase, type EvidenceFile, type LoadOptions, type LoadResult } from "../src/load/case-database.js";
import { inspectGzip } from "../src/evidence/gzip-integrity.js";
import { measureEvidence, measuredFromShape } from "../src/load/evidence-lines.js";

const corpus = fileURLToPath(new URL("../../../test/hostile/corpus/investigate/", import.meta.url));
const capture = fileURLToPath(new URL("../../../test/fixtures/openclaw-2026.9.6/", import.meta.url));
const good = readFileSync(join(capture, "gateway.log"), "utf8").split("\n").filter(Boolean).slice(0, 5);
const dir = mkdtempSync(join(tmpdir(), "oclog-hostile-blobs-"));

/**
 * Evidence as the evidence store leaves it in the run that downloaded it: the file, its damage
 * when inspectGzip finds any, and the shape of its lines (so the load does not measure it again).
 */
async function evidence(blob: string, path: string): Promise<EvidenceFile> {
  const { damaged, shape } = await inspectGzip(path);
  return { blob, path, ...(damaged ? { damaged } : {}), ...(shape ? { shape } : {}) };
}

async function plant(name: string, content?: Buffer | string): Promise<EvidenceFile> {
  const path = join(mkdtempSync(join(dir, "e-")), name);
  if (content === undefined) copyFileSync(join(corpus, name), path);
  else writeFileSync(path, content);
  return evidence(`oclog/alice/${name}`, path);
}

interface Loaded {
  result: LoadResult;
  records: Map<string, number[]>;
  quarantine: { blob: string; line: number; reason: string }[];
}

async function load(files: EvidenceFile[], options: Partial<LoadOptions> = {}): Promise<Loaded> {
  const db = await CaseDatabase.open(":memory:");
  try {
    const result = await db.load(files, { maxLineBytes: 4 << 20, workDir: mkdtempSync(join(dir, "w-")), ...options });
    const records = new Map<string, number[]>();
    for (const row of (await db.connection.runAndReadAll("SELECT blob, line FROM records ORDER BY blob, line")).getRowObjectsJson()) {
      const lines = records.get(String(row.blob)) ?? [];
      lines.push(Number(row.line));
      records.set(String(row.blob), lines);
    }
    const quarantine = (await db.connection.runAndReadAll("SELECT blob, line, reason FROM quarantine ORDER BY blob, line")).getRowObjectsJson().map((r) => ({
      blob: String(r.blob),
      line: Number(r.line),
      reason: String(r.reason),
    }));
    return { result, records, quarantine };
  } finally {
    db.close();
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

test("CRLF lines (a Windows-side copy), plain or gzip, are records at their own line numbers", async (t) => {
  const files = [await plant("crlf-gateway.log"), await plant("crlf-gateway.log.gz"), await plant("clean.gz", gzipSync(`${good.join("\n")}\n`))];
  const { result, records, quarantine } = await load(files);
  t.deepEqual(quarantine, []);
  for (const file of files) t.deepEqual(records.get(file.blob), range(1, good.length), file.blob);
  t.is(result.records, 3 * good.length);
  t.deepEqual(result.blobProblems, []);
});

test("content decides gzip, never the name: gzip without .gz and plain text named .gz both load", async (t) => {
  const files = [await plant("gzip-named-plain.log"), await plant("plain-named.gz")];
  t.is(files[1]!.damaged, undefined, "plain text named .gz is not 'damaged gzip'");
  const { records, quarantine } = await load(files);
  t.deepEqual(quarantine, []);
  for (const file of files) t.deepEqual(records.get(file.blob), range(1, good.length), file.blob);
});

test("a CR inside a line quarantines that line only, at its number; the lines after keep theirs", async (t) => {
  const { records, quarantine } = await load([await plant("lone-cr.log")]);
  t.deepEqual(records.get("oclog/alice/lone-cr.log"), [1, 3]);
  t.is(quarantine.length, 1);
  t.is(quarantine[0]!.line, 2);
  t.regex(quarantine[0]!.reason, /carriage return inside the line/);
});

test("a line longer than DuckDB's 32 MB buffer is a quarantine row at its line, not a vanished line", async (t) => {
  const huge = `{"x":"${"y".repeat(33 << 20)}"}`;
  const file = await plant("huge.gz", gzipSync(`${good[0]}\n${huge}\n${good[1]}\n${good[2]}\n`));
  const { result, records, quarantine } = await load([file]);
  t.deepEqual(records.get(file.blob), [1, 3, 4], "the lines after the huge one keep their numbers");
  t.deepEqual(quarantine.map((q) => q.line), [2]);
  t.is(quarantine[0]!.reason, `line over the 4194304-byte limit (--max-line-bytes): ${Buffer.byteLength(huge)} bytes`);
  t.is(result.lines, 4);
});

test("a damaged gzip of CRLF lines keeps its lines before the damage, numbered, and says where it broke", async (t) => {
  const file = await plant("truncated-crlf.gz");
  t.truthy(file.damaged);
  const { records, quarantine } = await load([file, await plant("clean.gz", gzipSync(`${good.join("\n")}\n`))]);
  const kept = records.get(file.blob) ?? [];
  t.true(kept.length > 0, "lines before the damage are salvaged");
  t.deepEqual(kept, range(1, kept.length));
  t.deepEqual(quarantine.map((q) => [q.blob, q.line]), [[file.blob, kept.length + 1]]);
  t.regex(quarantine[0]!.reason, /^damaged file: /);
  t.deepEqual(records.get("oclog/alice/clean.gz"), range(1, good.length));
});

test("a rewritten file keeps DuckDB's own per-line refusals at the right numbers (invalid UTF-8, 0x01 after CRLF lines)", async (t) => {
  const content = Buffer.concat([
    Buffer.from(`${good[0]}\r\n`),
    Buffer.from(`{"0":"caf\xe9"}\r\n`, "latin1"),
    Buffer.from(`${good[1]}\r\n{"a":"\x01"}\r\n${good[2]}\r\n`),
  ]);
  const file = await plant("crlf-rejects.gz", gzipSync(content));
  const { records, quarantine } = await load([file]);
  t.deepEqual(records.get(file.blob), [1, 3, 5]);
  t.deepEqual(quarantine.map((q) => [q.line, q.reason]), [[2, "not valid UTF-8"], [4, "not JSON (control character 0x01)"]]);
});

test("bytes after a gzip member (a botched append): every line of the member is salvaged, then one damage row", async (t) => {
  const file = await plant("gzip-then-garbage.gz");
  t.truthy(file.damaged);
  const { records, quarantine } = await load([file]);
  t.deepEqual(records.get(file.blob), range(1, good.length));
  t.deepEqual(quarantine.map((q) => q.line), [good.length + 1]);
  t.regex(quarantine[0]!.reason, /^damaged file: /);
});

test("an evidence file that is gone or is a folder is set aside whole, with the reason, and the rest loads", async (t) => {
  const clean = await plant("clean.gz", gzipSync(`${good.join("\n")}\n`));
  const missing: EvidenceFile = { blob: "oclog/alice/deleted-from-the-case.gz", path: join(dir, "no-such-file.gz") };
  const folder: EvidenceFile = { blob: "oclog/alice/a-folder.gz", path: mkdtempSync(join(dir, "folder-")) };
  const { result, records, quarantine } = await load([missing, clean, folder]);
  t.deepEqual(records.get(clean.blob), range(1, good.length));
  t.deepEqual(result.blobProblems.map((p) => [p.blob, p.kind]), [[missing.blob, "set aside"], [folder.blob, "set aside"]]);
  t.regex(result.blobProblems[0]!.reason, /^set aside whole: cannot read the evidence file \(ENOENT\)/);
  t.regex(result.blobProblems[1]!.reason, /\(EISDIR\)/);
  t.deepEqual(quarantine.map((q) => [q.blob, q.line]), [[folder.blob, 1], [missing.blob, 1]]);
  t.is(result.lines, good.length, "a file set aside adds no lines");

  const none = await load([missing]);
  t.is(none.result.records, 0);
  t.is(none.result.blobProblems.length, 1);
});

for (const bomb of ["newline-bomb-5k.gz", "newline-bomb-51k.gz"]) {
  // Serial, so the time logged is the bomb's own.
  test.serial(`${bomb}: bounded by the line limit and the quarantine cap, counted, and the clean blob beside it loads`, async (t) => {
    const started = performance.now();
    const files = [await plant(bomb), await plant("clean.gz", gzipSync(`${good.join("\n")}\n`))];
    const { result, records, quarantine } = await load(files);
    const seconds = (performance.now() - started) / 1000;
    t.log(`${bomb}: ${seconds.toFixed(1)} s`);
    const cap = DEFAULT_BLOB_LIMITS.maxQuarantinePerBlob;
    const lines = DEFAULT_BLOB_LIMITS.maxBlobLines;
    const mine = quarantine.filter((q) => q.blob === files[0]!.blob);
    // The cap's blank-line rows, then the one row saying where reading stopped and why.
    t.is(mine.length, cap + 1);
    t.deepEqual(mine.slice(0, cap).map((q) => q.line), range(1, cap));
    t.true(mine.slice(0, cap).every((q) => q.reason === "blank line"));
    t.deepEqual(mine[cap], { blob: files[0]!.blob, line: lines + 1, reason: `blob over the ${lines}-line limit (--max-blob-lines): this line and the rest were not read` });
    t.is(result.quarantineNotStored, lines - cap, "every line read is counted, stored or not");
    t.is(result.quarantined, lines + 1);
    t.deepEqual(result.blobProblems, [{ blob: files[0]!.blob, kind: "limit", reason: mine[cap]!.reason }]);
    t.deepEqual(records.get("oclog/alice/clean.gz"), range(1, good.length));
    t.true(seconds < 60, `took ${seconds} s`);
  });
}

test("limits are settable: lines, uncompressed bytes and stored quarantine rows per blob", async (t) => {
  const lines = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? good[i % good.length]! : `not json ${i}`));
  const file = await plant("forty.gz", gzipSync(`${lines.join("\n")}\n`));
  const byLines = await load([file], { limits: { maxBlobLines: 10 } });
  t.deepEqual(byLines.records.get(file.blob), [1, 3, 5, 7, 9]);
  t.deepEqual(byLines.quarantine.map((q) => q.line), [2, 4, 6, 8, 10, 11]);
  t.regex(byLines.quarantine.at(-1)!.reason, /10-line limit \(--max-blob-lines\)/);

  // The byte limit stops at the last whole line within it.
  const firstThree = Buffer.byteLength(`${lines.slice(0, 3).join("\n")}\n`);
  const byBytes = await load([file], { limits: { maxBlobBytes: firstThree + 5 } });
  t.deepEqual(byBytes.records.get(file.blob), [1, 3]);
  t.deepEqual(byBytes.quarantine.map((q) => q.line), [2, 4]);
  t.regex(byBytes.quarantine.at(-1)!.reason, /byte limit \(--max-blob-bytes\)/);
  t.is(byBytes.result.blobProblems[0]!.kind, "limit");

  const capped = await load([file], { limits: { maxQuarantinePerBlob: 3 } });
  t.deepEqual(capped.quarantine.map((q) => q.line), [2, 4, 6]);
  t.is(capped.result.quarantineNotStored, 17);
  t.is(capped.result.quarantined, 20);
  t.is(capped.result.lines, 40);
  t.true(capped.result.quarantineByReason.some((r) => /not stored: over the per-blob quarantine cap/.test(r.reason) && r.count === 17));
});

test("the shape measured when a file is added decides as measuring it again would, on every hostile file and at tight limits", async (t) => {
  const files = ["crlf-gateway.log.gz", "gzip-then-garbage.gz", "newline-bomb-51k.gz", "newline-bomb-5k.gz", "truncated-crlf.gz", "gzip-named-plain.log"].map((f) => join(corpus, f));
  const long = join(mkdtempSync(join(dir, "shape-")), "long.gz");
  writeFileSync(long, gzipSync(`${good.join("\n")}\n${"x".repeat(5000)}\n${good[0]}`));
  files.push(long);
  // A line longer than the check's 256 KiB read, across several of its pieces.
  const longer = join(dirname(long), "longer.gz");
  writeFileSync(longer, gzipSync(`${good.join("\n")}\n${"y".repeat(600_000)}\n${good[0]}\n`));
  t.is((await inspectGzip(longer)).shape?.longestLine, 600_000, "a line across read pieces is measured whole");
  files.push(longer);
  const limitSets = [
    { ...DEFAULT_BLOB_LIMITS, maxLineBytes: 4 << 20 },
    { ...DEFAULT_BLOB_LIMITS, maxLineBytes: 4096 },
    { ...DEFAULT_BLOB_LIMITS, maxLineBytes: 599_999 },
    { ...DEFAULT_BLOB_LIMITS, maxLineBytes: 4 << 20, maxBlobLines: 5 },
    { ...DEFAULT_BLOB_LIMITS, maxLineBytes: 4 << 20, maxBlobBytes: 1000 },
  ];
  let compared = 0;
  for (const path of files) {
    const { damaged, shape } = await inspectGzip(path);
    if (shape === undefined) {
      t.truthy(damaged, `${path}: a gzip read whole has a shape unless damaged`);
      continue;
    }
    for (const limits of limitSets) {
      const again = await measureEvidence(path, limits);
      t.is(measuredFromShape(shape, limits).rewrite === undefined, again.rewrite === undefined, `${path} at ${JSON.stringify(limits)}`);
      compared++;
    }
  }
  t.true(compared >= 25, `${compared} comparisons`);
});
