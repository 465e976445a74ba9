/**
 * The script files a command runs: `sh install.sh`, `python3 tool.py`, `source env.sh`, `./x`.
 * Where a rule knows a file was fetched or written earlier (in this step or another), running it is
 * what matters, and the shell words alone do not say which word is the file: interpreters' options
 * take values (`python3 -W ignore x.py`, `node -r ts-node/register x.ts`, `bash -o pipefail x.sh`),
 * `-c`/`-e` carry code instead, `python -m` names a module. Paths are kept as written, not resolved.
 */
import { CODE_FLAGS } from "./interpreter-code.js";

// Options whose next word is a value, per runner.
const VALUED: Record<string, RegExp> = {
  shell: /^[-+]o$|^-O$|^--(rcfile|init-file)$/,
  python: /^-[WXQ]$|^--check-hash-based-pycs$/,
  node: /^-r$|^--(require|import|loader|experimental-loader|env-file|conditions|input-type|title|inspect-port)$/,
  perl: /^-[IMmx]$/,
  ruby: /^-[IrCx]$/,
  php: /^-[cdz]$/,
  deno: /^--(config|import-map|allow-\w+|deny-\w+|env|env-file)$/,
  bun: /^-r$|^--(preload|config|env-file)$/,
};

// Binaries installed by the system are programs, not the scripts this column is about.
const SYSTEM_BIN = /^\/(usr|bin|sbin|lib|lib64|snap|nix|opt\/homebrew)\//;

/**
 * The files one command runs. `programWord` is the program as written (`./install.sh`), `program`
 * its basename after wrappers, `family` the interpreter family (or null), `shell` whether it is a shell.
 */
export function runFiles(programWord: string, program: string, args: readonly string[], family: string | null, shell: boolean): string[] {
  if (program === "source" || program === ".") return plainFile(args[0]) ? [args[0]!] : [];
  if (shell || family !== null) {
    const runner = shell ? "shell" : family!;
    const code = shell ? /^-[a-zA-Z]*c[a-zA-Z]*$/ : new RegExp(`^(${(CODE_FLAGS[family!] ?? []).map((f) => f.replace(/[-]/g, "\\-")).join("|")})$|^-[a-zA-Z]*[${family === "python" ? "cm" : "eE"}]$`);
    for (let i = 0; i < args.length && i < 64; i++) {
      const arg = args[i]!;
      if (arg === "--") return plainFile(args[i + 1]) ? [args[i + 1]!] : [];
      if (code.test(arg) || (shell && arg === "-s") || arg === "-") return [];
      if (family === "deno" && (arg === "run" || arg === "test")) continue;
      if (family === "bun" && arg === "run") continue;
      if (arg.startsWith("-") || arg.startsWith("+")) {
        if (VALUED[runner]?.test(arg)) i++;
        continue;
      }
      return plainFile(arg) ? [arg] : [];
    }
    return [];
  }
  return programWord.includes("/") && !SYSTEM_BIN.test(programWord) && plainFile(programWord) ? [programWord] : [];
}

// A word that can name a file: not a substitution, a stream or a device.
function plainFile(word: string | undefined): boolean {
  return word !== undefined && word !== "" && word.length <= 4096 && !/^[<>]\(|^\/dev\/(stdin|fd\/)|^-$/.test(word);
}
