/**
 * The secrets a scheduled rotation signs with, from a file instead of argv or the crontab:
 * `NAME=value` lines (the form systemd's EnvironmentFile= and dotenv read) holding only AZURE_*
 * variables, e.g. AZURE_STORAGE_CONNECTION_STRING (Azurite), AZURE_STORAGE_KEY, or a service
 * principal's AZURE_CLIENT_ID / AZURE_TENANT_ID / AZURE_CLIENT_SECRET. Like ssh with a private
 * key, it refuses a file that anyone but its owner can read.
 */
import { readFileSync, statSync } from "node:fs";
import { Sensitive, UsageError, quoteUntrusted } from "@oclog/errors";

const LINE = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;
const AZURE_NAME = /^AZURE_[A-Z0-9_]+$/;

function unquote(value: string): string {
  const trimmed = value.trim();
  const quote = trimmed[0];
  return (quote === '"' || quote === "'") && trimmed.length >= 2 && trimmed.endsWith(quote) ? trimmed.slice(1, -1) : trimmed;
}

/** The file's variables; values stay wrapped, and no error ever quotes one. */
export function readAzureEnvFile(path: string): Map<string, Sensitive<string>> {
  let mode: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new UsageError(`--env-file ${quoteUntrusted(path, 200)} is not a regular file`);
    mode = stat.mode;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--env-file ${quoteUntrusted(path, 200)} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { hint: "create it with one NAME=value a line, e.g. AZURE_STORAGE_KEY=..., then chmod 600 it" });
  }
  if ((mode & 0o077) !== 0) {
    throw new UsageError(`--env-file ${quoteUntrusted(path, 200)} is readable or writable by others (mode ${(mode & 0o777).toString(8)}): it holds secrets`, { hint: `chmod 600 ${path}` });
  }
  const variables = new Map<string, Sensitive<string>>();
  readFileSync(path, "utf8")
    .split(/\r?\n/)
    .forEach((raw, index) => {
      const line = raw.trim();
      if (line === "" || line.startsWith("#")) return;
      const match = LINE.exec(line);
      if (!match) throw new UsageError(`--env-file line ${index + 1} is not NAME=value`, { hint: "one variable a line, e.g. AZURE_STORAGE_KEY=...; # starts a comment" });
      if (!AZURE_NAME.test(match[1]!)) throw new UsageError(`--env-file line ${index + 1}: ${match[1]} is not an AZURE_* variable; only Azure credentials belong in this file`);
      variables.set(match[1]!, new Sensitive(unquote(match[2]!)));
    });
  return variables;
}

/** Puts the file's variables into this process's environment (the Azure SDK reads them there); returns their names. */
export function loadAzureEnvFile(path: string): string[] {
  const variables = readAzureEnvFile(path);
  for (const [name, value] of variables) process.env[name] = value.reveal();
  return [...variables.keys()];
}
