// A load killed outright leaves its scan folder (rewritten copies, the tool steps' rows) in the
// case's work/ folder; the next load removes the folders of loads that are no longer running, and
// nothing else: a live load's, a link named like one (or what it points to), a file.
import test from "ava";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { createHash } from "node:crypto";
import { CaseDatabase } from "../src/index.js";
import { removeDeadScans } from "../src/load/stale-scans.js";

/** The pid of a process that has ended. */
const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid!;

test("a load removes the scan folders of dead loads, and keeps a live one's, a link named like one and its target, and a file", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "oclog-stale-scans-"));
  const work = join(dir, "work");
  mkdirSync(work);
  const dead = join(work, `scan-${deadPid()}-AbC123`);
  mkdirSync(join(dead, "tool-steps-x"), { recursive: true });
  writeFileSync(join(dead, "tool-steps-x", "tool-steps.jsonl"), "{}\n");
  const live = join(work, `scan-${process.ppid}-liv3ly`);
  mkdirSync(live);
  const outside = join(dir, "outside");
  mkdirSync(outside);
  writeFileSync(join(outside, "keep.txt"), "keep");
  symlinkSync(outside, join(work, `scan-${deadPid()}-l1nked`));
  writeFileSync(join(work, `scan-${deadPid()}-f1le00`), "a file");

  const lines = ['{"@timestamp":"2026-12-05T10:00:00Z","0":"hello","_meta":{"date":"2026-12-05T10:00:00Z","logLevelName":"INFO"}}'];
  const content = gzipSync(`${lines.join("\n")}\n`);
  const path = join(dir, "blob.gz");
  writeFileSync(path, content);
  const db = await CaseDatabase.open(join(dir, "case.duckdb"));
  try {
    await db.load([{ blob: "oclog/alice/openclaw.gateway/2026/12/05/10/openclaw.gateway.x.1796466000000.gz", path, sha256: createHash("sha256").update(content).digest("hex") }], { maxLineBytes: 65536, workDir: work });
  } finally {
    db.close();
  }
  t.false(existsSync(dead), "the dead load's folder is gone");
  t.true(existsSync(live), "a live process's folder stays");
  t.true(existsSync(join(outside, "keep.txt")), "a link's target is untouched");
  const left = readdirSync(work);
  t.true(left.some((n) => n.endsWith("-l1nked")) && left.some((n) => n.endsWith("-f1le00")), "the link and the file stay");
  t.is(left.length, 3, `this load's own folder is gone: ${left.join(", ")}`);
});

test("removeDeadScans says what it removed, and a missing work folder is nothing to remove", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "oclog-stale-scans-"));
  const name = `scan-${deadPid()}-Zz9999`;
  mkdirSync(join(dir, name));
  t.deepEqual(await removeDeadScans(dir), [name]);
  t.deepEqual(await removeDeadScans(join(dir, "none")), []);
});
