// The collector keeps one connection to Fluent Bit's forward input. On a VM Fluent Bit starts
// with the placeholder SAS, the collector connects, and the first real SAS arrives later through
// `oclog sas install`, which hot-reloads Fluent Bit: the collector's sends after that reload must
// still be acknowledged and shipped.
import { join } from "node:path";
import test from "ava";
import { Collector } from "@oclog/collect";
import { Emitter } from "@oclog/schema";
import { OpenClawState } from "@oclog/test-kit/openclaw";
import { ShippingRig, waitFor } from "./shipping-rig.js";

test("a collector connected before a hot reload keeps delivering after it", async (t) => {
  t.timeout(180_000);
  const rig = await ShippingRig.start({ placeholderOnly: true });
  const state = new OpenClawState(join(rig.dir, "openclaw"));
  const emitter = new Emitter({ endpoint: { path: rig.paths.forwardSocket }, ackTimeoutMs: 10_000 });
  try {
    const collector = new Collector({ stateDir: state.dir, workDir: join(rig.dir, "collector"), sender: emitter });
    const first = state.appendLedger("before");
    const before = await collector.cycle();
    t.is(before.sent, first.length, `before the reload: ${JSON.stringify(before)}`);
    const installed = await rig.installSas(rig.sasUrl());
    t.is(installed.reload.method, "hot-reload");
    const second = state.appendLedger("after");
    const after = await collector.cycle();
    t.is(after.sendError, undefined, "the send after the reload is acknowledged");
    t.is(after.sent, second.length);
    collector.close();
    const sent = first.length + second.length;
    await waitFor(`all ${sent} records in blobs`, 60_000, async () => ((await rig.shipped()).length >= sent ? true : undefined), 1_000);
    t.is((await rig.shipped()).length, sent);
  } finally {
    await emitter.close();
    state.close();
    await rig.close();
  }
});
