import { DuckDBInstance } from "@duckdb/node-api";
import { loadDetections, DETECTIONS_DIR, runDetections } from "../src/index.js";
import { sortFindings } from "../src/reports/index.js";
import { buildSessionSteps } from "../src/load/session-steps.js";
import { collectReplay } from "../src/replay/collect-replay.js";
for (const name of process.argv.slice(2)) {
  const inst = await DuckDBInstance.create(`/tmp/sc/${name}/case/case.duckdb`);
  const c = await inst.connect();
  await c.run("SET TimeZone='UTC'");
  await buildSessionSteps(c);
  const ran = await runDetections(c, (await loadDetections(DETECTIONS_DIR)).detections);
  const findings = sortFindings(ran.findings);
  const r = await collectReplay(c, findings);
  console.log(`== ${name}`);
  console.log(r.story.headline);
  for (const s of r.story.sentences) console.log(" -", s.text, JSON.stringify(s.ref));
  for (const s of r.story.uncertain) console.log(" ?", s.text);
  console.log(r.pins.map((p) => `${p.detectionId.slice(0,4)} ${p.title.slice(0,30)} ${p.role} #${p.stepNo}`).join("\n"));
  c.closeSync(); inst.closeSync();
}
