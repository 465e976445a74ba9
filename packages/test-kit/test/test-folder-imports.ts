/**
 * Finds files that reach into another package's `test/` folder: a module specifier (static or
 * dynamic import, `export ... from`) or a module path given to `new URL(...)` (a child process
 * script) that resolves below `packages/<other>/test/`. Product code (`packages/*\/src`) may not
 * reach into any `test/` folder, the repository's own included. What several packages' tests
 * share belongs in @oclog/test-kit; the repository-wide harnesses in `test/` stay usable from tests.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

/** One reach into a test folder the layout forbids. */
export interface TestFolderImport {
  /** The importing file, relative to the repository root. */
  file: string;
  line: number;
  specifier: string;
  /** Where it resolves, relative to the repository root. */
  target: string;
}

const SCANNED_ROOTS = ["packages", "test", "scripts"];
const SKIPPED_DIRS = new Set(["node_modules", "dist", ".git"]);
const SOURCE_FILE = /\.(?:ts|mts|js|mjs)$/;
// Module specifiers: `from "x"`, `import("x")`, `import "x"`, and module files named in `new URL("x.ts", ...)`.
const SPECIFIERS = [/\bfrom\s+["']([^"']+)["']/g, /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g, /^\s*import\s+["']([^"']+)["']/gm, /\bnew URL\(\s*["']([^"']+\.(?:ts|js|mjs))["']/g];

/** Every source file below the scanned roots of `repo`. */
export function sourceFiles(repo: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (SKIPPED_DIRS.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (SOURCE_FILE.test(entry.name)) out.push(path);
    }
  };
  for (const root of SCANNED_ROOTS) walk(join(repo, root));
  return out;
}

/** `packages/<name>/<area>/...` as [name, area]; undefined outside packages/. */
function packageArea(repoPath: string): [string, string] | undefined {
  const parts = repoPath.split("/");
  return parts[0] === "packages" && parts.length > 2 ? [parts[1]!, parts[2]!] : undefined;
}

/** Whether `from` may not reach `to` (both relative to the repository root). */
function forbidden(from: string, to: string): boolean {
  const source = packageArea(from);
  const target = packageArea(to);
  // Product code reaches no test folder at all.
  if (source?.[1] === "src" && (target?.[1] === "test" || to.startsWith("test/"))) return true;
  // A package's test folder is its own: nobody outside the package reaches into it.
  return target?.[1] === "test" && source?.[0] !== target[0];
}

/** The forbidden reaches in one file's text (`file` is its absolute path). */
export function testFolderImportsIn(repo: string, file: string, text: string): TestFolderImport[] {
  const from = relative(repo, file).split(sep).join("/");
  const found: TestFolderImport[] = [];
  for (const pattern of SPECIFIERS) {
    for (const match of text.matchAll(pattern)) {
      const specifier = match[1]!;
      if (!specifier.startsWith(".")) continue;
      const target = relative(repo, resolve(dirname(file), specifier)).split(sep).join("/");
      if (!forbidden(from, target)) continue;
      const line = text.slice(0, match.index).split("\n").length;
      found.push({ file: from, line, specifier, target });
    }
  }
  return found;
}

/** Every forbidden reach into a test folder in the repository at `repo`. */
export function testFolderImports(repo: string): TestFolderImport[] {
  return sourceFiles(repo).flatMap((file) => testFolderImportsIn(repo, file, readFileSync(file, "utf8")));
}
