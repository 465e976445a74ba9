/**
 * Runs what `oclog sas schedule` prints the way the schedulers do, written from their manuals
 * and sources rather than from oclog's quoting code, so a quoting mistake shows as a failed run:
 * - cron (Vixie cron, Debian's): the command is the line after five time fields; `\%` becomes
 *   `%`, an unescaped `%` ends the command (the rest goes to stdin); /bin/sh -c runs it in $HOME
 *   with only HOME, LOGNAME, SHELL=/bin/sh and PATH=/usr/bin:/bin;
 * - systemd (systemd.service(5) "Command lines", systemd.syntax(7)): ExecStart= splits on
 *   whitespace, a word may be wholly "..." or '...' quoted, C escapes apply, then `%%` is `%`
 *   and, in the arguments (not the executable's path), `$$` is `$`; any other specifier or
 *   variable is refused here: the unit must use none.
 */
import { spawn } from "node:child_process";

/** cron's default PATH for a user's job. */
export const CRON_PATH = "/usr/bin:/bin";

/** The shell command cron hands to /bin/sh for a crontab entry, or throws where cron would cut it. */
export function cronCommand(line: string): string {
  const match = /^(?:\S+[ \t]+){5}(.*)$/.exec(line);
  if (!match) throw new Error(`not a crontab entry: ${line}`);
  let command = "";
  let escaped = false;
  for (const ch of match[1]!) {
    if (escaped) {
      escaped = false;
      if (ch === "%") command = command.slice(0, -1);
      command += ch;
      continue;
    }
    if (ch === "\\") escaped = true;
    else if (ch === "%") throw new Error(`an unescaped % ends the command after: ${command}`);
    command += ch;
  }
  return command;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function finished(child: ReturnType<typeof spawn>): Promise<Run> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => (stdout += String(d)));
  child.stderr?.on("data", (d) => (stderr += String(d)));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Runs a crontab entry as cron would for a user whose home is `home`. */
export function runAsCron(line: string, home: string): Promise<Run> {
  const env = { HOME: home, LOGNAME: "oclog-test", SHELL: "/bin/sh", PATH: CRON_PATH };
  return finished(spawn("/bin/sh", ["-c", cronCommand(line)], { cwd: home, env, stdio: ["ignore", "pipe", "pipe"] }));
}

function resolveSpecifiers(word: string): string {
  return word.replace(/%(.)/g, (whole, c: string) => {
    if (c === "%") return "%";
    throw new Error(`unit uses specifier ${whole}`);
  });
}

function resolveVariables(word: string): string {
  return word.replace(/\$(\$|\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)/g, (whole, c: string) => {
    if (c === "$") return "$";
    throw new Error(`unit expands variable ${whole}`);
  });
}

/** A unit setting's value split into words, quotes and C escapes removed. */
export function systemdWords(value: string): string[] {
  const words: string[] = [];
  let i = 0;
  const escapes: Record<string, string> = { n: "\n", t: "\t", "\\": "\\", '"': '"', "'": "'", " ": " " };
  while (i < value.length) {
    if (value[i] === " " || value[i] === "\t") {
      i++;
      continue;
    }
    const quote = value[i] === '"' || value[i] === "'" ? value[i++] : undefined;
    let word = "";
    let closed = quote === undefined;
    for (; i < value.length; i++) {
      const c = value[i]!;
      if (c === "\\") {
        const next = value[++i] ?? "";
        if (!(next in escapes)) throw new Error(`unknown escape \\${next}`);
        word += escapes[next];
      } else if (quote !== undefined && c === quote) {
        closed = true;
        i++;
        if (i < value.length && value[i] !== " " && value[i] !== "\t") throw new Error(`text after a closing quote: ${value.slice(i)}`);
        break;
      } else if (quote === undefined && (c === " " || c === "\t")) break;
      else word += c;
    }
    if (!closed) throw new Error(`unbalanced quote in ${value}`);
    words.push(word);
  }
  return words;
}

/** The value of the one `Key=` line of a unit. */
export function unitSetting(unit: string, key: string): string {
  const lines = unit.split("\n").filter((line) => line.startsWith(`${key}=`));
  if (lines.length !== 1) throw new Error(`${lines.length} ${key}= lines`);
  return lines[0]!.slice(key.length + 1);
}

/** ExecStart='s argv and Environment='s variables, as systemd would start the service. */
export function serviceCommand(unit: string): { argv: string[]; env: Record<string, string> } {
  // The executable's path takes `$` literally (systemd-analyze verify shows it): variables are for the arguments.
  const [path, ...args] = systemdWords(unitSetting(unit, "ExecStart")).map(resolveSpecifiers);
  const argv = [path!, ...args.map(resolveVariables)];
  const env: Record<string, string> = {};
  for (const assignment of systemdWords(unitSetting(unit, "Environment")).map(resolveSpecifiers)) {
    env[assignment.slice(0, assignment.indexOf("="))] = assignment.slice(assignment.indexOf("=") + 1);
  }
  return { argv, env };
}

/** Starts a service's command as a user manager would: its Environment=, HOME, working directory $HOME. */
export function runAsSystemdUser(unit: string, home: string): Promise<Run> {
  const { argv, env } = serviceCommand(unit);
  return finished(spawn(argv[0]!, argv.slice(1), { cwd: home, env: { HOME: home, ...env }, stdio: ["ignore", "pipe", "pipe"] }));
}
