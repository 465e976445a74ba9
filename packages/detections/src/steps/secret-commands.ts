/**
 * Commands whose output is a credential (`gh auth token`, `gcloud auth print-access-token`,
 * `kubectl config view --raw`, `git credential fill`...): no secret file is named, the tool reads
 * its own store and prints the token, so they are secret reads as much as `cat ~/.aws/credentials`.
 * The list is data (queries/catalogue/secret-commands.yml); this file compiles and matches it.
 */

/** One catalogue entry as written. */
export interface SecretCommandSpec {
  kind: string;
  program: string;
  commands: string[];
  flags?: string[] | undefined;
  why: string;
  source: string;
}

/** One entry, compiled: the program and each command's words as tests. */
export interface SecretCommandEntry {
  kind: string;
  why: string;
  source: string;
  program: string;
  commands: string[];
  flags: string[];
  matchesProgram(program: string): boolean;
  words: ((arg: string) => boolean)[][];
}

function glob(pattern: string): (word: string) => boolean {
  if (!pattern.includes("*")) return (word) => word === pattern;
  const regex = new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  return (word) => word.length <= 4096 && regex.test(word);
}

/** Compiles one entry (words may hold `*`, e.g. `docker-credential-*`). */
export function compileSecretCommand(spec: SecretCommandSpec): SecretCommandEntry {
  return {
    kind: spec.kind,
    why: spec.why,
    source: spec.source,
    program: spec.program,
    commands: spec.commands,
    flags: spec.flags ?? [],
    matchesProgram: glob(spec.program),
    words: spec.commands.map((command) => command.split(/\s+/).filter(Boolean).map(glob)),
  };
}

// The command's words in order among the arguments, other words (global options and their values,
// `aws --profile prod configure get ...`) allowed in between.
function inOrder(words: readonly ((arg: string) => boolean)[], args: readonly string[]): boolean {
  let at = 0;
  for (const arg of args) if (at < words.length && words[at]!(arg)) at++;
  return at === words.length;
}

/** The entry a program run matches (after wrappers), with the command text read; null when it prints no secret. */
export function secretCommandOf(entries: readonly SecretCommandEntry[], program: string, args: readonly string[]): { entry: SecretCommandEntry; text: string } | null {
  if (program === "" || args.length > 256) return null;
  for (const entry of entries) {
    if (!entry.matchesProgram(program)) continue;
    const command = entry.words.findIndex((words) => inOrder(words, args));
    if (command < 0) continue;
    if (entry.flags.length > 0 && !args.some((a) => entry.flags.some((f) => a === f || a.startsWith(`${f}=`)))) continue;
    return { entry, text: `${program} ${entry.commands[command]}${entry.flags.length > 0 ? ` ${entry.flags[0]}` : ""}` };
  }
  return null;
}
