/**
 * `pnpm bench pipeline`: records/s from the gateway's file log to blobs Azurite acknowledged,
 * through real Fluent Bit 5.1.1 (test/pipeline/shipping-rig.ts: HTTPS to Azurite on loopback),
 * with the checked-in pipeline, side by side with the same pipeline without the redaction and
 * envelope filters (parsing, buffering, compression and upload unchanged). Each round appends
 * OCLOG_BENCH_RECORDS (default 200,000: enough that the 5 s flush interval is a small part of a round) new real gateway lines to the log of an idle Fluent Bit
 * and times until its blob output's `proc_records` (records whose upload Azurite acknowledged)
 * has grown by that many; the blobs are counted once at the end.
 */
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { presetNamed, renderYaml, VM_FLUENT_BIT_VERSION } from "@oclog/fluent-bit";
import { runSuite, type BenchResult } from "../../../scripts/bench-kit.js";
import { gatewayLines } from "../../../test/pipeline/gateway-lines.js";
import { ShippingRig, waitFor } from "../../../test/pipeline/shipping-rig.js";

/** The VM's pipeline without the filters under test: redact.lua and the record_modifiers. */
function withoutRedactionAndEnvelope(): string {
  const config = structuredClone(presetNamed("openclaw-vm").build({ fluentBitVersion: VM_FLUENT_BIT_VERSION }));
  config.pipeline.filters = config.pipeline.filters!.filter((f) => f.name !== "lua" && f.name !== "record_modifier");
  return renderYaml(config, ["Benchmark baseline: the openclaw-vm pipeline without redaction and envelope filters. Never shipped."]);
}

export async function run(): Promise<BenchResult[]> {
  const records = Number(process.env.OCLOG_BENCH_RECORDS ?? 200_000);
  const rigs = { full: await ShippingRig.start(), bare: await ShippingRig.start({ pipelineText: withoutRedactionAndEnvelope() }) };
  let next = 0;
  const shipThrough = async (rig: ShippingRig): Promise<number> => {
    const before = (await rig.shipCounters()).proc_records!;
    const from = next;
    next += records;
    appendFileSync(join(rig.paths.gatewayLogs, "openclaw.log"), `${gatewayLines(from, from + records, Date.now()).join("\n")}\n`);
    await waitFor(`${records} records acknowledged`, 600_000, async () => ((await rig.shipCounters()).proc_records! - before >= records ? true : undefined), 100);
    return records;
  };
  try {
    const results = await runSuite("ship: gateway log to acknowledged blobs, real Fluent Bit (records/s)", [
      { name: "without redaction and envelope filters", run: () => shipThrough(rigs.bare) },
      { name: "checked-in pipeline (redact.lua, envelope)", run: () => shipThrough(rigs.full) },
    ]);
    for (const [name, rig] of Object.entries(rigs)) {
      const shipped = (await rig.shipped()).length;
      if (shipped !== records * 3) throw new Error(`${name}: ${shipped} records in blobs, expected ${records * 3}`);
    }
    return results;
  } finally {
    await rigs.full.close();
    await rigs.bare.close();
  }
}
