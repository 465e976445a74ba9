// A reopened case knows each evidence file's line shape from custody (recorded at download, for
// the SHA-256 the file was checked against), so a rebuild need not decompress every file again to
// measure it; a shape custody did not record for that very content is never used.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import test from "ava";
import { CustodyLog, verifyCustody } from "../src/evidence/custody-log.js";
import { EvidenceStore } from "../src/evidence/evidence-store.js";

const init = { caseId: "c1", user: "alice", container: "oclog-alice", oclogVersion: "test" };
const LINES = ['{"a":1}', '{"b":"two"}', '{"c":"three"}\r'];

/** A case with three gzip blobs, added as investigate adds them: the store, then custody with the shape `record` gives. */
async function caseWith(record: (blob: string, shape: unknown) => Record<string, unknown>): Promise<string> {
  const caseDir = mkdtempSync(join(tmpdir(), "oclog-custody-shapes-"));
  const store = await EvidenceStore.open(caseDir, init);
  const custody = await CustodyLog.open(join(caseDir, "custody.jsonl"), "tester@host");
  for (const [index, name] of ["a.gz", "b.gz", "c.gz"].entries()) {
    writeFileSync(await store.prepare(name), gzipSync(`${LINES.slice(0, index + 1).join("\n")}\n`));
    const entry = await store.add({ name, etag: `"e${index}"`, size: 0, contentMD5: null, lastModified: new Date() });
    await custody.append("evidence.add", { blob: name, etag: `"e${index}"`, sha256: entry.sha256, size: entry.size, ...record(name, store.shapeOf(name)) });
  }
  await store.save();
  return caseDir;
}

test("a reopened store takes each file's line shape from custody's evidence.add", async (t) => {
  const caseDir = await caseWith((_blob, shape) => ({ shape }));
  const reopened = await EvidenceStore.open(caseDir, init);
  t.deepEqual(reopened.shapeOf("a.gz"), { bytes: 8, lines: 1, longestLine: 7, carriageReturn: false });
  t.deepEqual(reopened.shapeOf("b.gz"), { bytes: 20, lines: 2, longestLine: 11, carriageReturn: false });
  t.deepEqual(reopened.shapeOf("c.gz"), { bytes: 35, lines: 3, longestLine: 14, carriageReturn: true }, "a carriage return is kept: the load rewrites that file");
});

test("a shape custody did not record, or recorded badly, or for other content, is not used", async (t) => {
  const caseDir = await caseWith((blob, shape) => {
    if (blob === "a.gz") return {}; // a case made before shapes were recorded
    if (blob === "b.gz") return { shape: { ...(shape as object), lines: -1 } };
    return { shape };
  });
  // c.gz is added again later with other content and no shape: the shape recorded first was for the old bytes.
  const store = await EvidenceStore.open(caseDir, init);
  const custody = await CustodyLog.open(join(caseDir, "custody.jsonl"), "tester@host");
  const path = store.absolutePath("c.gz");
  chmodSync(path, 0o644);
  rmSync(path);
  writeFileSync(path, gzipSync('{"d":4}\n'));
  const entry = await store.add({ name: "c.gz", etag: '"e9"', size: 0, contentMD5: null, lastModified: new Date() });
  await custody.append("evidence.add", { blob: "c.gz", etag: '"e9"', sha256: entry.sha256, size: entry.size });
  await store.save();

  const reopened = await EvidenceStore.open(caseDir, init);
  t.is(reopened.shapeOf("a.gz"), undefined, "never recorded: measured by the load");
  t.is(reopened.shapeOf("b.gz"), undefined, "not a well-formed shape");
  t.is(reopened.shapeOf("c.gz"), undefined, "recorded for content the file no longer has");
  t.deepEqual((await verifyCustody(join(caseDir, "custody.jsonl"))).problems, []);
});
