/**
 * What a simple command destroys: recursive deletes of the home directory, the workspace or system
 * folders (not of build output such as node_modules or dist), shredding, raw writes to disks,
 * new file systems, wiped shell history and truncated logs, and force pushes (low: the remote can
 * usually be restored).
 */
import { normalisePath } from "./path-pattern.js";
import type { Destruction } from "./step-class.js";

const SYSTEM_DIRS = /^\/(?:$|\*|etc|usr|var|bin|sbin|lib|lib64|boot|opt|srv|root|home|dev|sys|proc)(?:\/\*?)?$/;
const HISTORY = /(?:^|\/)\.(bash|zsh|sh|python|node_repl|psql|mysql)_?history$|\/\.local\/share\/fish\/fish_history$/;
const LOG = /^\/var\/log(\/|$)|\.log(\.\d+)?$|(^|\/)\.openclaw\/(logs|agents\/[^/]+\/sessions)(\/|$)|\/journal(\/|$)/;

/** Why deleting `path` recursively is destructive, or null (build output, temp files). */
export function destructiveTarget(raw: string): string | null {
  const path = normalisePath(raw);
  if (raw.trim() === "") return null;
  if (HISTORY.test(path)) return `shell history ${path}`;
  if (path === "~" || path === "~/*" || /^\$HOME\/?\*?$/.test(raw)) return "the home directory";
  if (SYSTEM_DIRS.test(path)) return `the system folder ${path}`;
  if (/(^|\/)\.openclaw(\/workspace[^/]*)?(\/\*)?$/.test(path)) return `OpenClaw's state ${path}`;
  if (/(^|\/)\.openclaw\/workspace[^/]*\/[^/]+/.test(path) && !BUILD_OUTPUT.test(path)) return `workspace content ${path}`;
  if (/^~\/[^/]+\/?\*?$/.test(path) && !BUILD_OUTPUT.test(path) && !/^~\/(tmp|\.cache|Downloads)$/.test(path)) return `the home folder ${path}`;
  if (path === "." || path === "*" || path === "./*" || path === ".." || path === "../*") return `everything in the working directory (${raw})`;
  if (/^\.git$|\/\.git$/.test(path)) return `the git history ${path}`;
  if (LOG.test(path)) return `logs ${path}`;
  return null;
}

/**
 * One deletion judged by its path, whatever deletes it (rm, an interpreter's file API, a patch):
 * a tree of home, workspace, OpenClaw or system content is high; history and logs are high even one
 * file at a time (covering tracks); one content file alone is low (an edit can delete a file).
 */
export function deletionOf(raw: string, recursive: boolean, via: string): Destruction | null {
  const why = destructiveTarget(raw);
  if (!why) return null;
  const path = normalisePath(raw);
  if (recursive || HISTORY.test(path) || LOG.test(path)) return { what: `${via} ${raw}: deletes ${why}`.replace(/\s+/g, " "), severity: "high" };
  return { what: `${via} ${raw}: deletes one file of ${why}`.replace(/\s+/g, " "), severity: "low" };
}

/** Files emptied or deleted in one step: this many, or a glob, is a wholesale loss (high); fewer is low. */
export const MANY_FILES = 3;

const CONTENT_EXTENSION = /\.(md|markdown|txt|rst|adoc|org|tex|ts|tsx|js|jsx|mjs|cjs|py|rb|go|rs|java|kt|c|h|cc|cpp|hpp|cs|swift|php|sh|json|ya?ml|toml|ini|cfg|html|css|scss|sql|ipynb|csv|db|sqlite|sqlite3)$/i;

/**
 * Why emptying or deleting the file `raw` loses the user's work, or null: build output, temp files
 * and devices are not work. A relative path resolves against the workspace (the agent's working
 * directory), so a relative source or document file, or a relative glob, counts.
 */
