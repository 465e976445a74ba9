// The booted VM's own journal (test/fixtures/vm-sources/journal-guest.export: the guest's units,
// exported by `journalctl -o export` during `pnpm test:vm` and scrubbed), made into a journal file
// by systemd-journal-remote and shipped by the checked-in pipeline under real Fluent Bit: every
// entry the journal input's filter names reaches a blob once, and `oclog investigate` reads them
// all with nothing quarantined and no finding at medium or above, as befits an ordinary boot.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { fieldText, parseJournalExport } from "../vm-boot/journal-export.js";
import { retimeJournalExport, writeJournalExport } from "./journal-files.js";
import { runOclog } from "./oclog-child.js";
import { ShippingRig, waitFor } from "./shipping-rig.js";

const EXPORT = new URL("../fixtures/vm-sources/journal-guest.export", import.meta.url);
const PIPELINE = new URL("../../fluent-bit/openclaw-vm.yaml", import.meta.url);

/** The units the pipeline's journal input reads, by `_SYSTEMD_UNIT=` or `UNIT=` (its systemd_filter). */
function filteredUnits(): Set<string> {
  const units = new Set<string>();
  for (const match of readFileSync(PIPELINE, "utf8").matchAll(/^ +- (?:_SYSTEMD_UNIT|UNIT)=(\S+)$/gm)) units.add(match[1]!);
  return units;
}

test("the guest's real journal ships whole and investigates clean: 0 quarantined, nothing at medium or above", async (t) => {
  t.timeout(240_000);
  const exported = readFileSync(EXPORT);
  const units = filteredUnits();
  const entries = parseJournalExport(exported);
  const expected = entries.filter((e) => units.has(fieldText(e, "_SYSTEMD_UNIT")) || units.has(fieldText(e, "UNIT"))).length;
  t.true(expected > 100, `${expected} entries of the pipeline's units in the fixture`);
  const journalDir = mkdtempSync(join(tmpdir(), "oclog-guest-journal-"));
  // Shipped now, as the VM's journal would be: its newest entry a minute old.
  const shipped = retimeJournalExport(exported, (Date.now() - 60_000) * 1000);
  await writeJournalExport(journalDir, shipped, "guest");
  const rig = await ShippingRig.start({ journalDir, user: "image" });
  try {
    const journal = async () => (await rig.shipped()).filter((r) => r.record.oclog_source === "journal");
    await waitFor(`${expected} journal records in blobs`, 120_000, async () => ((await journal()).length >= expected ? true : undefined), 1_000);
    t.is((await journal()).length, expected, "each entry once");
    const caseDir = join(rig.dir, "case");
    const run = await runOclog(["investigate", "--user", "image", "--case-dir", caseDir, "--json", "--no-progress"], { env: rig.oclogEnv });
    t.is(run.code, 0, run.stderr.slice(-2000));
    const summary = JSON.parse(run.stdout) as { quarantined: number; findings: { id: string; severity: string; title: string }[] };
    t.is(summary.quarantined, 0);
    const loud = summary.findings.filter((f) => f.severity !== "low" && f.severity !== "informational");
    t.deepEqual(loud.map((f) => `${f.severity}: ${f.title}`), [], "an ordinary boot raises nothing at medium or above");
    for (const [line, n] of rig.problems()) t.log(`fluent-bit x${n}: ${line}`);
  } finally {
    await rig.close();
    rmSync(journalDir, { recursive: true, force: true });
  }
});
