/**
 * What interpreter code deletes and writes through its file APIs (python shutil/os/pathlib, node
 * fs, perl File::Path/unlink/open, ruby FileUtils/File), so `python3 -c "shutil.rmtree(p)"` is
 * judged like `rm -rf p` and `perl -e 'open F,">>",".bashrc"'` like `>> .bashrc`. Read with
 * regexes, like interpreter-code.ts: the path must be a string literal next to the call, or, when
 * the call takes a variable, the code's path literals stand in for it.
 */

/** One deletion: the path, whether the call removes a tree, and the call as written. */
export interface CodeDeletion {
  path: string;
  recursive: boolean;
  call: string;
}

/** What one code string deletes and writes. */
export interface FileEffects {
  deletes: CodeDeletion[];
  /** The code opens a file for writing or appending (its path literals are then written paths). */
  writes: boolean;
  /** Paths named directly by a write call (perl's `open F, ">>", "p"` and `open F, ">>p"` included). */
  writePaths: string[];
}

const LITERAL = String.raw`(?:'([^'\n]{1,2000})'|"([^"\n]{1,2000})")`;

// Calls that remove a whole tree, with the path as their first argument.
const TREE_CALL = String.raw`\b(shutil\s*\.\s*rmtree|rmtree|remove_tree|FileUtils\s*\.\s*(?:rm_rf|rm_r|remove_dir|remove_entry(?:_secure)?|rmtree))`;
// Calls that remove one file or an empty folder; node's rm/rmSync/rmdir become trees with `recursive: true`.
const FILE_CALL = String.raw`\b(os\s*\.\s*(?:remove|unlink|rmdir|removedirs)|(?:fs|fsp|promises)\s*\.\s*(?:rmSync|rm|rmdirSync|rmdir|unlinkSync|unlink)|rmSync|rmdirSync|unlinkSync|unlink|File\s*\.\s*(?:delete|unlink)|FileUtils\s*\.\s*(?:rm|rm_f|remove))`;

const TREE_WITH_LITERAL = new RegExp(`${TREE_CALL}\\s*\\(?\\s*(?:\\[\\s*)?${LITERAL}`, "g");
const FILE_WITH_LITERAL = new RegExp(`${FILE_CALL}\\s*\\(?\\s*${LITERAL}([^;\\n]{0,200})`, "g");
// pathlib: Path('x').unlink() / .rmdir(); shutil.rmtree(Path('x')).
const PATHLIB = new RegExp(`\\bPath\\s*\\(\\s*${LITERAL}\\s*\\)((?:\\s*\\.\\s*\\w+\\s*\\([^()]{0,200}\\))*?)\\s*\\.\\s*(unlink|rmdir)\\s*\\(`, "g");
const ANY_DELETE = new RegExp(`${TREE_CALL}\\s*\\(?\\s*[A-Za-z_$@][\\w.$]*|${FILE_CALL}\\s*\\(?\\s*[A-Za-z_$@][\\w.$]*|\\.\\s*(?:unlink|rmtree)\\s*\\(`, "g");

const WRITE_CALL = /\bopen\s*\([^)]{0,300}['"][wax]b?\+?['"]|\bopen\s*\([^)]{0,300}\bmode\s*=\s*['"][wax]|\b(?:write|append)File(?:Sync)?\s*\(|\bcreateWriteStream\s*\(|\bFile\s*\.\s*write\b|\bIO\s*\.\s*write\b|\bfile_put_contents\s*\(|\bwrite_(?:text|bytes)\s*\(|\bopen\s*\(?\s*(?:my\s+)?[$\w]+\s*,\s*['"](?:\+?>|>>)/;
// perl's three-argument and two-argument open: `open F, ">>", "/p"`, `open(my $f, ">/p")`.
const PERL_OPEN = /\bopen\s*\(?\s*(?:my\s+)?[$\w]+\s*,\s*(?:['"](?:\+?>>?|\+<)['"]\s*,\s*['"]([^'"\n]{1,2000})['"]|['"](?:\+?>>?)\s*([^'"\n]{1,2000})['"])/g;

/** Reads one code string's file effects; linear regexes on a bounded sample. */
export function fileEffects(code: string, pathLiterals: readonly string[]): FileEffects {
  const sample = code.length > 200_000 ? code.slice(0, 200_000) : code;
  const deletes: CodeDeletion[] = [];
  const named = new Set<number>();
  for (const m of sample.matchAll(TREE_WITH_LITERAL)) {
    deletes.push({ path: m[2] ?? m[3] ?? "", recursive: true, call: m[1]!.replace(/\s+/g, "") });
    named.add(m.index);
  }
  for (const m of sample.matchAll(FILE_WITH_LITERAL)) {
    const call = m[1]!.replace(/\s+/g, "");
    // node: rm/rmSync/rmdir with `recursive: true` removes the tree.
    const recursive = /\brecursive\s*:\s*true/.test(m[4] ?? "");
    deletes.push({ path: m[2] ?? m[3] ?? "", recursive, call });
    named.add(m.index);
  }
  for (const m of sample.matchAll(PATHLIB)) deletes.push({ path: m[1] ?? m[2] ?? "", recursive: false, call: `Path.${m[4]}` });
  // A delete call given a variable: the code's path literals are what it may remove.
  for (const m of sample.matchAll(ANY_DELETE)) {
    if (named.has(m.index) || deletes.length > 0) continue;
    // node's rm/rmdir remove a tree only with `recursive: true` in that call's options.
    const options = sample.slice(m.index, m.index + 300).split(/[;\n]/)[0]!;
    const recursive = new RegExp(TREE_CALL).test(m[0]) || /\.\s*rmtree/.test(m[0]) || (/\b(rm|rmSync|rmdir|rmdirSync)\s*\(/.test(m[0]) && /\brecursive\s*:\s*true/.test(options));
    for (const path of pathLiterals.slice(0, 16)) deletes.push({ path, recursive, call: m[0].replace(/\s*\(.*$/s, "").replace(/\s+/g, "") });
    break;
  }
  const writePaths = [...sample.matchAll(PERL_OPEN)].map((m) => (m[1] ?? m[2] ?? "").trim()).filter(Boolean);
  return { deletes: deletes.filter((d) => d.path !== "").slice(0, 64), writes: WRITE_CALL.test(sample), writePaths };
}