export function contentFile(raw: string): string | null {
  const path = normalisePath(raw);
  if (raw.trim() === "" || raw.length > 4096 || BUILD_OUTPUT.test(path) || /^\/(tmp|dev|proc|run)\//.test(path)) return null;
  const target = destructiveTarget(raw);
  if (target) return target;
  if (/^[/~$]/.test(path)) return null;
  if (CONTENT_EXTENSION.test(path)) return `workspace file ${path}`;
  return /[*?]/.test(path) ? `workspace files ${path}` : null;
}

/** Emptying (truncating) files: logs and history are covering tracks (high); content by MANY_FILES. */
export function emptyingOf(paths: readonly string[], via: string): Destruction[] {
  const found: Destruction[] = [];
  const content: string[] = [];
  for (const raw of paths) {
    const path = normalisePath(raw);
    if (LOG.test(path) || HISTORY.test(path)) found.push({ what: `${via} empties ${raw}`, severity: "high" });
    else if (contentFile(raw)) content.push(raw);
  }
  if (content.length > 0) {
    const many = content.length >= MANY_FILES || content.some((p) => /[*?]/.test(p));
    const count = content.length > 1 ? `${content.length} paths of content` : /[*?]/.test(content[0]!) ? "every file a glob matches" : "a content file";
    found.push({ what: `${via} empties ${count}: ${content.slice(0, 8).join(" ")}`, severity: many ? "high" : "low" });
  }
  return found;
}

// Sources with no data in them: what dd copies from them only erases.
const NO_DATA = /^\/dev\/(zero|u?random|null)$/;
// Disk images, swap files, test blobs: files dd is meant to fill.
const DD_IMAGE = /\.(img|iso|bin|raw|qcow2|vhd|vmdk|dat)$|(^|\/)[^/]*swap[^/]*$/i;

/**
 * dd writing over a file (not a device): content overwritten with zeros or random bytes is
 * destroyed like shred (high, even one file); content overwritten with other data is one file
 * replaced, low like emptying it. Disk images, swap files, `/tmp` and build output are not content.
 */
export function ddOverwrite(target: string, source: string | undefined): Destruction | null {
  const path = normalisePath(target);
  if (DD_IMAGE.test(path)) return null;
  const why = contentFile(target) ?? (/\.(db|sqlite3?|mdb|accdb|kdbx)$/i.test(path) && !generatedPath(target) ? `the database ${path}` : null);
  if (!why) return null;
  if (source !== undefined && NO_DATA.test(source)) return { what: `dd overwrites ${why} with ${source}`, severity: "high" };
  return { what: `dd overwrites ${why}${source ? ` with ${source}` : ""}`, severity: "low" };
}

// rsync's last operand is the destination; options with a separate value are skipped.
function rsyncDestination(args: readonly string[]): string | null {
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (/^(-e|--rsh|--exclude|--include|--filter|-f|--files-from|--exclude-from|--include-from|--backup-dir|--suffix|--chmod|--chown|--rsync-path|--log-file|--password-file|--port|--bwlimit|--timeout|--compare-dest|--copy-dest|--link-dest|--partial-dir|--temp-dir|-T|--max-size|--min-size|--info|--debug|--out-format)$/.test(a)) i++;
    else if (!a.startsWith("-")) operands.push(a);
  }
  return operands.length >= 2 ? operands.at(-1)! : null;
}

/** Build output, lockfiles, caches and temp files: regenerated, so deleting them loses no work. */
export function generatedPath(raw: string): boolean {
  const path = normalisePath(raw);
  return BUILD_OUTPUT.test(path) || /^\/(tmp|dev|proc|run)\//.test(path) || /(^|\/)(package-lock\.json|pnpm-lock\.yaml|yarn\.lock|Cargo\.lock|poetry\.lock|\.DS_Store)$|\.(pyc|o|class|map|tsbuildinfo)$/.test(path);
}

/**
 * Files a patch deletes, by MANY_FILES: three or more of the user's files at once is high, one or
 * two low. A file added again under the same name in the same patch was moved, not lost.
 */
