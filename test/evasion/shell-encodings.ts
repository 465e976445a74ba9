/**
 * Ways to hide a shell command from a pattern that reads the command's text: the command runs
 * the same, but the words a rule looks for (curl, .bashrc, rm) never appear in it.
 */
const shellSingleQuoted = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** `echo <base64> | base64 -d | sh` */
export function base64PipedToShell(command: string, shell = "sh"): string {
  return `echo ${Buffer.from(command).toString("base64")} | base64 -d | ${shell}`;
}

/** `echo <hex> | xxd -r -p | bash` */
export function hexPipedToShell(command: string, shell = "bash"): string {
  return `echo ${Buffer.from(command).toString("hex")} | xxd -r -p | ${shell}`;
}

/** A word spelled as octal escapes for printf and put back by command substitution: `$(printf '\143\165\162\154')`. */
export function printfWord(word: string): string {
  const escaped = [...Buffer.from(word)].map((b) => `\\${b.toString(8).padStart(3, "0")}`).join("");
  return `$(printf ${shellSingleQuoted(escaped)})`;
}

/** Base64 of some text, URL-safe, as an exfil query value would carry it. */
export function base64Url(text: string): string {
  return Buffer.from(text).toString("base64url");
}

export function hexOf(text: string): string {
  return Buffer.from(text).toString("hex");
}
