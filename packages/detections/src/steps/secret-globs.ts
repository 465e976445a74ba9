/**
 * Secret material selected by name patterns rather than named: `find / -name 'id_*' -path
 * '*\/.ssh/*' | xargs cat`, `grep -r --include='.env*' KEY ~`. The search's patterns are globs and
 * so are the catalogue's, so each catalogue pattern is written out as example paths under the
 * search's start folder (its `*` filled in, and its last segment also replaced by each of the
 * search's name patterns, so `-name id_rsa` meets `.ssh/id_*`), and an example the search would
 * select that the catalogue calls secret (exceptions honoured: `*.pub`, `.env.example`) makes the
 * search a secret read of that kind. The caller decides whether the results are read.
 */
import { matchPathEntry, type Catalogue } from "./catalogue.js";
import { normalisePath } from "./path-pattern.js";
import type { SecretRead } from "./step-class.js";

/** One test of a search: a glob on the file name or the whole path, maybe negated. */
export interface NameTest {
  /** `shell`: a shell glob over the whole path (`*` stays in a segment and skips dot files). */
  on: "name" | "path" | "shell";
  glob: string;
  caseless: boolean;
  negated: boolean;
}

const HOME_PREFIX = /^(?:~|\$HOME|\$\{HOME\}|\/home\/[^/]+|\/root|\/Users\/[^/]+)(?=\/|$)/;

