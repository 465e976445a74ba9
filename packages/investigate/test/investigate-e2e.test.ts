// `oclog investigate` end to end against a real Azurite: the shared real Fluent Bit blobs as
// they are, the demo incident, planted faults, resumability, custody and tampering.
import test from "ava";
import { appendFileSync, chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { gunzipSync, gzipSync } from "node:zlib";
import { BlobServiceClient } from "@azure/storage-blob";
import { UsageError } from "@oclog/errors";
import { detectSource, normalize } from "@oclog/schema";
import { startAzurite, type Azurite, uploadDirectory } from "@oclog/test-kit/azurite";
import { ContainerNotFoundError, StorageAuthError } from "../src/source/storage-errors.js";
import { verifyCase } from "../src/evidence/case-verify.js";
import { runDemo } from "@oclog/test-kit/demo";
import { renderSummary } from "../src/index.js";
import { runInvestigation } from "../src/run-investigation.js";
import { Sensitive } from "../src/sensitive.js";

const require = createRequire(import.meta.url);
const samples = fileURLToPath(new URL("../../../../shared/fluent-bit/samples/", import.meta.url));
let azurite: Azurite;

test.before(async () => {
  azurite = await startAzurite();
  // alice's container holds both real layouts, uploaded byte for byte.
  await uploadDirectory(azurite.connectionString, "oclog-alice", join(samples, "fluent-bit-v4"));
  await uploadDirectory(azurite.connectionString, "oclog-alice", join(samples, "fluent-bit-v5"));
});
test.after.always(async () => {
  await azurite?.stop();
});

const base = () => ({ connectionString: new Sensitive(azurite.connectionString), oclogVersion: "test", caseDir: join(mkdtempSync(join(tmpdir(), "oclog-e2e-")), "case") });

test.serial("the real Fluent Bit blobs investigate with 0 quarantined and the expected counts; a rerun downloads nothing", async (t) => {
  const options = { ...base(), user: "alice" };
  const first = await runInvestigation(options);
  t.is(first.blobs.downloaded, 4);
  t.is(first.load.quarantined, 0);
  t.is(first.load.records, 2 * (350 + 29));
  // The reference: @oclog/schema's TypeScript normalizer over the same files.
  t.is(first.load.events, referenceEventCount());
  // The capture refused a read of /etc/passwd on purpose; the rule file holds that event as a real-capture match.
  t.true(first.findings.some((f) => f.detection.file.endsWith("sandbox_path_escape_refused.yml")));
  const html = readFileSync(first.reports.reportHtml!, "utf8");
  t.regex(html, /<svg/);
  const again = await runInvestigation(options);
  t.is(again.blobs.downloaded, 0, "nothing downloaded twice");
  t.is(again.blobs.reused, 4);
  t.is(again.load.records, first.load.records);
  const verify = await verifyCase(options.caseDir);
  t.true(verify.ok, verify.problems.join("; "));
  t.is(verify.files, 4);
  t.true(verify.custodyEntries >= 8);

  // Custody recorded each file's line shape at download; a rebuild (case.duckdb gone) takes the
  // shapes from there instead of measuring every file again, and loads the same.
  const added = readFileSync(join(options.caseDir, "custody.jsonl"), "utf8").split("\n").filter((l) => l.includes('"evidence.add"')).map((l) => (JSON.parse(l) as { details: { shape?: { lines: number } } }).details);
  t.is(added.length, 4);
  t.is(added.reduce((n, details) => n + (details.shape?.lines ?? 0), 0), first.load.lines);
  rmSync(join(options.caseDir, "case.duckdb"));
  const rebuilt = await runInvestigation(options);
  t.is(rebuilt.load.mode, "rebuilt");
  t.like(rebuilt.load, { lines: first.load.lines, records: first.load.records, events: first.load.events, quarantined: 0 });
  t.is(first.load.filesMeasured, 0, "shapes measured at download");
  t.is(rebuilt.load.filesMeasured, 0, "shapes from custody");
});

test.serial("tampering with evidence or custody is reported by case verify", async (t) => {
  const options = { ...base(), user: "alice" };
  const result = await runInvestigation(options);
  const manifest = JSON.parse(readFileSync(join(options.caseDir, "manifest.json"), "utf8")) as { evidence: Record<string, { path: string }> };
  const victim = join(options.caseDir, Object.values(manifest.evidence)[0]!.path);
  chmodSync(victim, 0o644);
  appendFileSync(victim, "x");
  const custody = join(options.caseDir, "custody.jsonl");
  const lines = readFileSync(custody, "utf8").split("\n");
  lines[1] = lines[1]!.replace('"evidence.add"', '"evidence.ADD"');
  (await import("node:fs")).writeFileSync(custody, lines.join("\n"));
  const verify = await verifyCase(result.caseDir);
  t.false(verify.ok);
  t.true(verify.problems.some((p) => /SHA-256 .* does not match the manifest/.test(p)));
  t.true(verify.problems.some((p) => /custody\.jsonl line 2: content does not match its hash/.test(p)));
});

test.serial("the time window skips only blobs uploaded before --since; a record stamped before it stays when its blob was uploaded inside it", async (t) => {
  // The v4 blobs were uploaded at 08:48:05, the v5 ones at 08:55:16; all records are from 08:21-08:29.
  const late = await runInvestigation({ ...base(), user: "alice", since: "2026-11-25T08:50:00Z" });
  t.is(late.blobs.skippedByTime, 2, "the v4 blobs provably hold nothing after 08:50");
  t.is(late.blobs.downloaded, 2, "the v5 blobs may, by their names, so they are read");
  // Backdating must not hide a record from a window: these are kept and marked (issue 20).
  t.is(late.load.events, referenceEventCount() / 2, "their records are older than --since but were uploaded inside it");
  t.is(late.load.eventsAdmittedByUpload, referenceEventCount() / 2);
  t.is(late.load.eventsOutsideWindow, 0);
  const mid = await runInvestigation({ ...base(), user: "alice", since: "2026-11-25T08:25:00Z", until: "2026-11-25T08:27:00Z" });
  t.is(mid.blobs.skippedByTime, 0, "--until never prunes a blob: it may hold older records");
  t.true(mid.load.events > 0 && mid.load.eventsOutsideWindow > 0);
  t.is(mid.load.events + mid.load.eventsOutsideWindow, referenceEventCount());
});

function referenceEventCount(): number {
  const fs = require("node:fs") as typeof import("node:fs");
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  return walk(samples)
    .filter((p) => p.endsWith(".gz"))
    .flatMap((p) => gunzipSync(readFileSync(p)).toString("utf8").split("\n").filter(Boolean))
    .reduce((n, line) => {
      const value = JSON.parse(line) as unknown;
      const result = normalize(detectSource(value)!, value);
      return n + (result.ok ? result.events.length : 0);
    }, 0);
}

function goodShippedLines(): string[] {
  const dir = join(samples, "fluent-bit-v4/oclog/alice");
  const blob = (require("node:fs") as typeof import("node:fs")).readdirSync(dir).find((n: string) => n.startsWith("openclaw.gateway"))!;
  return gunzipSync(readFileSync(join(dir, blob))).toString("utf8").split("\n").filter(Boolean).slice(0, 5);
}

test.serial("planted faults in blobs are quarantined one for one, the rest investigated", async (t) => {
  const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient("oclog-bob");
  await container.createIfNotExists();
  const good = goodShippedLines();
  const name = (n: number) => `oclog/bob/openclaw.gateway.${"r".repeat(63)}${n}.${1795596485810 + n}.gz`;
  const faulty = [good[0], "not json", `{"0":"${"x".repeat(10 * 1024 * 1024)}"}`, '{"foo":1}', good[1]].join("\n");
  const whole = gzipSync(`${good.join("\n")}\n`);
  const hostile = JSON.parse(good[2]!) as Record<string, unknown>;
  hostile.message = "\u001b[31m<script>alert(1)</script>";
  await container.getBlockBlobClient(name(1)).uploadData(gzipSync(`${faulty}\n`));
  await container.getBlockBlobClient(name(2)).uploadData(Buffer.alloc(0));
  await container.getBlockBlobClient(name(3)).uploadData(whole.subarray(0, Math.floor(whole.length * 0.7)));
  await container.getBlockBlobClient(name(4)).uploadData(gzipSync(`${JSON.stringify(hostile)}\n`));
  const result = await runInvestigation({ ...base(), user: "bob" });
  const reasons = result.load.quarantineByReason.map((r) => `${r.reason} x${r.count}`).sort();
  t.is(result.load.quarantined, 5, reasons.join(", "));
  t.true(reasons.some((r) => r.startsWith("not JSON")));
  t.true(reasons.some((r) => r.includes("-byte limit")));
  t.true(reasons.some((r) => r.startsWith("unknown record shape")));
  t.is(reasons.filter((r) => r.startsWith("damaged file")).reduce((n, r) => n + Number(r.split(" x")[1]), 0), 2, "empty and truncated blobs");
  t.true(result.load.records >= 3);
  const html = readFileSync(result.reports.reportHtml!, "utf8");
  t.false(html.includes("<script>alert(1)"), "hostile HTML is escaped in the report");
});

test.serial("the demo incident: the injection chain is found at high severity or above", async (t) => {
  const { result, incident } = await runDemo({ oclogVersion: "test" });
  t.is(result.load.quarantined, 0);
  const chain = result.findings.find((f) => /external web content|external content/i.test(f.detection.title));
  t.truthy(chain, result.findings.map((f) => f.detection.title).join(" | "));
  t.true(["high", "critical"].includes(chain!.detection.severity));
  t.true(JSON.stringify(chain!.rows).includes(incident.injection.exfilUrl));
  const secret = result.findings.find((f) => JSON.stringify(f.rows).includes(incident.injection.keyPath));
  t.truthy(secret, "the SSH key read is a finding");

  // Both reports open with the story of that chain: its session, then fetch, key read, upload, in order.
  const story = result.report.replay!.story;
  t.regex(story.headline, new RegExp(`^HIGH: .*in session ${incident.injection.sessionId.slice(0, 8)}`));
  const text = story.sentences.map((s) => s.text).join("\n");
  const order = [incident.injection.pageUrl, incident.injection.keyPath, incident.injection.exfilUrl].map((needle) => text.indexOf(needle));
  t.true(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!)), `the chain in order:\n${text}`);
  t.true(story.sentences.slice(0, 4).every((s) => s.ref !== null && "stepNo" in s.ref && s.ref.sessionId === incident.injection.sessionId), "each sentence of the chain points at its step");
  const md = readFileSync(result.reports.reportMd!, "utf8");
  t.regex(md.split("\n## ")[1] ?? "", /^What happened\n\n\*\*HIGH: /, "report.md: the story is the first section");
  const html = readFileSync(result.reports.reportHtml!, "utf8");
  const firstSection = html.slice(html.indexOf("</header>"), html.indexOf("<h2", html.indexOf("</header>") + 10) + 40);
  t.regex(firstSection, /What happened/, "report.html: the story follows the header");
  const summary = renderSummary(result.report, { color: false });
  t.regex(summary, /^Story: {2}HIGH: .*in session /m, "the terminal summary leads with the story's headline");
  t.true(summary.includes(`Replay: oclog session ${result.report.caseDir} ${incident.injection.sessionId}`), summary);
});

test.serial("hostile --user values are refused before any storage call", async (t) => {
  for (const user of ["../alice", "alice; DROP TABLE events", "ALICE", "a/b", "alice\n", "$(id)", "", "a".repeat(64), "аlice"]) {
    await t.throwsAsync(runInvestigation({ ...base(), user }), { instanceOf: UsageError }, JSON.stringify(user));
  }
});

test.serial("wrong credentials and a missing container give typed errors without secrets", async (t) => {
  const wrongKey = azurite.connectionString.replace(/AccountKey=[^;]+/, `AccountKey=${Buffer.from("wrong-key-wrong-key").toString("base64")}`);
  const auth = await t.throwsAsync(runInvestigation({ ...base(), user: "alice", connectionString: new Sensitive(wrongKey) }), { instanceOf: StorageAuthError });
  t.false(auth!.message.includes("wrong-key"));
  t.truthy(auth!.hint);
  const missing = await t.throwsAsync(runInvestigation({ ...base(), user: "carol" }), { instanceOf: ContainerNotFoundError });
  t.regex(missing!.message, /oclog-carol/);
});
