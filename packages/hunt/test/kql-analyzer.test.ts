// Every bound twin passes Microsoft's Kusto analyzer against the OclogEvents_CL columns that
// `oclog schema export --format dcr` creates: no parse error, no unknown column or function.
import test from "ava";
import { KQL_DIR } from "../src/kql-dir.js";
import { kqlBind } from "../src/kql-bind.js";
import { loadKqlDetections } from "../src/kql-detections.js";
import { kustoErrors } from "./kusto-analyzer.js";

const bindings = { since: new Date("2026-11-01T00:00:00Z"), until: new Date("2026-12-01T00:00:00Z"), users: ["alice", "bob"] };

test("every bound twin analyzes without errors against the exported table", async (t) => {
  const { detections, errors } = await loadKqlDetections(KQL_DIR);
  t.deepEqual(errors, []);
  t.true(detections.length >= 18);
  for (const d of detections) t.deepEqual(kustoErrors(kqlBind(d.body, bindings)), [], d.stem);
});

test("the analyzer is live: it flags an unknown column, a keyword as a name and a broken query", (t) => {
  t.deepEqual(kustoErrors("OclogEvents_CL | where User == 'a' | project TimeGenerated, target.command"), []);
  t.regex(kustoErrors("OclogEvents_CL | where Usr == 'a'").join(), /KS142 .*'Usr'/);
  t.regex(kustoErrors("OclogEvents_CL | extend kind = 1").join(), /KS228 .*'kind'/);
  t.true(kustoErrors("OclogEvents_CL | where (").length > 0);
  // A table the export does not create is unknown too, so a twin cannot read OclogRaw_CL by mistake.
  t.regex(kustoErrors("OclogRaw_CL | take 1").join(), /KS\d+/);
});

test("the parsed step `oclog ingest` sends is a column the twins can read", (t) => {
  t.deepEqual(kustoErrors("OclogEvents_CL | where array_length(step.secret_kinds) > 0 | project step.tainted"), []);
  t.deepEqual(kustoErrors("OclogEvents_CL | where tobool(step.download_and_run) or step.destroys == 'high' | project TimeGenerated, step.unknown_hosts, step.taint_via"), []);
  // Without the exported column the analyzer would refuse it: the check is not vacuous.
  t.regex(kustoErrors("OclogEvents_CL | where array_length(stepx.secret_kinds) > 0").join(), /KS142 .*'stepx'/);
});
