// Envelope spoofing end to end against a real Azurite: erin's container holds her VM's real
// Fluent Bit blobs and one blob a hostile writer shaped (records naming alice, a line backdated by
// days, a line stamped after the upload). `oclog investigate --since` must keep the backdated
// line, say why in the timeline, and raise both envelope rules on exactly the planted lines.
import test from "ava";
import { mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";
import { BlobServiceClient } from "@azure/storage-blob";
import { startAzurite, type Azurite } from "@oclog/test-kit/azurite";
import { STAMPED_BEFORE_WINDOW } from "../src/load/envelope-checks.js";
import { runInvestigation } from "../src/run-investigation.js";
import { Sensitive } from "../src/sensitive.js";

const samples = fileURLToPath(new URL("../../../../shared/fluent-bit/samples/fluent-bit-v5/oclog/alice/", import.meta.url));
let azurite: Azurite;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

// The real v5 gateway blob (uploaded 2026-11-25T08:55:16.802Z, records 08:21-08:29), as erin's VM would ship it.
const gatewayPath = filesUnder(samples).find((p) => p.includes("openclaw.gateway."))!;
const uploadMs = 1795596916802;
const asErin = (line: string) => JSON.stringify({ ...(JSON.parse(line) as object), oclog_user: "erin", oclog_host: "vm-erin" });
const honest = gunzipSync(readFileSync(gatewayPath)).toString("utf8").split("\n").filter(Boolean).map(asErin);

function restamp(line: string, ms: number): string {
  const record = JSON.parse(line) as Record<string, any>;
  const iso = new Date(ms).toISOString();
  record.time = iso.replace("Z", "+00:00");
  if (record._meta) record._meta.date = iso;
  record["@timestamp"] = iso.replace("Z", "000Z");
  return JSON.stringify(record);
}

// The hostile blob: 10 real records; line 3 names alice, line 6 is stamped 3 days back, line 8 an hour after the upload.
const hostile = honest.slice(0, 10).map((line, index) => {
  if (index === 2) return JSON.stringify({ ...(JSON.parse(line) as object), oclog_user: "alice" });
  if (index === 5) return restamp(line, uploadMs - 3 * 86_400_000);
  if (index === 7) return restamp(line, uploadMs + 3_600_000);
  return line;
});
const hostileBlob = `oclog/erin/openclaw.gateway/2026/11/25/08/openclaw.gateway.${"H".repeat(64)}.${uploadMs + 1}.gz`;

test.before(async () => {
  azurite = await startAzurite();
  const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient("oclog-erin");
  await container.createIfNotExists();
  await container.getBlockBlobClient(`oclog/erin/openclaw.gateway/2026/11/25/08/openclaw.gateway.${"R".repeat(64)}.${uploadMs}.gz`).uploadData(gzipSync(`${honest.join("\n")}\n`));
  await container.getBlockBlobClient(hostileBlob).uploadData(gzipSync(`${hostile.join("\n")}\n`));
});
test.after.always(async () => {
  await azurite?.stop();
});

test("investigate --since: the spoofed and backdated lines are raised, the backdated one kept and marked in the timeline", async (t) => {
  const caseDir = join(mkdtempSync(join(tmpdir(), "oclog-envelope-e2e-")), "case");
  const result = await runInvestigation({
    connectionString: new Sensitive(azurite.connectionString),
    oclogVersion: "test",
    caseDir,
    user: "erin",
    since: "2026-11-25T08:50:00Z",
    until: "2026-11-25T09:00:00Z",
  });
  t.is(result.blobs.downloaded, 2);
  t.is(result.load.quarantined, 0);
  const lines = (stem: string) =>
    (result.findings.find((f) => f.detection.file.endsWith(`${stem}.yml`))?.rows ?? []).map((r) => `${String(r.blob)}:${String(r.line)}`).sort();
  t.deepEqual(lines("pipeline_envelope_names_another_user"), [`${hostileBlob}:3`], "only the line naming alice");
  t.deepEqual(lines("pipeline_record_stamped_far_from_upload"), [`${hostileBlob}:6`, `${hostileBlob}:8`], "only the backdated and the future-stamped line");
  t.is(result.load.eventsEnvelopeMismatch, 1);

  const timeline = readFileSync(result.reports.timelineJsonl!, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  const backdated = timeline.find((r) => r.blob === hostileBlob && r.line === 6);
  t.truthy(backdated, "the line stamped three days before --since is in the timeline");
  t.is(backdated!.window_note, STAMPED_BEFORE_WINDOW);
  t.true(Number(backdated!.stamp_skew_s) > 3 * 86_400 - 1);
  const spoofed = timeline.find((r) => r.blob === hostileBlob && r.line === 3);
  t.regex(String(spoofed!.envelope_mismatch), /oclog_user alice is not erin/);
  t.true(timeline.filter((r) => r.blob !== hostileBlob).every((r) => r.envelope_mismatch === null), "erin's honest blob is not marked");
});
