// Issue 20: every file of test/hostile/corpus/fluent-bit/ planted. A `.yaml` names the rules
// validate must raise (`# expect:` on its first line); refused-params.jsonl holds --param values
// generate must refuse. Reports come back escaped, so no value can drive the reader's terminal.
import { readFileSync, readdirSync } from "node:fs";
import test from "ava";
import { UsageError } from "@oclog/errors";
import { formatDiagnostic, presetNamed, validateYaml } from "./preset-fixture.js";

const CORPUS = new URL("../../../test/hostile/corpus/fluent-bit/", import.meta.url);
const files = readdirSync(CORPUS).filter((name) => name.endsWith(".yaml")).sort();
/** Raw terminal controls (line feeds between diagnostics aside). */
const RAW_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

test("the corpus has a file per class this surface closes", (t) => {
  t.true(files.length >= 14, files.join(", "));
});

for (const name of files) {
  test(`validate refuses ${name} with the rules it names, escaped`, (t) => {
    const text = readFileSync(new URL(name, CORPUS), "utf8");
    const expected = /^# expect: (.+)$/m.exec(text)?.[1]?.split(",").map((rule) => rule.trim());
    if (!expected) return t.fail(`${name} has no "# expect:" line`);
    const report = validateYaml(text, "5.1.1", name);
    const errors = new Set(report.diagnostics.filter((d) => d.severity === "error").map((d) => d.rule));
    for (const rule of expected) t.true(errors.has(rule), `${name}: no ${rule} among ${[...errors].join(", ")}`);
    const shown = report.diagnostics.map(formatDiagnostic).join("\n");
    t.false(RAW_CONTROL.test(shown), `${name}: a raw control character reaches the terminal`);
    t.true(shown.length < 40_000, `${name}: ${shown.length} characters of report`);
  });
}

test("generate refuses every value of refused-params.jsonl, naming the parameter", (t) => {
  const rows = readFileSync(new URL("refused-params.jsonl", CORPUS), "utf8").trim().split("\n").map((line) => JSON.parse(line) as { param: string; value: string; why: string });
  t.true(rows.length >= 20);
  for (const { param, value, why } of rows) {
    const params = param.startsWith("azure_") && param !== "azure_logs" ? { azure_logs: "on", [param]: value } : { [param]: value };
    const error = t.throws(() => presetNamed("openclaw-vm").build({ fluentBitVersion: "5.1.1", params }), { instanceOf: UsageError }, why);
    t.true(error?.message.includes(`${param} is `), `${why}: ${error?.message}`);
    t.false(RAW_CONTROL.test(error?.message ?? ""), why);
  }
});
