// Every SQL detection has a KQL twin or a stated reason why not; a twin carries its SQL rule's
// header field for field (minus match_count), every regex of the SQL rule verbatim, lints clean
// and returns the columns the hunt runner needs. The loader survives broken twins.
import test from "ava";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DETECTIONS_DIR, loadDetections } from "@oclog/detections";
import { KQL_DIR } from "../src/kql-dir.js";
import { loadKqlDetections, parseKqlDetection, type KqlDetection } from "../src/kql-detections.js";

const { detections: sqlDetections, errors: sqlErrors } = await loadDetections(DETECTIONS_DIR);
const { detections: twins, errors: twinErrors } = await loadKqlDetections(KQL_DIR);
const untranslatable = JSON.parse(readFileSync(join(KQL_DIR, "untranslatable.json"), "utf8")) as unknown;
const sqlByStem = new Map(sqlDetections.map((detection) => [detection.stem, detection]));

test("every twin loads without errors", (t) => {
  t.deepEqual(sqlErrors, []);
  t.deepEqual(twinErrors, []);
  t.true(twins.length > 0);
});

test("every SQL detection has a twin or a reason in untranslatable.json, never both, and nothing is orphaned", (t) => {
  t.true(typeof untranslatable === "object" && untranslatable !== null && !Array.isArray(untranslatable), "untranslatable.json is an object {stem: reason}");
  const reasons = untranslatable as Record<string, unknown>;
  for (const [stem, reason] of Object.entries(reasons)) {
    t.true(typeof reason === "string" && reason.trim().length >= 20, `${stem}: the reason says concretely why`);
    t.true(sqlByStem.has(stem), `${stem} in untranslatable.json names a SQL detection`);
  }
  const twinStems = new Set(twins.map((twin) => twin.stem));
  for (const stem of sqlByStem.keys()) {
    const listed = Object.hasOwn(reasons, stem);
    t.true(twinStems.has(stem) !== listed, `${stem}: exactly one of a twin (${twinStems.has(stem)}) or an untranslatable entry (${listed})`);
  }
  for (const stem of twinStems) t.true(sqlByStem.has(stem), `${stem}.kql has a SQL detection`);
});

for (const twin of twins) {
  const sql = sqlByStem.get(twin.stem);

  test(`${twin.stem}: header equals the SQL rule's, field for field, without match_count`, (t) => {
    if (sql === undefined) return t.fail(`no SQL detection ${twin.stem}.sql`);
    const { file: _twinFile, ...twinMeta } = twin.meta;
    const { file: _sqlFile, ...sqlMeta } = sql.meta;
    t.is(twin.id, sql.meta.id);
    t.deepEqual(twinMeta, sqlMeta);
    t.deepEqual(
      { author: twin.author, date: twin.date, modified: twin.modified, references: twin.references },
      { author: sql.author, date: sql.date, modified: sql.modified, references: sql.references },
    );
    t.false(/^\/\/ match_count:/m.test(readFileSync(twin.path, "utf8")));
  });

  test(`${twin.stem}: every regex of the SQL rule appears verbatim in the twin`, (t) => {
    if (sql === undefined) return t.fail(`no SQL detection ${twin.stem}.sql`);
    const patterns = sqlRegexLiterals(sql.sql);
    t.is(patterns.length, sql.sql.match(/\bregexp_(?:matches|extract_all|extract)\s*\(/g)?.length ?? 0, "one literal pattern per regexp_ call");
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

test("the loader reports each broken twin with every reason and loads the rest", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "oclog-kql-twins-"));
  const good = readFileSync(join(KQL_DIR, "tool_destructive_command.kql"), "utf8");
  const goodBody = good.slice(good.indexOf("\n\n") + 2);
  const header = (fields: Record<string, string>) => Object.entries(fields).map(([k, v]) => `// ${k}: ${v}`).join("\n");
  const base = {
    id: "0f6b2d84-5a3e-4c1f-9b7d-2e8a6c4f1d03",
    title: "Broken twin",
    status: "experimental",
    severity: "low",
    tags: "[attack.t1059]",
    description: "A twin written to be broken in a test.",
    falsepositives: "[None]",
  };
  writeFileSync(join(dir, "tool_good_twin.kql"), good);
  writeFileSync(join(dir, "tool_duplicate_id.kql"), good);
  writeFileSync(join(dir, "tool_match_count.kql"), `${header({ ...base, match_count: "3" })}\n\n${goodBody}`);
  writeFileSync(join(dir, "tool_lint_errors.kql"), `${header(base)}\n\nOclogEvents_CL\n| where TimeGenerated > oclog_since\n| where message has "x\n| project (TimeGenerated\n`);
  writeFileSync(join(dir, "tool_sql_header.kql"), `-- id: ${base.id}\n\n${goodBody}`);
  writeFileSync(join(dir, "tool_bad_severity.kql"), `${header({ ...base, severity: "severe" })}\n// not a field\n\n${goodBody}`);
  writeFileSync(join(dir, "Tool-Bad-Name.kql"), good);
  writeFileSync(join(dir, "tool_not_a_twin.sql"), "-- a SQL file is not a twin");

  const { detections, errors } = await loadKqlDetections(dir);
  t.deepEqual(detections.map((d) => d.stem), ["tool_duplicate_id"], "the first file with the id wins (sorted order)");
  const reasons = Object.fromEntries(errors.map((e) => [e.file.replace(/^.*\//, ""), e.reason]));
  t.deepEqual(Object.keys(reasons).sort(), [
    "Tool-Bad-Name.kql",
    "tool_bad_severity.kql",
    "tool_good_twin.kql",
    "tool_lint_errors.kql",
    "tool_match_count.kql",
    "tool_sql_header.kql",
  ]);
  t.regex(reasons["Tool-Bad-Name.kql"]!, /<logsource>_<name>\.kql/);
  t.regex(reasons["tool_good_twin.kql"]!, /duplicate id f8861605-1244-4893-8d09-256b8f7a4675, already used by .*tool_duplicate_id\.kql/);
  t.regex(reasons["tool_match_count.kql"]!, /a KQL twin has none/);
  t.regex(reasons["tool_sql_header.kql"]!, /no metadata header: the file must start with `\/\/ key: value`/);
  // Every problem of one file at once, header and body.
  t.regex(reasons["tool_bad_severity.kql"]!, /header line 8: expected "key: value".*unknown severity "severe"/);
  const lint = reasons["tool_lint_errors.kql"]!;
  for (const expected of [/line 11: string literal "\.\.\." is not closed/, /line 12: `\(` is never closed/, /never uses oclog_until/, /never uses oclog_users/]) {
    t.regex(lint, expected);
  }
});

test("parseKqlDetection reads the // header with the SQL rules' parser", (t) => {
  const parsed = parseKqlDetection(readFileSync(join(KQL_DIR, "auth_gateway_failure_burst.kql"), "utf8"));
  if (!parsed.ok) return t.fail(parsed.reason);
  t.is(parsed.detection.meta.severity, "medium");
  t.deepEqual(parsed.detection.meta.tags, ["attack.t1110", "attack.t1110.001", "attack.t1078"]);
  t.is(parsed.detection.meta.falsepositives.length, 1);
  t.regex(parsed.detection.meta.description, /counted once per\s+connection id/);
  t.false(parsed.detection.body.includes("// id:"), "the body starts after the header");
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
