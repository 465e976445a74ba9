// The catalog of gateway log shapes each release of the matrix writes
// (packages/schema/src/sources/gateway-log/known-shapes.json): generated from the committed
// captures, current, and used by `oclog schema validate` to count the lines no release wrote.
import test from "ava";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_VALIDATE_OPTIONS, messageTemplate, readRawLines, releasesWriting, releasesWritingVariant, validateLines } from "@oclog/schema";
import { KNOWN_SHAPES_FILE, KNOWN_VARIANTS_FILE, knownShapesText, knownVariantsText } from "./known-shapes.js";
import { RELEASES } from "./releases.js";

test("the committed catalog is what the captures give (regenerate with `pnpm shapes:known`)", (t) => {
  t.is(readFileSync(KNOWN_SHAPES_FILE, "utf8"), knownShapesText());
});

test("the committed variant catalog is what the captures give (regenerate with `pnpm shapes:known`)", (t) => {
  t.is(readFileSync(KNOWN_VARIANTS_FILE, "utf8"), knownVariantsText());
});

test("the variant catalog knows which release writes which variant of each source", (t) => {
  const all = RELEASES.map((r) => r.version);
  // Every release's transcript keeps tool results; only 2026.9 records tool calls in the runtime trajectory.
  t.deepEqual(releasesWritingVariant("transcript", "message:toolResult"), all);
  t.deepEqual(releasesWritingVariant("trajectory", "runtime:tool.call"), ["2026.9.6"]);
  // 2026.6 keeps no audit ledger.
  t.deepEqual(releasesWritingVariant("ledger", "tool_action"), all.filter((v) => v !== "2026.6.35"));
  t.deepEqual(releasesWritingVariant("transcript", "never-written"), []);
});

test("the catalog knows which release writes which message", (t) => {
  const blocked = { subsystem: null, template: "[tools] web_fetch failed: Blocked hostname or private/internal/special-use IP address raw_params=<*>" };
  t.deepEqual(releasesWriting(blocked), ["2026.6.35", "2026.7.35"], "2026.8 and later log the blocked fetch differently");
  t.deepEqual(releasesWriting({ subsystem: "gateway/new", template: "never written" }), []);
});

for (const release of RELEASES) {
  test(`${release.version}: every line of its capture is of a known shape`, async (t) => {
    const path = fileURLToPath(new URL(`../fixtures/openclaw-${release.version}/gateway.log`, import.meta.url));
    const report = await validateLines(path, readRawLines(path, DEFAULT_VALIDATE_OPTIONS.maxLineBytes), { ...DEFAULT_VALIDATE_OPTIONS, source: "gateway-log" });
    t.is(report.unknownShapes.lines, 0, JSON.stringify(report.unknownShapes.shapes.slice(0, 3)));
  });
}

test("lines of a message no release wrote are valid, and counted per shape with their template", async (t) => {
  const base = JSON.parse(readFileSync(fileURLToPath(new URL("../fixtures/openclaw-2026.9.6/gateway.log", import.meta.url)), "utf8").split("\n")[0]!) as Record<string, unknown>;
  const line = (message: string) => JSON.stringify({ ...base, "0": '{"subsystem":"gateway/future"}', "1": message, message });
  const path = join(mkdtempSync(join(tmpdir(), "oclog-shapes-")), "gateway.log");
  writeFileSync(path, [line("session 9f1c2e3d-0000-4000-8000-00000000abcd resumed after 42 ms from /var/lib/x"), line("session 11111111-2222-4333-8444-555555555555 resumed after 7 ms from /tmp/y"), line("quota left=3")].join("\n") + "\n");
  const report = await validateLines(path, readRawLines(path, DEFAULT_VALIDATE_OPTIONS.maxLineBytes), DEFAULT_VALIDATE_OPTIONS);
  t.is(report.invalid, 0);
  t.is(report.unknownShapes.lines, 3);
  t.deepEqual(report.unknownShapes.shapes, [
    { subsystem: "gateway/future", template: "session <id> resumed after <n> ms from <path>", lines: 2 },
    { subsystem: "gateway/future", template: "quota left=<*>", lines: 1 },
  ]);
});

test("a template masks what varies: URLs, ids, paths, key=value, quoted text and numbers", (t) => {
  t.is(messageTemplate('fetch https://a.example/x?y=1 for run 0b9a1c2d3e4f took 12.5s: "slow" path=/etc/passwd ~/notes'), 'fetch <url> for run <id> took <n>s: "<*>" path=<*> <path>');
});
