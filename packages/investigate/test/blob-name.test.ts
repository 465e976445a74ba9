// Blob names as real Fluent Bit 4.2.8 and 5.1.1 wrote them (shared/fluent-bit/samples), and the
// pruning rule: skip only what was uploaded before --since, never anything for --until.
import test from "ava";
import { ContainerClient } from "@azure/storage-blob";
import { fileURLToPath } from "node:url";
import { readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { blobFilter, mayHoldRecordsIn, parseBlobName, unsafeBlobNameReason } from "../src/source/blob-name.js";
import { HOSTILE_STRINGS } from "../../../test/hostile/hostile-random.js";

// ../shared beside the repository root, never an absolute path.
const samples = fileURLToPath(new URL("../../../../shared/fluent-bit/samples", import.meta.url));

function blobNamesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join("/"))
    .sort();
}

const v4 = blobNamesUnder(join(samples, "fluent-bit-v4"));
const v5 = blobNamesUnder(join(samples, "fluent-bit-v5"));

test("the samples are there: two blobs per layout", (t) => {
  t.is(v4.length, 2);
  t.is(v5.length, 2);
});

test("4.x names: literal prefix, tag, source, upload time from the epoch, gzip", (t) => {
  const parsed = v4.map(parseBlobName);
  t.deepEqual(
    parsed.map((p) => (p.ok ? [p.blob.layout, p.blob.path, p.blob.tag, p.blob.source, p.blob.uploadedAt.toISOString(), p.blob.gzip] : p.reason)),
    [
      ["v4", "oclog/alice", "openclaw.gateway", "gateway", "2026-11-25T08:48:05.810Z", true],
      ["v4", "oclog/alice", "openclaw.transcript", "transcript", "2026-11-25T08:48:05.828Z", true],
    ],
  );
});

test("5.x names: templated path with the upload date, same file name scheme", (t) => {
  const parsed = v5.map(parseBlobName);
  t.deepEqual(
    parsed.map((p) => (p.ok ? [p.blob.layout, p.blob.path, p.blob.tag, p.blob.source, p.blob.uploadedAt.toISOString(), p.blob.gzip] : p.reason)),
    [
      ["v5", "oclog/alice/openclaw.gateway/2026/11/25/08", "openclaw.gateway", "gateway", "2026-11-25T08:55:16.802Z", true],
      ["v5", "oclog/alice/openclaw.transcript/2026/11/25/08", "openclaw.transcript", "transcript", "2026-11-25T08:55:16.818Z", true],
    ],
  );
  // The path's hour and the name's epoch are the same upload moment.
  for (const p of parsed) if (p.ok) t.true(p.blob.path.endsWith(p.blob.uploadedAt.toISOString().slice(0, 13).replace(/[-T]/g, "/")));
});

test("uncompressed blobs, a blob at the container root, other tags", (t) => {
  const random = "A".repeat(64);
  const plain = parseBlobName(`oclog/alice/openclaw.gateway.${random}.1795596485810`);
  t.true(plain.ok && !plain.blob.gzip && plain.blob.layout === "v4");
  const root = parseBlobName(`kube.var.log.${random}.1795596485810.gz`);
  t.true(root.ok && root.blob.path === "" && root.blob.tag === "kube.var.log" && root.blob.source === "log");
  const single = parseBlobName(`x/syslog.${random}.1795596485810.gz`);
  t.true(single.ok && single.blob.tag === "syslog" && single.blob.source === "syslog");
});

test("names that are not Fluent Bit blobs come back with a reason", (t) => {
  for (const name of [
    "oclog/alice/",
    "oclog/alice/README.md",
    "oclog/alice/openclaw.gateway.gz",
    "oclog/alice/openclaw.gateway.abc.1795596485810.gz", // random part too short
    `oclog/alice/openclaw.gateway.${"A".repeat(64)}.179559648581.gz`, // 12 digits: not epoch ms
    `oclog/alice/openclaw.gateway.${"A".repeat(64)}.1795596485810.gz.tmp`,
    `oclog/alice/openclaw..gateway.${"A".repeat(64)}.1795596485810.gz`,
    `oclog/alice/.${"A".repeat(64)}.1795596485810.gz`,
    "",
  ]) {
    const parsed = parseBlobName(name);
    t.false(parsed.ok, name);
    if (!parsed.ok) t.true(parsed.reason.length > 10, name);
  }
});

