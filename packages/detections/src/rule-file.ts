/**
 * The file format of a detection: one YAML file, Sigma-style, holding everything about the rule.
 * Its header (id, title, severity, ...), the SQL run on a case's DuckDB, the KQL twin run on Log
 * Analytics (or `kql_none`: why there is none), and its labelled test events. Kept pure (text in,
 * rule or every problem out) so the loader, the README generator and tests share one parser.
 */
import { parseDocument } from "yaml";
import { z } from "zod";
import { DETECTION_STATUSES } from "./rule-name.js";
import { SEVERITIES } from "./severity.js";
import { RuleTest } from "./rule-test.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const text = z.string().trim().min(1, "is empty");

/** A rule file's fields; unknown fields are refused, so a typo cannot quietly drop one. */
export const RuleFileSchema = z
  .strictObject({
    id: z.string().regex(UUID, "must be a lowercase UUID"),
    title: text,
    status: z.enum(DETECTION_STATUSES),
    severity: z.enum(SEVERITIES),
    /** ATT&CK (`attack.t1041`) and MITRE ATLAS (`atlas.aml.t0051`) technique tags. */
    tags: z.array(text),
    description: text,
    falsepositives: z.array(text),
    author: text.optional(),
    date: z.string().regex(DATE, "must be YYYY-MM-DD").optional(),
    modified: z.string().regex(DATE, "must be YYYY-MM-DD").optional(),
    references: z.array(text).optional(),
    /** One SELECT (or WITH ... SELECT) over `events`, run by investigate on the case's DuckDB. */
    sql: text.refine((sql) => /^(select|with|from)\b/i.test(stripLeadingComments(sql)), "must be one SELECT (or WITH ... SELECT) over events"),
    /** The twin over OclogEvents_CL, run by `oclog hunt` (its lint is @oclog/hunt's). */
    kql: text.optional(),
    /** Why the rule has no KQL twin, concretely. */
    kql_none: z.string().trim().min(20, "must say concretely why there is no twin (20 characters or more)").optional(),
    tests: z
      .array(RuleTest)
      .min(1, "needs labelled test events")
      // `when`: checked even while other events have problems, so every problem shows at once.
      .refine((tests) => duplicateNames(tests).length === 0, {
        when: () => true,
        error: (issue) => `duplicate test name(s): ${duplicateNames(issue.input).map((name) => JSON.stringify(name)).join(", ")}`,
      }),
  })
  .refine((rule) => !isObject(rule) || (rule.kql === undefined) !== (rule.kql_none === undefined), {
    when: () => true,
    path: ["kql"],
    message: "give exactly one of kql (the twin) or kql_none (why there is none)",
  });
export type RuleFileFields = z.infer<typeof RuleFileSchema>;

export type ParseRuleFileResult = { ok: true; rule: RuleFileFields } | { ok: false; reason: string };

/** Parses a rule file's text; every problem (YAML or field) is reported at once, joined with "; ". */
export function parseRuleFile(text: string): ParseRuleFileResult {
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (document.errors.length > 0) return { ok: false, reason: document.errors.map((error) => `YAML: ${oneLine(error.message)}`).join("; ") };
  const value: unknown = document.toJS();
  const parsed = RuleFileSchema.safeParse(value);
  if (!parsed.success) return { ok: false, reason: parsed.error.issues.map((issue) => describeIssue(issue, value)).join("; ") };
  const rule = parsed.data;
  return { ok: true, rule: { ...rule, sql: rule.sql.trim().replace(/;\s*$/, "").trimEnd(), ...(rule.kql === undefined ? {} : { kql: rule.kql.trim() }) } };
}

/** Names given to more than one test event (ava titles, and README counts, need them unique). */
function duplicateNames(tests: unknown): string[] {
  if (!Array.isArray(tests)) return [];
  const names = tests.map((test) => (isObject(test) ? test.name : undefined)).filter((name): name is string => typeof name === "string");
  return [...new Set(names.filter((name, index) => names.indexOf(name) !== index))];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** `tests[3] "near miss: ...".event.target: Unrecognized key: "cmd"`: the path, with the test's name when there is one. */
function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  let where = "";
  let node: unknown = value;
  for (const key of issue.path) {
    node = node !== null && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[key as PropertyKey] : undefined;
    if (typeof key === "number") {
      const name = node !== null && typeof node === "object" ? (node as { name?: unknown }).name : undefined;
      where += `[${key}]${typeof name === "string" ? ` ${JSON.stringify(name)}` : ""}`;
    } else where += where === "" ? String(key) : `.${String(key)}`;
  }
  return `${where === "" ? "the file" : where}: ${issue.message}`;
}

function oneLine(message: string): string {
  return message.split("\n")[0]!.trim();
}

function stripLeadingComments(sql: string): string {
  let rest = sql.trimStart();
  for (;;) {
    if (rest.startsWith("--")) rest = rest.slice(rest.indexOf("\n") === -1 ? rest.length : rest.indexOf("\n") + 1).trimStart();
    else if (rest.startsWith("/*") && rest.includes("*/")) rest = rest.slice(rest.indexOf("*/") + 2).trimStart();
    else return rest;
  }
}
