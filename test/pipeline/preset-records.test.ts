// The generated pipeline's records must be readable by `oclog investigate`: real OpenClaw lines
// (the gateway file log and the config audit file of a captured run) tailed by the checked-in
// pipeline under real Fluent Bit 5.1.1, shipped to Azurite, and loaded from the blobs exactly as
// they were uploaded by the real case database.
// Fluent Bit 4.2.8 cannot run here (only the 5.1.1 binary exists); the 4.x preset is checked
// against its plugin schema in packages/fluent-bit/test/preset.test.ts.
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import test from "ava";
import { CaseDatabase } from "@oclog/investigate";
import { ShippingRig, waitFor } from "./shipping-rig.js";

const FIXTURES = new URL("../fixtures/openclaw-2026.9.6/", import.meta.url);

test("records the checked-in pipeline ships load into the case database with nothing quarantined", async (t) => {
  t.timeout(180_000);
  const gatewayLines = readFileSync(new URL("gateway.log", FIXTURES), "utf8").split("\n").filter(Boolean);
  const auditLines = readFileSync(new URL("config-audit.jsonl", FIXTURES), "utf8").split("\n").filter(Boolean);
  const rig = await ShippingRig.start();
  try {
    appendFileSync(join(rig.paths.gatewayLogs, "openclaw-2026-11-25.log"), `${gatewayLines.join("\n")}\n`);
    mkdirSync(dirname(rig.paths.configAudit), { recursive: true });
    appendFileSync(rig.paths.configAudit, `${auditLines.join("\n")}\n`);
    const shipped = await waitFor("every line in a blob", 60_000, async () => {
      const records = await rig.shipped();
      return records.length >= gatewayLines.length + auditLines.length ? records : undefined;
    }, 1_000);
    t.is(shipped.length, gatewayLines.length + auditLines.length);
    const first = shipped.find(({ record }) => record.oclog_source === "gateway")!.record;
    t.like(first, { oclog_user: "alice", oclog_host: process.env.HOSTNAME ?? hostname(), oclog_source: "gateway", oclog_v: "1" }, "record_modifier writes strings");
    t.is(first.log, gatewayLines.find((line) => line === first.log), "the raw line is kept in `log`");
    t.is(shipped.filter(({ record }) => record.oclog_source === "config-audit").length, auditLines.length);

    // The blobs as Fluent Bit uploaded them, bytes unchanged.
    const files = await rig.downloadBlobs();
    const db = await CaseDatabase.open(join(rig.dir, "case.duckdb"));
    try {
      const load = await db.load(files, { maxLineBytes: 4 * 1024 * 1024, workDir: join(rig.dir, "work") });
      t.is(load.records, gatewayLines.length + auditLines.length);
      t.is(load.quarantined, 0, JSON.stringify(load.quarantineByReason));
      t.true(load.events > 0);
      for (const [line, n] of rig.problems()) t.log(`fluent-bit x${n}: ${line}`);
    } finally {
      db.close();
    }
  } finally {
    await rig.close();
  }
});