export function patchDeletionOf(paths: readonly string[], added: readonly string[] = []): Destruction | null {
  const base = (p: string) => normalisePath(p).replace(/^.*\//, "");
  const readded = new Set(added.map(base));
  const lost = paths.filter((p) => p.trim() !== "" && !generatedPath(p) && !readded.has(base(p)));
  if (lost.length === 0) return null;
  return { what: `apply_patch deletes ${lost.length} file${lost.length > 1 ? "s" : ""}: ${lost.slice(0, 8).join(" ")}${lost.length > 8 ? " ..." : ""}`, severity: lost.length >= MANY_FILES ? "high" : "low" };
}

// `-s 0`, `--size=0`, `-s -10K`, `-s <1M`, `-s /4K`: the size only goes down.
function truncateShrinks(args: readonly string[]): { shrinks: boolean; files: string[] } {
  let size: string | null = null;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "-s" || a === "--size" || a === "-r" || a === "--reference") {
      if (a === "-s" || a === "--size") size = args[i + 1] ?? null;
      i++;
    } else if (/^-s./.test(a)) size = a.slice(2);
    else if (a.startsWith("--size=")) size = a.slice(7);
    else if (!a.startsWith("-")) files.push(a);
  }
  return { shrinks: size !== null && /^(0+[KMGTPEZY]?B?|[-<\/].*)$/i.test(size), files };
}

// git's options before the subcommand, some with a value (`git -C dir clean -fdx`).
function gitSubcommand(args: readonly string[]): { sub: string | undefined; rest: string[] } {
  let i = 0;
  while (i < args.length && args[i]!.startsWith("-")) i += /^(-C|-c|--git-dir|--work-tree|--namespace|--exec-path|--config-env)$/.test(args[i]!) ? 2 : 1;
  return { sub: args[i], rest: args.slice(i + 1) };
}

const BUILD_OUTPUT = /(^|\/)(node_modules|dist|build|out|target|coverage|\.cache|\.next|\.turbo|__pycache__|\.pytest_cache|\.venv|venv|tmp|\.tmp)(\/|$)/;

