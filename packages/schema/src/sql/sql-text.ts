/**
 * Turns the normalizers' JavaScript regular expressions into SQL literals for DuckDB (RE2), so
 * the SQL path and the TypeScript reference match on the very same patterns.
 */
import { CATEGORY_RULES } from "../categories.js";

/** A JS RegExp's pattern in RE2 syntax and the flags RE2 shares with it. */
function re2Parts(re: RegExp): { flags: string; source: string } {
  const flags = [re.flags.includes("i") ? "i" : "", re.flags.includes("s") ? "s" : ""].join("");
  // RE2 has no \uXXXX escape; \x{XXXX} means the same code point.
  return { flags, source: re.source.replace(/\\u([0-9a-fA-F]{4})/g, "\\x{$1}") };
}

/** A JS RegExp as an RE2 pattern literal with its flags inlined (`(?is)...`). */
export function sqlRegex(re: RegExp): string {
  const { flags, source } = re2Parts(re);
  return sqlString(flags ? `(?${flags})${source}` : source);
}

/**
 * Several JS RegExps as one RE2 alternation literal, each in a group with its own flags
 * (`(?i:...)|(?:...)`): it matches a text exactly when one of them does.
 */
export function anyOfSqlRegex(patterns: readonly RegExp[]): string {
  return sqlString(patterns.map((re) => re2Parts(re)).map(({ flags, source }) => `(?${flags}:${source})`).join("|"));
}

/** A SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A quoted SQL identifier (a table or column name), safe whatever characters the name holds. */
export function sqlIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `regexp_matches(expr, pattern)` for a JS RegExp. */
export function matches(expr: string, re: RegExp): string {
  return `regexp_matches(${expr}, ${sqlRegex(re)})`;
}

/**
 * Whether any category rule's message pattern matches `message` (as categorySql reads it): one
 * scan of the text. Computed once per row, it spares a message no rule matches (most of them)
 * a scan per rule.
 */
export function anyMessageRuleSql(message: string): string {
  return `regexp_matches(left(${message}, 2000), ${anyOfSqlRegex(CATEGORY_RULES.flatMap((rule) => (rule.message ? [rule.message] : [])))})`;
}

/**
 * The category CASE expression, rule for rule from @oclog/schema's CATEGORY_RULES. `messageHint`
 * names a column holding anyMessageRuleSql of the same message, tested before each message rule.
 */
export function categorySql(subsystem: string, action: string, message: string, messageHint?: string): string {
  const whens = CATEGORY_RULES.map((rule) => {
    const conditions = [
      rule.subsystem ? `(${subsystem} IS NOT NULL AND ${matches(subsystem, rule.subsystem)})` : null,
      rule.action ? matches(action, rule.action) : null,
      rule.message ? `${messageHint === undefined ? "" : `${messageHint} AND `}${matches(`left(${message}, 2000)`, rule.message)}` : null,
    ].filter((c): c is string => c !== null);
    return `WHEN ${conditions.join(" AND ")} THEN ${sqlString(rule.category)}`;
  });
  return `CASE ${whens.join(" ")} ELSE 'other' END`;
}
