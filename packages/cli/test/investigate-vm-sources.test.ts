// A container as the VM's own pipeline fills it: besides OpenClaw's records, the gate's access log,
// the egress record, the journal and oclog's own events (test/fixtures/vm-sources, shipped by real
// Fluent Bit 5.1.1). `oclog investigate` must read every one of them: nothing quarantined, exit 0,
// each source's events in the case.
import test from "ava";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { blobNameV5 } from "@oclog/test-kit/demo";
import { startAzurite, uploadDirectory, type Azurite } from "@oclog/test-kit/azurite";
import { runCli } from "./run-cli.js";

const vmSourcesDir = fileURLToPath(new URL("../../../test/fixtures/vm-sources/", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "oclog-cli-vm-sources-"));
const caseDir = join(work, "case");
let azurite: Azurite;

/** Each fixture as one blob per source, named the way Fluent Bit 5.x names them, at its upload time. */
function writeBlobs(dir: string): Record<string, number> {
  const lines: Record<string, number> = {};
  for (const file of readdirSync(vmSourcesDir).filter((f) => f.endsWith(".jsonl"))) {
    const text = readFileSync(join(vmSourcesDir, file), "utf8");
    const records = text.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);
    const source = records[0]!.oclog_source!;
    const uploadMs = Math.max(...records.map((r) => Date.parse(r["@timestamp"]!))) + 1_000;
    const path = join(dir, ...blobNameV5("alice", `openclaw.${source}`, uploadMs).split("/"));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, gzipSync(text));
    lines[source] = records.length;
  }
  return lines;
}

let shipped: Record<string, number>;
test.before(async () => {
  azurite = await startAzurite();
  const blobs = join(work, "blobs");
  shipped = writeBlobs(blobs);
  await uploadDirectory(azurite.connectionString, "oclog-alice", blobs);
  process.env.AZURE_STORAGE_CONNECTION_STRING = azurite.connectionString;
});
test.after.always(async () => {
  delete process.env.AZURE_STORAGE_CONNECTION_STRING;
  await azurite?.stop();
});

test.serial("investigate reads the gate, egress, journal and oclog records: 0 quarantined, exit 0", async (t) => {
  t.deepEqual(Object.keys(shipped).sort(), ["egress", "journal", "nginx", "oclog"]);
  const { code, stdout, stderr } = await runCli("investigate", "--user", "alice", "--case-dir", caseDir, "--json");
  t.is(code, 0, stderr);
  const summary = JSON.parse(stdout) as { quarantined: number; records: number };
  t.is(summary.quarantined, 0);
  t.is(summary.records, Object.values(shipped).reduce((a, b) => a + b, 0));
  const bySource = await runCli("sql", caseDir, "SELECT source, count(*)::INTEGER AS n FROM events GROUP BY source ORDER BY source", "--json");
  t.is(bySource.code, 0);
  const counts = Object.fromEntries(bySource.stdout.trim().split("\n").map((l) => JSON.parse(l) as { source: string; n: number }).map((r) => [r.source, r.n]));
  t.deepEqual(counts, shipped, "one event per record of each source");
});
