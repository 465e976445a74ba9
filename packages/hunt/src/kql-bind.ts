/**
 * Binding a KQL twin's parameters. The Log Analytics Query API takes one query text and no
 * parameters, so the values travel as a prelude of `let` statements rendered as KQL literals,
 * and the twin's body follows unchanged: user input is never spliced into the body, only into
 * literals this module renders and escapes itself. Pure: no I/O.
 */
import { UsageError } from "@oclog/errors";
import { validateUserId } from "@oclog/investigate";

/** The names a twin's body may refer to; `kqlBind` declares exactly these. */
export const KQL_PARAMETERS = ["oclog_since", "oclog_until", "oclog_users"] as const;

/** Values for a hunt: the time window (inclusive at both ends) and the users; no users means all. */
export interface KqlBindings {
  since: Date;
  until: Date;
  users: readonly string[];
}

// KQL's datetime() takes years 0001-9999; Date.toISOString() switches to ±YYYYYY outside.
const MIN_TIME = Date.parse("0001-01-01T00:00:00.000Z");
const MAX_TIME = Date.parse("9999-12-31T23:59:59.999Z");

/** A KQL double-quoted string literal for any text: backslash, quote and control characters escaped. */
export function kqlString(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === "\\") out += "\\\\";
    else if (char === '"') out += '\\"';
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    // Other C0 controls, DEL and the Unicode line separators: never raw in a query line.
    else if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += char;
  }
  return `${out}"`;
}

/** A KQL `datetime(...)` literal in UTC with milliseconds; UsageError for an invalid or out-of-range date. */
export function kqlDatetime(date: Date, what = "time"): string {
  const problem = datetimeProblem(date, what);
  if (problem !== null) throw new UsageError(problem, { context: { what } });
  return `datetime(${date.toISOString()})`;
}

/** A KQL `dynamic([...])` literal of strings. */
export function kqlStringArray(values: readonly string[]): string {
  return `dynamic([${values.map(kqlString).join(", ")}])`;
}

/** The exact text to send: `let` statements binding the three parameters, then the body unchanged. Every bad value is reported in one UsageError. */
export function kqlBind(body: string, bindings: KqlBindings): string {
  const problems: string[] = [];
  const since = datetimeProblem(bindings.since, "since");
  const until = datetimeProblem(bindings.until, "until");
  if (since !== null) problems.push(since);
  if (until !== null) problems.push(until);
  if (since === null && until === null && bindings.since.getTime() > bindings.until.getTime()) {
    problems.push(`since (${bindings.since.toISOString()}) is after until (${bindings.until.toISOString()})`);
  }
  const users: string[] = [];
  for (const user of bindings.users) {
    try {
      users.push(validateUserId(user, "users"));
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  if (problems.length > 0) {
    throw new UsageError(`cannot bind the hunt parameters: ${problems.join("; ")}`, {
      hint: "the window needs two valid times with since <= until; user ids are 1-63 lowercase letters, digits and inner dashes",
      context: { problems },
    });
  }
  // One user listed twice would still match once; dropping it keeps the literal canonical.
  const unique = [...new Set(users)];
  const prelude = [
    `let oclog_since = ${kqlDatetime(bindings.since, "since")};`,
    `let oclog_until = ${kqlDatetime(bindings.until, "until")};`,
    `let oclog_users = ${kqlStringArray(unique)};`,
  ];
  return `${prelude.join("\n")}\n${body}`;
}

function datetimeProblem(date: Date, what: string): string | null {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) return `${what} is not a valid date`;
  if (date.getTime() < MIN_TIME || date.getTime() > MAX_TIME) return `${what} (${date.toISOString()}) is outside the years 0001-9999 KQL supports`;
  return null;
}