// fnmatch without FNM_PATHNAME, as find's -name/-path and grep's --include use it: `*` crosses `/`.
function globRegex(glob: string, caseless: boolean, shell = false): RegExp {
  let out = "";
  for (let i = 0; i < glob.length && i < 512; i++) {
    const c = glob[i]!;
    const segmentStart = i === 0 || glob[i - 1] === "/";
    if (c === "*") out += shell ? `${segmentStart ? "(?!\\.)" : ""}[^/]*` : ".*";
    else if (c === "?") out += shell ? `${segmentStart ? "(?!\\.)" : ""}[^/]` : ".";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end < 0) out += "\\[";
      else {
        out += `[${glob.slice(i + 1, end).replace(/^!/, "^").replace(/[\\\]]/g, "\\$&")}]`;
        i = end;
      }
    } else if (c === "\\" && i + 1 < glob.length) out += glob[++i]!.replace(/[.+^${}()|[\]\\*?]/g, "\\$&");
    else out += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`, caseless ? "i" : "");
}

// A glob written out as one example string: `*` and `?` become `x`, `[abc]` its first choice.
function example(glob: string): string {
  return glob.replace(/\*\*/g, "x").replace(/\*/g, "x").replace(/\?/g, "x").replace(/\[!?([^\]])[^\]]*\]/g, "$1");
}

/**
 * The first secret read that a search starting at `starts` and selecting files by `groups` (tests
 * all of which must hold, any group may; the `-o` of find) would reach; null when none.
 */
export function secretSelectedBy(catalogue: Catalogue, starts: readonly string[], groups: readonly NameTest[][], via: string): SecretRead | null {
  const compiled = groups
    .filter((g) => g.length > 0 && g.length <= 16)
    .slice(0, 8)
    .map((g) => g.map((t) => ({ ...t, regex: globRegex(t.glob, t.caseless, t.on === "shell") })));
  if (compiled.length === 0 || compiled.every((g) => g.every((t) => t.negated))) return null;
  const names = [...new Set(compiled.flat().filter((t) => t.on === "name" && !t.negated).map((t) => example(t.glob)))].slice(0, 8);
  for (const start of starts.slice(0, 8)) {
    const base = start.replace(/\/+$/, "") || "/";
    const home = HOME_PREFIX.exec(base)?.[0] ?? "/home/user";
    const startNorm = normalisePath(base);
    for (const entry of catalogue.secretPaths) {
      for (const pattern of entry.paths) {
        // A folder pattern (`.gnupg/private-keys-v1.d/**`) holds files of any name, so the search's
        // names are tried in it only when the search starts in that folder: otherwise every
        // `--include='*.ts'` would "select" a key folder that only exists in the home directory.
        const folder = pattern.source.endsWith("/**");
        const source = pattern.source.replace(/\/\*\*$/, "/x");
        let candidates: string[];
        if (source.startsWith("~/")) candidates = [`${home}/${source.slice(2)}`];
        else if (source.startsWith("/")) candidates = [source];
        else {
          const body = source.replace(/^\{workspace\}\//, "");
          candidates = [`${base === "/" ? "" : base}/${body}`, `${home}/${body}`, `${home}/.openclaw/workspace/${body}`];
        }
        for (const candidate of candidates.map(example)) {
          const inside = folder && startNorm !== "" && startNorm !== "/" && pattern.test(startNorm);
          const variants = [candidate, ...(folder && !inside ? [] : names.map((n) => candidate.replace(/[^/]*$/, n)))];
          for (const path of variants) {
            const norm = normalisePath(path);
            const under = startNorm === "/" || startNorm === "" ? !(startNorm === "" && /^[/~]/.test(norm)) : norm === startNorm || norm.startsWith(`${startNorm}/`);
            if (!under) continue;
            const basename = path.replace(/^.*\//, "");
            const selected = compiled.some((g) => g.every((t) => t.regex.test(t.on === "name" ? basename : path) !== t.negated));
            if (!selected) continue;
            const hit = matchPathEntry(catalogue.secretPaths, norm);
            if (hit) return { path: `${start} (${via})`, kind: hit.kind, reason: `${via} selects ${hit.kind} such as ${norm}: ${hit.why}` };
          }
        }
      }
    }
  }
  return null;
}

const FIND_TESTS: Record<string, { on: "name" | "path"; caseless: boolean }> = {
  "-name": { on: "name", caseless: false },
  "-iname": { on: "name", caseless: true },
  "-path": { on: "path", caseless: false },
  "-ipath": { on: "path", caseless: true },
  "-wholename": { on: "path", caseless: false },
  "-iwholename": { on: "path", caseless: true },
};

/** find's start folders and its name/path tests, grouped by `-o`. */
export function findSelection(args: readonly string[]): { starts: string[]; groups: NameTest[][] } {
  const starts: string[] = [];
  let i = 0;
  while (i < args.length && /^-[HLP]$|^-O\d$|^-D$/.test(args[i]!)) i += args[i] === "-D" ? 2 : 1;
  for (; i < args.length && !/^[-!(]/.test(args[i]!); i++) starts.push(args[i]!);
  const groups: NameTest[][] = [[]];
  let negated = false;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === "-not" || a === "!") negated = !negated;
    else if (a === "-o" || a === "-or") groups.push([]);
    else if (/^-(exec|execdir|ok|okdir)$/.test(a)) {
      while (i < args.length && args[i] !== ";" && args[i] !== "+") i++;
    } else if (FIND_TESTS[a] && args[i + 1] !== undefined) {
      groups.at(-1)!.push({ ...FIND_TESTS[a]!, glob: args[++i]!, negated });
      negated = false;
    } else negated = false;
  }
  return { starts: starts.length > 0 ? starts : ["."], groups: groups.filter((g) => g.some((t) => !t.negated)) };
}

// Programs a find hands its results to that only name or delete them.
const NOT_READERS = /^(rm|rmdir|shred|unlink|chmod|chown|chgrp|touch|ls|stat|file|du|echo|printf|basename|dirname|realpath|readlink|test|wc|mv)$/;

