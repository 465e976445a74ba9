// The committed captures of real OpenClaw gateways, one per release of the matrix
// (test/fixtures/openclaw-<version>/, written by capture.ts --version), against @oclog/schema.
// Fast; the live harness test asserts the same on a fresh capture of the newest release.
import test from "ava";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { RELEASES } from "./releases.js";
import { assertAllLinesValid, assertGuardsVisibleInGatewayLog, assertToolCallsRecovered } from "./schema-conformance.js";

for (const release of RELEASES) {
  const dir = fileURLToPath(new URL(`../fixtures/openclaw-${release.version}/`, import.meta.url));
  const empty = new Set(release.stores.ledger === "none" ? ["audit-ledger.jsonl"] : []);

  test(`${release.version}: the capture is of this release, through the stores the matrix names`, (t) => {
    const manifest = JSON.parse(readFileSync(`${dir}/manifest.json`, "utf8")) as { openclawVersion: string; locations: { transcripts: string }; sqliteSchemas: Record<string, string> };
    t.is(manifest.openclawVersion, release.version);
    t.is(manifest.locations.transcripts.includes("sessions/<sessionId>.jsonl"), release.stores.transcripts === "jsonl");
    const ledger = manifest.sqliteSchemas["state/openclaw.sqlite:audit_events"];
    t.is(ledger === undefined ? "none" : ledger.includes("schema_version") ? "audit-2026.9" : "audit-2026.7", release.stores.ledger);
  });
  test(`${release.version}: every line of the committed capture validates`, (t) => assertAllLinesValid(t, dir, empty));
  test(`${release.version}: the normalizer recovers every scripted tool call, with this release's outcomes`, (t) => assertToolCallsRecovered(t, dir));
  test(`${release.version}: guards in the committed gateway log normalize to auth failure, blocked fetch, blocked read`, (t) => assertGuardsVisibleInGatewayLog(t, dir));

  test(`${release.version}: committed fixtures hold no secrets or machine paths`, (t) => {
    for (const file of readdirSync(dir)) {
      const text = readFileSync(`${dir}/${file}`, "utf8");
      t.notRegex(text, /\/root\/|\/tmp\/oclog-[A-Za-z0-9]{6}|\.cache\/oclog/, `${file} has a machine path`);
      t.notRegex(text, /"(?:token|apiKey|password)"\s*:\s*"(?!<REDACTED>|__OPENCLAW_REDACTED__)[^"]{8,}"/i, `${file} has a secret`);
    }
  });
}
