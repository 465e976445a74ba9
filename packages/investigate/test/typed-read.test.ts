// The load's fast path (load/typed-read.ts): a clean blob whose name says its source is read by a
// typed read_json, the rest by the line scan. The two must make the same case: every scenario's
// real Fluent Bit blobs and every hostile variant of a gateway blob are loaded both ways, and all
// tables must be equal, row for row. The hostile variants must also have gone to the line scan
// (a blank line read_json would skip, a record of another source, an invalid record...), and the
// real blobs must have been read typed, or the comparison would prove nothing.
import test from "ava";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { caseTables } from "./case-tables.js";
import { CaseDatabase, type EvidenceFile, type LoadResult } from "../src/index.js";
import { sourceOfBlobName } from "../src/load/typed-read.js";
import { FIXTURES_DIR, readFixture } from "../../../test/scenarios/fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "oclog-typed-read-"));
let written = 0;

function write(name: string, content: Buffer): EvidenceFile {
  const path = join(dir, "evidence", String(written++), ...name.split("/"));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return { blob: name, path, sha256: createHash("sha256").update(content).digest("hex") };
}

const scenarios = readdirSync(FIXTURES_DIR)
  .filter((f) => f.endsWith(".blobs.jsonl.gz"))
  .map((f) => f.slice(0, -".blobs.jsonl.gz".length));
// Every scenario's blobs, and the blobs real Fluent Bit 4 and 5 wrote (../shared), as they are.
const SAMPLES = fileURLToPath(new URL("../../../../shared/fluent-bit/samples/", import.meta.url));
const samples = (readdirSync(SAMPLES, { recursive: true }) as string[]).filter((p) => p.endsWith(".gz"));
const real = [
  ...scenarios.flatMap((scenario) => readFixture(scenario)!.blobs.map((b) => write(b.name, gzipSync(`${b.lines.join("\n")}\n`)))),
  ...samples.map((p) => write(p, readFileSync(join(SAMPLES, p)))),
];

async function loadBothWays(files: EvidenceFile[], name: string): Promise<{ typed: LoadResult; scanned: LoadResult; same: (t: import("ava").ExecutionContext) => void }> {
  const results: { result: LoadResult; tables: Record<string, unknown[]> }[] = [];
  for (const lineScanOnly of [false, true]) {
    const db = await CaseDatabase.open(":memory:");
    try {
      const result = await db.load(files, { maxLineBytes: 64 * 1024, workDir: join(dir, `work-${name}-${lineScanOnly}`), containerUser: "alice", lineScanOnly });
      results.push({ result, tables: await caseTables(db) });
    } finally {
      db.close();
    }
  }
  const [typed, scanned] = results as [(typeof results)[0], (typeof results)[0]];
  return {
    typed: typed.result,
    scanned: scanned.result,
    same: (t) => {
      for (const table of Object.keys(scanned.tables)) t.deepEqual(typed.tables[table], scanned.tables[table], `${name}: table ${table}`);
      const { filesReadTyped: _a, ...typedCounts } = typed.result;
      const { filesReadTyped: _b, ...scannedCounts } = scanned.result;
      t.deepEqual(typedCounts, scannedCounts, `${name}: load accounting`);
    },
  };
}

test("every scenario's real blobs: read typed, and the case is the line scan's, table for table", async (t) => {
  t.true(real.length >= 40, `${real.length} real blobs`);
  const named = real.filter((f) => sourceOfBlobName(f.blob) !== undefined).length;
  t.true(named >= real.length * 0.9, `${named} of ${real.length} blob names say their source`);
  const { typed, scanned, same } = await loadBothWays(real, "real");
  t.is(scanned.filesReadTyped, 0);
  // Every blob whose name says its source is clean and valid: all of them take the fast path.
  t.is(typed.filesReadTyped, named);
  t.true(typed.records > 1000, `${typed.records} records`);
  same(t);
});

