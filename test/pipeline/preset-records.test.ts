// The generated pipeline's records must be readable by `oclog investigate`. No Fluent Bit runs
// here, so this test applies the preset's own envelope filters (read from the generated config,
// not restated) to real OpenClaw fixture lines, writes them the way azure_blob does (gzip JSON
// lines, time in the preset's date_key), and loads them with the real case database.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import test from "ava";
import { propertyText } from "@oclog/fluent-bit";
import { aliceVmPipeline, envelopeFor } from "./pipeline-envelope.js";
import { CaseDatabase } from "@oclog/investigate";
import { ENVELOPE_FIELDS } from "@oclog/schema";

const FIXTURES = new URL("../fixtures/openclaw-2026.9.6/", import.meta.url);

for (const version of ["4.2.8", "5.1.1"]) {
  test(`records shaped by the ${version} preset load into the case database with nothing quarantined`, async (t) => {
    const config = aliceVmPipeline(version);
    const output = config.pipeline.outputs[0]!;
    t.is(propertyText(output, "date_key"), ENVELOPE_FIELDS.timestamp);
    const work = mkdtempSync(join(tmpdir(), "oclog-preset-records-"));
    try {
      const gatewayLines = readFileSync(new URL("gateway.log", FIXTURES), "utf8").split("\n").filter(Boolean);
      const auditLines = readFileSync(new URL("config-audit.jsonl", FIXTURES), "utf8").split("\n").filter(Boolean);
      const shipped = (tag: string, lines: string[], timeKey: string) =>
        lines.map((line) => {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          // parser filter with reserve_data + preserve_key: fields merged, raw line kept in `log`.
          const record = { [ENVELOPE_FIELDS.timestamp]: new Date(String(parsed[timeKey])).toISOString(), ...parsed, [ENVELOPE_FIELDS.rawLine]: line, ...envelopeFor(config, tag) };
          return JSON.stringify(record);
        });
      const files = [
        { blob: "openclaw.gateway.x.1795596485810.gz", lines: shipped("openclaw.gateway", gatewayLines, "time") },
        { blob: "openclaw.config-audit.x.1795596485811.gz", lines: shipped("openclaw.config-audit", auditLines, "ts") },
      ].map(({ blob, lines }) => {
        const path = join(work, blob);
        writeFileSync(path, gzipSync(`${lines.join("\n")}\n`));
        return { blob, path };
      });
      const first = JSON.parse(firstLine(files[0]!.path)) as Record<string, unknown>;
      t.is(first.oclog_user, "alice");
      t.is(first.oclog_host, "vm-alice");
      t.is(first.oclog_source, "gateway");
      t.is(first.oclog_v, "1", "record_modifier writes strings");

      const db = await CaseDatabase.open(join(work, "case.duckdb"));
      try {
        const load = await db.load(files, { maxLineBytes: 4 * 1024 * 1024, workDir: join(work, "w") });
        t.is(load.records, gatewayLines.length + auditLines.length);
        t.is(load.quarantined, 0, JSON.stringify(load.quarantineByReason));
        t.true(load.events > 0);
      } finally {
        db.close();
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}

function firstLine(path: string): string {
  return gunzipSync(readFileSync(path)).toString("utf8").split("\n")[0]!;
}