test("mayHoldRecordsIn: false only when uploaded before --since", (t) => {
  const blob = { uploadedAt: new Date("2026-11-25T08:55:16.802Z") };
  t.true(mayHoldRecordsIn(blob, {}));
  t.true(mayHoldRecordsIn(blob, { since: new Date("2026-11-25T08:55:16.802Z") }), "uploaded exactly at --since");
  t.false(mayHoldRecordsIn(blob, { since: new Date("2026-11-25T08:55:16.803Z") }));
  // Uploaded after --until, it can still hold old records (an outage backlog): kept.
  t.true(mayHoldRecordsIn(blob, { until: new Date("2026-11-01T00:00:00Z") }));
  t.true(mayHoldRecordsIn(blob, { since: new Date("2026-10-01T00:00:00Z"), until: new Date("2026-11-01T00:00:00Z") }));
});

test("blobFilter over the real names: --since between the 4.x and 5.x uploads", (t) => {
  const filter = blobFilter({ since: new Date("2026-11-25T08:50:00Z") });
  const decisions = [...v4, ...v5].map((name) => [name.includes("/2026/") ? "v5" : "v4", filter(name).keep]);
  t.deepEqual(decisions, [
    ["v4", false],
    ["v4", false],
    ["v5", true],
    ["v5", true],
  ]);
  t.regex(filter(v4[0]!).reason!, /uploaded 2026-11-25T08:48:05\.810Z, before --since 2026-11-25T08:50:00\.000Z/);
  t.is(filter(v5[0]!).reason, undefined);
});

test("blobFilter never drops a name it cannot read, and never prunes by --until", (t) => {
  const filter = blobFilter({ since: new Date("2030-01-01T00:00:00Z"), until: new Date("2030-01-02T00:00:00Z") });
  const unknown = filter("oclog/alice/notes.txt");
  t.true(unknown.keep);
  t.regex(unknown.reason!, /^kept: upload time unknown/);
  const untilOnly = blobFilter({ until: new Date("2000-01-01T00:00:00Z") });
  for (const name of [...v4, ...v5]) t.true(untilOnly(name).keep);
});

test("names with a '.' or '..' segment, or a lone surrogate, are unsafe to request; every real name and other hostile strings are not", (t) => {
  for (const name of ["..", ".", "../oclog-bob/x.gz", "a/../../b", "a/./b", "oclog/alice/..", "./x"]) t.truthy(unsafeBlobNameReason(name), name);
  t.truthy(unsafeBlobNameReason(""));
  for (const name of [...v4, ...v5, "a..b/c", "...", "..%2f..%2fother", "a/.b/..c", "__proto__"]) t.is(unsafeBlobNameReason(name), undefined, name);
  // Only the strings holding a real `..` segment or a lone surrogate are refused.
  const loneSurrogate = (s: string) => /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
  for (const bad of HOSTILE_STRINGS) t.is(unsafeBlobNameReason(`oclog/alice/${bad}`) !== undefined, bad.split("/").some((s) => s === ".." || s === ".") || loneSurrogate(bad), JSON.stringify(bad.slice(0, 40)));
  t.regex(unsafeBlobNameReason("oclog/alice/\udc00x.gz") ?? "", /lone surrogate/);
});

test("a hostile name the check lets through stays inside its container in the SDK's request URL", (t) => {
  // The refusal above covers literal dot segments; this pins that the SDK escapes everything else
  // (percent-encoded dots, backslashes, controls) so no other name can leave the container either.
  const container = new ContainerClient("https://acct.blob.core.windows.net/oclog-mallory");
  const names = [
    "a/%2e%2e/%2e%2e/oclog-bob/x",
    "a/%2E./.%2e/oclog-bob/x",
    "a\\..\\..\\oclog-bob\\x",
    "a/..\\../oclog-bob/x",
    "a/%2f../x",
    "a/..%5c..%5coclog-bob/x",
    "a/\t../x",
    "a/ ../x",
    "a/..%00/x",
    ...HOSTILE_STRINGS.map((s) => `oclog/alice/${s}/x.gz`),
  ];
  for (const name of names) {
    if (unsafeBlobNameReason(name)) continue;
    t.true(new URL(container.getBlobClient(name).url).pathname.startsWith("/oclog-mallory/"), JSON.stringify(name));
  }
});
