/**
 * Turns the normalizers' JavaScript regular expressions into SQL literals for DuckDB (RE2), so
 * the SQL path and the TypeScript reference match on the very same patterns.
 */
import { CATEGORY_RULES } from "../categories.js";

/** A JS RegExp as an RE2 pattern literal with its flags inlined (`(?is)...`). */
export function sqlRegex(re: RegExp): string {
  const flags = [re.flags.includes("i") ? "i" : "", re.flags.includes("s") ? "s" : ""].join("");
  // RE2 has no \uXXXX escape; \x{XXXX} means the same code point.
  const source = re.source.replace(/\\u([0-9a-fA-F]{4})/g, "\\x{$1}");
  return sqlString(flags ? `(?${flags})${source}` : source);
}

/** A SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** `regexp_matches(expr, pattern)` for a JS RegExp. */
export function matches(expr: string, re: RegExp): string {
  return `regexp_matches(${expr}, ${sqlRegex(re)})`;
}

/** The category CASE expression, rule for rule from @oclog/schema's CATEGORY_RULES. */
export function categorySql(subsystem: string, action: string, message: string): string {
  const whens = CATEGORY_RULES.map((rule) => {
    const conditions = [
      rule.subsystem ? `(${subsystem} IS NOT NULL AND ${matches(subsystem, rule.subsystem)})` : null,
      rule.action ? matches(action, rule.action) : null,
      rule.message ? matches(`left(${message}, 2000)`, rule.message) : null,
    ].filter((c): c is string => c !== null);
    return `WHEN ${conditions.join(" AND ")} THEN ${sqlString(rule.category)}`;
  });
  return `CASE ${whens.join(" ")} ELSE 'other' END`;
}