// A real gateway blob's lines, and variants of it that the fast path must refuse (each a whole
// blob for the line scan) or may take (with the same result).
const gatewayBlob = real.find((f) => sourceOfBlobName(f.blob) === "gateway-log")!;
const transcriptBlob = real.find((f) => sourceOfBlobName(f.blob) === "transcript")!;
const linesOf = (f: EvidenceFile) => readFixtureLines(f);
function readFixtureLines(f: EvidenceFile): string[] {
  for (const scenario of scenarios) {
    const blob = readFixture(scenario)!.blobs.find((b) => b.name === f.blob);
    if (blob) return blob.lines;
  }
  throw new Error(`no fixture blob ${f.blob}`);
}
const gw = linesOf(gatewayBlob).slice(0, 6);
const first = JSON.parse(gw[0]!) as Record<string, unknown>;
const variants: { name: string; lines: (string | Buffer)[]; typed: boolean }[] = [
  { name: "clean", lines: gw, typed: true },
  { name: "blank line (read_json skips it)", lines: [gw[0]!, "", ...gw.slice(1)], typed: false },
  { name: "whitespace-only line", lines: [gw[0]!, "   \t", ...gw.slice(1)], typed: false },
  { name: "no newline at the end", lines: gw, typed: true },
  { name: "array line", lines: [gw[0]!, "[1,2]", ...gw.slice(1)], typed: false },
  { name: "two objects on one line", lines: [gw[0]! + gw[1]!, ...gw.slice(2)], typed: false },
  { name: "a transcript record in a gateway blob", lines: [gw[0]!, linesOf(transcriptBlob)[0]!, ...gw.slice(1)], typed: false },
  { name: "a record without oclog_source", lines: [gw[0]!, JSON.stringify({ ...first, oclog_source: undefined }), ...gw.slice(1)], typed: false },
  { name: "a record naming an unknown source", lines: [gw[0]!, JSON.stringify({ ...first, oclog_source: "elsewhere" }), ...gw.slice(1)], typed: false },
  { name: "a record the collector marked invalid", lines: [gw[0]!, JSON.stringify({ ...first, oclog_invalid: "bad" }), ...gw.slice(1)], typed: false },
  { name: "an invalid gateway record (no time)", lines: [gw[0]!, JSON.stringify({ ...first, time: "yesterday", _meta: { date: "x" } }), ...gw.slice(1)], typed: false },
  { name: "a duplicate key", lines: [gw[0]!, gw[1]!.replace(/^\{/, '{"time":"2026-01-01T00:00:00Z",'), ...gw.slice(2)], typed: false },
  { name: "invalid UTF-8 in a string", lines: [gw[0]!, Buffer.concat([Buffer.from(gw[1]!.slice(0, -1) + ',"x":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]), ...gw.slice(2)], typed: false },
  { name: "a string where an object is read", lines: [gw[0]!, JSON.stringify({ ...first, _meta: "flat" }), ...gw.slice(1)], typed: false },
  { name: "a number too large for its column", lines: [gw[0]!, gw[1]!.replace(/^\{/, '{"dropped":99999999999999999999,'), ...gw.slice(2)], typed: false },
  { name: "another source's field on a gateway record", lines: [gw[0]!, gw[1]!.replace(/^\{/, '{"data":{"secret":1},"role":"user",'), ...gw.slice(2)], typed: true },
  { name: "not JSON", lines: [gw[0]!, "hello", ...gw.slice(1)], typed: false },
  { name: "an argument nested 3,000 deep", lines: [gw[0]!, JSON.stringify({ ...first, "0": JSON.parse(`${"[".repeat(3000)}1${"]".repeat(3000)}`) }), ...gw.slice(1)], typed: true },
  { name: "keys and values that are SQL", lines: [gw[0]!, gw[1]!.replace(/^\{/, `{"x' OR 1=1 --":"'); DROP TABLE records; --","y\\"');--":"a'b\\"c",`), ...gw.slice(2)], typed: true },
  { name: "a source name that is SQL", lines: [gw[0]!, JSON.stringify({ ...first, oclog_source: "gateway'; DROP TABLE records; --" }), ...gw.slice(1)], typed: false },
];

for (const [i, variant] of variants.entries()) {
  test(`a gateway blob with ${variant.name}: ${variant.typed ? "read typed" : "sent to the line scan"}, and the same case either way`, async (t) => {
    const body = Buffer.concat(variant.lines.flatMap((l) => [Buffer.from(l), Buffer.from("\n")]));
    const content = variant.name === "no newline at the end" ? body.subarray(0, body.length - 1) : body;
    const name = gatewayBlob.blob.replace(/\.([0-9]+)\.gz$/, `.v${i}.$1.gz`);
    t.is(sourceOfBlobName(name), "gateway-log");
    const { typed, same } = await loadBothWays([write(name, gzipSync(content)), transcriptBlob], `variant-${i}`);
    t.is(typed.filesReadTyped, variant.typed ? 2 : 1);
    t.is(typed.lines, variant.lines.length + linesOf(transcriptBlob).length);
    same(t);
  });
}

test("blob names: the tag's folder says the source; anything else says none", (t) => {
  t.is(sourceOfBlobName("oclog/alice/openclaw.gateway/2026/11/24/00/openclaw.gateway.abc.1.gz"), "gateway-log");
  t.is(sourceOfBlobName("oclog/alice/openclaw.transcript/2026/11/24/00/x.gz"), "transcript");
  t.is(sourceOfBlobName("openclaw.ledger/x.gz"), "ledger");
  t.is(sourceOfBlobName("oclog/alice/openclaw.unknown/x.gz"), undefined);
  t.is(sourceOfBlobName("oclog/alice/gateway/x.gz"), undefined);
  t.is(sourceOfBlobName("oclog/alice/openclaw.gateway.abc.1795596485810.gz"), "gateway-log");
  t.is(sourceOfBlobName("openclaw.gateway.gz"), undefined);
});
