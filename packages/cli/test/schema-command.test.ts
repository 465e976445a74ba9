import test from "ava";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { SOURCE_NAMES, dcrDefinition } from "@oclog/schema";
import { runCli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "oclog-cli-"));
const fixtures = fileURLToPath(new URL("../../schema/test/fixtures/", import.meta.url));
const records = readFileSync(join(fixtures, "gateway-log-variants.jsonl"), "utf8")
  .split("\n")
  .filter(Boolean)
  .map((line) => JSON.stringify((JSON.parse(line) as { record: unknown }).record));
const good = join(dir, "good.log");
writeFileSync(good, `${records.join("\n")}\n`);
const bad = join(dir, "bad.log");
writeFileSync(bad, `${records[0]}\n{"nope":true}\n\u001b]0;pwned\u0007garbage\n`);

test("--version prints the package version", async (t) => {
  const { code, stdout } = await runCli("--version");
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  t.is(code, 0);
  t.is(stdout.trim(), pkg.version);
});

test("--help lists the schema command with examples", async (t) => {
  const { code, stdout } = await runCli("schema", "validate", "--help");
  t.is(code, 0);
  t.regex(stdout, /--source <source>/);
  t.regex(stdout, /Examples:/);
  t.regex(stdout, /Exit status: 0 all lines valid, 1 some lines invalid, 2 usage error/);
});

test("validate: all valid exits 0 and counts variants", async (t) => {
  const { code, stdout } = await runCli("schema", "validate", "--source", "gateway-log", good);
  t.is(code, 0);
  t.regex(stdout, new RegExp(`${records.length} lines, ${records.length} valid, 0 invalid`));
  t.regex(stdout, /queue-overflow 1/);
});

test("validate --json: one object with files, totals and line errors; exit 1 on invalid lines", async (t) => {
  const { code, stdout } = await runCli("schema", "validate", "--json", good, bad);
  t.is(code, 1);
  const summary = JSON.parse(stdout) as any;
  t.deepEqual(Object.keys(summary).sort(), ["files", "invalid", "total", "valid"]);
  t.is(summary.files.length, 2);
  t.deepEqual(Object.keys(summary.files[1]).sort(), ["errors", "errorsOmitted", "invalid", "path", "total", "unknownShapes", "valid", "variants", "warnings"]);
  t.is(summary.invalid, 2);
  t.deepEqual(summary.files[1].errors.map((e: { line: number }) => e.line), [2, 3]);
  t.is(summary.total, records.length + 3);
});

test("text output neutralizes escapes from log content", async (t) => {
  const { stdout } = await runCli("schema", "validate", bad);
  t.notRegex(stdout, /\u001b/);
  t.notRegex(stdout, /\u0007/);
  t.regex(stdout, /line 3: not JSON/);
});

test("usage errors exit 2 with a hint", async (t) => {
  const missing = await runCli("schema", "validate", join(dir, "missing.log"), join(dir, "also-missing.log"));
  t.is(missing.code, 2);
  t.regex(missing.stderr, /cannot read ".*missing\.log"; cannot read ".*also-missing\.log"/);
  const directory = await runCli("schema", "validate", dir);
  t.is(directory.code, 2);
  t.regex(directory.stderr, /is not a regular file/);
  t.regex(missing.stderr, /hint: /);
  const badSource = await runCli("schema", "validate", "--source", "syslog", good);
  t.is(badSource.code, 2);
  t.regex(badSource.stderr, /Allowed choices are gateway-log/);
  const noFiles = await runCli("schema", "validate");
  t.is(noFiles.code, 2);
  const badNumber = await runCli("schema", "validate", "--max-line-bytes", "-3", good);
  t.is(badNumber.code, 2);
});

test("export writes every JSON Schema file", async (t) => {
  const out = join(dir, "export");
  const { code, stdout } = await runCli("schema", "export", "--out", out, "--json");
  t.is(code, 0);
  const expected = [...SOURCE_NAMES.map((s) => `${s}.schema.json`), "envelope.schema.json", "event.schema.json"].sort();
  t.deepEqual((JSON.parse(stdout) as { files: string[] }).files.map((f) => basename(f)).sort(), expected);
  t.deepEqual(readdirSync(out).sort(), expected);
});

test("export --format dcr prints the Log Analytics tables and the DCR, or writes them to --out", async (t) => {
  const { code, stdout } = await runCli("schema", "export", "--format", "dcr");
  t.is(code, 0);
  const printed = JSON.parse(stdout) as { tables: Record<string, { properties: { schema: { name: string; columns: { name: string; type: string }[] } } }>; dataCollectionRule: { properties: { streamDeclarations: Record<string, unknown>; dataFlows: { transformKql: string }[] } } };
  t.deepEqual(printed, JSON.parse(JSON.stringify(dcrDefinition())));
  const events = printed.tables.OclogEvents_CL!.properties.schema;
  t.is(events.name, "OclogEvents_CL");
  t.deepEqual(events.columns.slice(0, 2).map((c) => [c.name, c.type]), [["TimeGenerated", "datetime"], ["User", "string"]]);
  t.deepEqual(Object.keys(printed.dataCollectionRule.properties.streamDeclarations), ["Custom-OclogEvents_CL", "Custom-OclogRaw_CL"]);

  const file = join(dir, "azure", "oclog-dcr.json");
  const written = await runCli("schema", "export", "--format", "dcr", "--out", file, "--json");
  t.is(written.code, 0);
  t.deepEqual(JSON.parse(written.stdout), { files: [file] });
  t.deepEqual(JSON.parse(readFileSync(file, "utf8")), printed);

  const bad = await runCli("schema", "export", "--format", "arm");
  t.is(bad.code, 2);
  t.regex(bad.stderr, /Allowed choices are json-schema, dcr/);
});

test("the built binary runs (pnpm exec oclog uses it)", (t) => {
  const bin = fileURLToPath(new URL("../bin/oclog.js", import.meta.url));
  const out = execFileSync(process.execPath, [bin, "schema", "validate", "--json", good], { encoding: "utf8" });
  t.is((JSON.parse(out) as { invalid: number }).invalid, 0);
});
