// Every rule file has a KQL twin (`kql:`) or says why not (`kql_none:`); the twin's metadata is
// its rule's, read from the same file, so it cannot drift. Each twin carries every regex of its
// SQL verbatim, lints clean and returns the columns the hunt runner needs. The loader survives
// broken rules and twins.
import test from "ava";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { DETECTIONS_DIR, loadDetections } from "@oclog/detections";
import { kqlTwinOf, loadKqlDetections, type KqlDetection } from "../src/kql-detections.js";

const { detections: rules, errors: ruleErrors } = await loadDetections(DETECTIONS_DIR);
const { detections: twins, errors: twinErrors } = await loadKqlDetections(DETECTIONS_DIR);
const ruleByStem = new Map(rules.map((rule) => [rule.stem, rule]));

test("every twin loads without errors", (t) => {
  t.deepEqual(ruleErrors, []);
  t.deepEqual(twinErrors, []);
  t.true(twins.length > 0);
});

test("every rule has a twin or a concrete reason why not, never both", (t) => {
  for (const rule of rules) {
    t.true((rule.kql === null) !== (rule.kqlNone === null), `${rule.meta.file}: exactly one of kql or kql_none`);
    if (rule.kqlNone !== null) t.true(rule.kqlNone.trim().length >= 20, `${rule.meta.file}: kql_none says concretely why`);
  }
  t.is(twins.length + rules.filter((rule) => rule.kqlNone !== null).length, rules.length);
});