/** Whether find reads what it selects: `-exec cat {} +`, `-ok head`... (not -exec rm, -exec ls). */
export function findExecReads(args: readonly string[]): boolean {
  return args.some((a, i) => /^-(exec|execdir|ok|okdir)$/.test(a) && args[i + 1] !== undefined && !NOT_READERS.test(args[i + 1]!.replace(/^.*\//, "")));
}

/** Whether a command fed find's output reads the files it names (`xargs cat`, `tar -T -`, `zip -@`). */
export function readsListedFiles(program: string, args: readonly string[], wrappers: readonly string[]): boolean {
  if (wrappers.includes("xargs")) return program !== "" && !NOT_READERS.test(program);
  if (program === "tar") return args.some((a) => /^(-T|--files-from)(=|$)|^-[a-zA-Z]*T$/.test(a));
  if (program === "zip") return args.includes("-@");
  if (program === "cpio") return args.some((a) => /^-[a-zA-Z]*o|^--create$/.test(a));
  if (program === "rsync") return args.some((a) => /^--files-from/.test(a));
  return false;
}

// grep options whose value is the next word.
const GREP_VALUED = /^(-e|-f|-m|-A|-B|-C|-d|-D|--regexp|--file|--max-count|--after-context|--before-context|--context|--directories|--devices|--label|--color|--colour|--binary-files|--exclude-dir|--include|--exclude|--exclude-from)$/;

/**
 * A recursive grep (or rg, which recurses by default) restricted to file names by `--include`
 * (`-g`/`--glob`/`--iglob` for rg; a `!` glob or `--exclude` excludes): its folders and tests.
 * Null when the search is not recursive or has no name restriction.
 */
export function grepSelection(program: string, args: readonly string[]): { starts: string[]; groups: NameTest[][] } | null {
  const rg = program === "rg";
  if (!rg && !/^(grep|egrep|fgrep)$/.test(program)) return null;
  const recursive = rg || args.some((a) => /^-[a-zA-Z]*[rR]/.test(a) && !a.startsWith("--") || a === "--recursive" || a === "--dereference-recursive" || /^(--directories=|-d)recurse$/.test(a));
  if (!recursive) return null;
  const includes: NameTest[] = [];
  const excludes: NameTest[] = [];
  const operands: string[] = [];
  let patternGiven = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const valued = /^(--include|--exclude|--glob|--iglob|-g)=?(.*)$/.exec(a);
    if (valued && (rg || /^--(include|exclude)$/.test(valued[1]!))) {
      const glob = valued[2] !== "" || a.includes("=") ? valued[2]! : (args[++i] ?? "");
      const exclude = valued[1] === "--exclude" || glob.startsWith("!");
      const test: NameTest = { on: "name", glob: glob.replace(/^!/, "").replace(/^.*\//, ""), caseless: valued[1] === "--iglob", negated: exclude };
      (exclude ? excludes : includes).push(test);
    } else if (a === "-e" || a === "--regexp" || a === "-f" || a === "--file") {
      patternGiven = true;
      i++;
    } else if (GREP_VALUED.test(a) || (rg && /^(-t|-T|--type|--type-not|-j|--threads|-M|--max-columns|-r|--replace)$/.test(a))) i++;
    else if (!a.startsWith("-") || a === "-") operands.push(a);
  }
  if (includes.length === 0) return null;
  const starts = patternGiven ? operands : operands.slice(1);
  return { starts: starts.length > 0 ? starts : ["."], groups: includes.map((t) => [t, ...excludes]) };
}

/**
 * The secret material a shell glob word reaches (`cat ~/.ssh/*`, `tar cf - ~/.aws/*`): the glob is
 * matched as the shell expands it against the catalogue's examples under the folder before its
 * first wildcard. Null for a word without a wildcard.
 */
export function secretGlob(catalogue: Catalogue, word: string, via: string): SecretRead | null {
  if (!/[*?[]/.test(word) || word.length > 512) return null;
  const start = word.slice(0, word.search(/[*?[]/)).replace(/[^/]*$/, "") || ".";
  // A bare `*` names every file of its folder: secret only when the folder is (`~/.ssh/*`), not
  // because some folder might hold a `_netrc` (`cat docs/*`); `id_*`, `.env*` pin the name.
  const last = word.replace(/\/+$/, "").replace(/^.*\//, "");
  if (!/[^*?/]/.test(last) && !matchPathEntry(catalogue.secretPaths, normalisePath(start))) return null;
  return secretSelectedBy(catalogue, [start], [[{ on: "shell", glob: word, caseless: false, negated: false }]], via);
}
