/**
 * Quoting one argument so that a scheduler hands it back unchanged: /bin/sh (what cron runs a
 * line with), a crontab line (cron itself rewrites `%` before sh sees the line), and systemd's
 * ExecStart= and Environment= (their own quotes, `%` specifiers and `$` variables). A value that
 * is also syntax (spaces, quotes, `$()`, backticks, `;`) stays one argument and runs nothing.
 */
import { UsageError, quoteUntrusted } from "@oclog/errors";

// Words made only of these need no quotes anywhere: not sh, not cron, not systemd.
const PLAIN = /^[A-Za-z0-9_@+=:,./-]+$/;

/** Control characters (a newline above all) cannot be quoted into a one-line crontab entry or unit setting. */
export function hasControlCharacter(text: string): boolean {
  return /[\x00-\x1f\x7f]/.test(text);
}

function refuseControl(text: string): void {
  if (hasControlCharacter(text)) throw new UsageError(`${quoteUntrusted(text)} has a newline or control character, which no crontab line or unit file can carry`);
}

/** One argument for /bin/sh: bare when plain, else single-quoted (`'` written as `'\''`). */
export function shQuote(arg: string): string {
  refuseControl(arg);
  if (PLAIN.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/**
 * One argument in a crontab line's command. cron turns an unescaped `%` into a newline before
 * sh runs the line, and `\%` into `%`. Every `%` here sits inside sh single quotes, so it is
 * written as `'\%'`: close the quote, the escaped percent (a plain `%` to sh), reopen. The
 * character before the backslash is then always a quote, never a backslash of the value's own,
 * which cron would take as escaping the escape.
 */
export function crontabQuote(arg: string): string {
  return shQuote(arg).replaceAll("%", `'\\%'`);
}

/**
 * One argument of a systemd ExecStart= line: bare when plain, else double-quoted with C escapes
 * for `\` and `"`; `%` (specifiers) doubled and `$` (variables) doubled everywhere.
 */
export function systemdQuote(arg: string): string {
  refuseControl(arg);
  const quoted = PLAIN.test(arg) ? arg : `"${arg.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  return quoted.replace(/[%$]/g, (c) => c + c);
}

/** Quotes, backslashes: systemd refuses to start an executable whose path has them ("special characters"). */
export const SYSTEMD_EXECUTABLE_REFUSES = /['"\\]/;

/**
 * The executable of an ExecStart= line: as an argument, except that systemd takes `$` in it
 * literally (it expands variables in the arguments only), and refuses quotes and backslashes.
 */
export function systemdExecutable(path: string): string {
  refuseControl(path);
  if (SYSTEMD_EXECUTABLE_REFUSES.test(path)) throw new UsageError(`systemd cannot start ${quoteUntrusted(path, 200)}: its path has a quote or backslash`);
  return (PLAIN.test(path) ? path : `"${path}"`).replace(/%/g, "%%");
}

/** A systemd `Environment=` assignment: quoted as one item, `%` doubled (it expands specifiers, not `$`). */
export function systemdEnvironment(name: string, value: string): string {
  refuseControl(value);
  return `Environment="${`${name}=${value}`.replace(/["\\]/g, (c) => `\\${c}`).replace(/%/g, "%%")}"`;
}