for (const twin of twins) {
  const rule = ruleByStem.get(twin.stem);

  test(`${twin.stem}: the twin's metadata is its rule file's`, (t) => {
    if (rule === undefined) return t.fail(`no rule ${twin.stem}.yml`);
    t.is(twin.id, rule.meta.id);
    t.deepEqual(twin.meta, rule.meta);
    t.is(twin.path, rule.path);
  });

  test(`${twin.stem}: every regex of the SQL rule appears verbatim in the twin`, (t) => {
    if (rule === undefined) return t.fail(`no rule ${twin.stem}.yml`);
    const patterns = sqlRegexLiterals(rule.sql);
    t.is(patterns.length, rule.sql.match(/\bregexp_(?:matches|extract_all|extract)\s*\(/g)?.length ?? 0, "one literal pattern per regexp_ call");
    // A SQL literal '...' (quotes doubled) is the KQL verbatim literal @'...' with the same text.
    for (const pattern of patterns) t.true(twin.body.includes(`@'${pattern}'`), `missing @'${pattern.slice(0, 70)}...'`);
  });

  test(`${twin.stem}: rows carry TimeGenerated, User and message, and the evidence pointers`, (t) => {
    const columns = finalProjection(twin);
    for (const column of ["TimeGenerated", "User", "host", "message", "raw_ref", "item_id"]) t.true(columns.includes(column), `${column} in ${columns.join(", ")}`);
    t.regex(twin.body, /\| sort by TimeGenerated asc, item_id asc\s*$/, "ends sorted by time like the SQL's ORDER BY");
    t.regex(twin.body, /\| where TimeGenerated between \(oclog_since \.\. oclog_until\)/);
    t.regex(twin.body, /\| where array_length\(oclog_users\) == 0 or User in \(oclog_users\)/);
  });
}

test("the loader reports each broken rule or twin with every reason, skips rules without a twin and loads the rest", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "oclog-kql-twins-"));
  const goodPath = ruleByStem.get("tool_destructive_command")!.path;
  const good = parse(readFileSync(goodPath, "utf8")) as Record<string, unknown>;
  const variant = (id: string, fields: Record<string, unknown>) => {
    const rule: Record<string, unknown> = { ...good, id, ...fields };
    for (const [key, value] of Object.entries(fields)) if (value === undefined) delete rule[key];
    return stringify(rule);
  };
  writeFileSync(join(dir, "tool_good_twin.yml"), readFileSync(goodPath, "utf8"));
  writeFileSync(
    join(dir, "tool_lint_errors.yml"),
    variant("0f6b2d84-5a3e-4c1f-9b7d-2e8a6c4f1d03", { kql: `OclogEvents_CL\n| where TimeGenerated > oclog_since\n| where message has "x\n| project (TimeGenerated\n` }),
  );
  writeFileSync(join(dir, "tool_no_twin.yml"), variant("5c1d7e2a-9b3f-4a6e-8d0c-1f2e3a4b5c6d", { kql: undefined, kql_none: "It reads a column a Log Analytics row does not have." }));
  writeFileSync(join(dir, "tool_bad_severity.yml"), variant("7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d", { severity: "severe" }));

  const { detections, errors } = await loadKqlDetections(dir);
  t.deepEqual(detections.map((d) => d.stem), ["tool_good_twin"]);
  const reasons = Object.fromEntries(errors.map((e) => [e.file.replace(/^.*\//, ""), e.reason]));
  t.deepEqual(Object.keys(reasons).sort(), ["tool_bad_severity.yml", "tool_lint_errors.yml"]);
  t.regex(reasons["tool_bad_severity.yml"]!, /severity: Invalid option/);
  // Every lint problem of one twin at once, with its line in the kql text.
  const lint = reasons["tool_lint_errors.yml"]!;
  for (const expected of [/kql line 3: string literal "\.\.\." is not closed/, /kql line 4: `\(` is never closed/, /never uses oclog_until/, /never uses oclog_users/]) {
    t.regex(lint, expected);
  }
});

test("kqlTwinOf takes the twin's metadata from its rule file", (t) => {
  const twin = kqlTwinOf(ruleByStem.get("auth_gateway_failure_burst")!);
  if (twin === null) return t.fail("auth_gateway_failure_burst has no twin");
  t.is(twin.meta.severity, "medium");
  t.deepEqual(twin.meta.tags, ["attack.t1110", "attack.t1110.001", "attack.t1078"]);
  t.is(twin.meta.falsepositives.length, 1);
  t.regex(twin.meta.description, /counted once per\s+connection id/);
  t.regex(twin.file, /^queries\/detections\/auth_gateway_failure_burst\.yml$/);
  t.is(kqlTwinOf({ ...ruleByStem.get("auth_gateway_failure_burst")!, kql: null, kqlNone: "no twin for this test's sake" }), null);
});

/** The second argument of every regexp_matches / regexp_extract / regexp_extract_all call, quotes still doubled. */
function sqlRegexLiterals(sql: string): string[] {
  const patterns: string[] = [];
  for (const call of sql.matchAll(/\bregexp_(?:matches|extract_all|extract)\s*\(/g)) {
    let i = call.index + call[0].length;
    let depth = 1;
    // Skip the first argument: to the comma at this call's depth, stepping over string literals.
    while (i < sql.length && !(depth === 1 && sql[i] === ",")) {
      if (sql[i] === "'") i = literalEnd(sql, i);
      else {
        if (sql[i] === "(") depth++;
        if (sql[i] === ")") depth--;
        i++;
      }
    }
    while (/\s/.test(sql[i + 1] ?? "")) i++;
    const start = i + 1;
    if (sql[start] !== "'") continue;
    patterns.push(sql.slice(start + 1, literalEnd(sql, start) - 1));
  }
  return patterns;
}

function literalEnd(sql: string, open: number): number {
  let i = open + 1;
  while (i < sql.length) {
    if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
    else if (sql[i] === "'") return i + 1;
    else i++;
  }
  return i;
}

/** Output column names of the twin's last `| project`. */
function finalProjection(twin: KqlDetection): string[] {
  const at = twin.body.lastIndexOf("\n| project ");
  if (at === -1) return [];
  const rest = twin.body.slice(at + "\n| project ".length);
  const end = rest.indexOf("\n|");
  const list = end === -1 ? rest : rest.slice(0, end);
  const columns: string[] = [];
  let depth = 0;
  let current = "";
  let quote: string | null = null;
  for (const char of list) {
    if (quote !== null) {
      if (char === quote) quote = null;
    } else if (char === "'" || char === '"') quote = char;
    else if ("([{".includes(char)) depth++;
    else if (")]}".includes(char)) depth--;
    else if (char === "," && depth === 0) {
      columns.push(current);
      current = "";
      continue;
    }
    current += char;
  }
  columns.push(current);
  return columns.map((column) => {
    const name = column.split("=")[0]!.trim();
    return name.replace(/^\['(.*)'\]$/, "$1");
  });
}