/** The destruction one simple command does (program after wrappers). */
export function destructionOf(program: string, args: readonly string[], assignments: readonly string[]): Destruction[] {
  const found: Destruction[] = [];
  const operands = args.filter((a) => !a.startsWith("-") || a === "-");
  const flags = args.filter((a) => /^-/.test(a)).join(" ");
  switch (program) {
    case "rm":
    case "rmdir":
    case "unlink": {
      const recursive = /(^|\s)-[a-zA-Z]*[rR]|--recursive/.test(flags) || program !== "rm";
      const deletions = operands.map((operand) => deletionOf(operand, recursive || /[*?]/.test(operand), `${program} ${flags}`)).filter((d) => d !== null);
      found.push(...deletions);
      const single = deletions.filter((d) => d.severity === "low");
      if (single.length >= MANY_FILES) found.push({ what: `${program} deletes ${single.length} files of content at once`, severity: "high" });
      break;
    }
    case "shred":
    case "wipe":
    case "srm":
      for (const operand of operands) found.push({ what: `${program} overwrites ${operand}`, severity: "high" });
      break;
    case "dd": {
      const target = args.find((a) => a.startsWith("of="))?.slice(3);
      if (target && /^\/dev\/(?!null$|zero$|stdout$|stderr$|tty)/.test(target)) found.push({ what: `dd writes raw data to the device ${target}`, severity: "high" });
      else if (target) {
        const overwrite = ddOverwrite(target, args.find((a) => a.startsWith("if="))?.slice(3));
        if (overwrite) found.push(overwrite);
      }
      break;
    }
    case "rsync": {
      // --delete (and --delete-before/-during/-after/-delay/-excluded, --del) removes whatever the
      // destination holds that the source lacks: from an empty or other folder, the destination's
      // content. The destination is judged like `rm -r` of it; a remote one (host:path) is not local.
      if (!args.some((a) => /^--del(ete(-[a-z]+)?)?$/.test(a))) break;
      const destination = rsyncDestination(args);
      if (destination === null || /^[^/]*:/.test(destination) || destination.startsWith("rsync://")) break;
      const deletion = deletionOf(destination, true, "rsync --delete into");
      if (deletion) found.push(deletion);
      break;
    }
    case "wipefs":
    case "sfdisk":
    case "blkdiscard":
      found.push({ what: `${program} ${operands.join(" ")}: wipes a disk's signatures or partitions`, severity: "high" });
      break;
    case "history":
      if (/(^|\s)-[a-z]*c/.test(flags) || (/-[a-z]*d/.test(flags))) found.push({ what: "history -c clears the shell history", severity: "high" });
      break;
    case "unset":
      if (operands.some((a) => /^HIST(FILE|SIZE)$/.test(a))) found.push({ what: "unset HISTFILE: commands stop being recorded", severity: "high" });
      break;
    case "export":
    case "set":
      if (operands.some((a) => /^HISTFILE=(\/dev\/null)?$|^HISTSIZE=0$|^HISTFILESIZE=0$/.test(a)) || /\+o history/.test(args.join(" "))) {
        found.push({ what: "history recording turned off", severity: "high" });
      }
      break;
    case "truncate": {
      const { shrinks, files } = truncateShrinks(args);
      if (shrinks) found.push(...emptyingOf(files, "truncate"));
      break;
    }
    case "journalctl":
      if (/--vacuum-|--rotate/.test(flags)) found.push({ what: "journalctl discards journal entries", severity: "high" });
      break;
    case "ln":
      if (operands[0] === "/dev/null" && operands[1] && HISTORY.test(normalisePath(operands[1]))) found.push({ what: `history file ${operands[1]} linked to /dev/null`, severity: "high" });
      break;
    case "find":
      if (args.includes("-delete") || args.some((a, i) => a === "-exec" && /^(rm|shred)$/.test(args[i + 1] ?? ""))) {
        found.push({ what: `find ${operands[0] ?? "."} deletes what it matches`, severity: destructiveTarget(operands[0] ?? ".") ? "high" : "low" });
      }
      break;
    case "git": {
      const { sub, rest } = gitSubcommand(args);
      const subFlags = rest.filter((a) => a.startsWith("-")).join(" ");
      if (sub === "push" && (/(^|\s)(-f|--force|--force-with-lease|--mirror|--delete|-d)(\s|=|$)/.test(subFlags) || rest.some((a) => a.startsWith("+") || (a.startsWith(":") && a.length > 1)))) {
        found.push({ what: "git push rewrites or deletes remote history", severity: "low" });
      }
      if (sub === "clean" && !/(^|\s)(-[a-zA-Z]*n|--dry-run)/.test(subFlags) && /(^|\s)(-[a-zA-Z]*f|--force)/.test(subFlags)) {
        // -x also deletes ignored files (.env, local data, untracked notes): nothing can bring them back.
        if (/(^|\s)-[a-zA-Z]*x/.test(subFlags)) found.push({ what: "git clean -x deletes untracked and ignored files irrecoverably", severity: "high" });
        else if (/(^|\s)-[a-zA-Z]*[dX]/.test(subFlags)) found.push({ what: "git clean removes untracked files", severity: "low" });
      }
      if (sub === "reset" && rest.includes("--hard")) found.push({ what: "git reset --hard discards local changes", severity: "low" });
      break;
    }
    default:
      if (/^mkfs(\.|$)/.test(program)) found.push({ what: `${program} creates a new file system on ${operands.at(-1) ?? "a device"}`, severity: "high" });
  }
  if (assignments.some((a) => /^HISTFILE=(\/dev\/null)?$|^HISTSIZE=0$/.test(a))) found.push({ what: "history recording turned off", severity: "high" });
  return found;
}
