/**
 * The program a simple command really runs: `sudo -u x env A=1 nohup timeout 5 nice -n 5 curl ...`
 * runs curl. Wrappers are stripped with their own options (so `timeout 5` does not make `5` the
 * program); what each wrapper was is kept for the analyst.
 */

/** The program's basename and its arguments after the wrappers, plus the wrappers' names. */
export interface UnwrappedCommand {
  program: string;
  args: string[];
  wrappers: string[];
}

// Per wrapper: the options that take a value (skipped with it), and how many plain words come
// before the wrapped command (timeout's DURATION, chroot's DIR, flock's FILE).
const WRAPPERS: Record<string, { valued: RegExp; leading: number }> = {
  sudo: { valued: /^-[ugCDhprtUT]$|^--(user|group|host|prompt|chdir|role|type|other-user|close-from)$/, leading: 0 },
  doas: { valued: /^-[uC]$/, leading: 0 },
  env: { valued: /^-[uCS]$|^--(unset|chdir|split-string)$/, leading: 0 },
  nohup: { valued: /^$/, leading: 0 },
  setsid: { valued: /^$/, leading: 0 },
  nice: { valued: /^-n$|^--adjustment$/, leading: 0 },
  ionice: { valued: /^-[cnp]$/, leading: 0 },
  stdbuf: { valued: /^-[ioe]$/, leading: 0 },
  timeout: { valued: /^-[sk]$|^--(signal|kill-after)$/, leading: 1 },
  time: { valued: /^-[fo]$/, leading: 0 },
  command: { valued: /^$/, leading: 0 },
  builtin: { valued: /^$/, leading: 0 },
  exec: { valued: /^-a$/, leading: 0 },
  xargs: { valued: /^-[IiEeLlnPsda]$|^--(replace|eof|max-lines|max-args|max-procs|max-chars|delimiter|arg-file)$/, leading: 0 },
  chroot: { valued: /^--(userspec|groups)$/, leading: 1 },
  flock: { valued: /^-[wEc]$/, leading: 1 },
  unbuffer: { valued: /^$/, leading: 0 },
  proxychains: { valued: /^-f$/, leading: 0 },
  proxychains4: { valued: /^-f$/, leading: 0 },
  torsocks: { valued: /^$/, leading: 0 },
  caffeinate: { valued: /^$/, leading: 0 },
  watch: { valued: /^-[nd]$|^--interval$/, leading: 0 },
  strace: { valued: /^-[eoOpsSuU]$/, leading: 0 },
  ltrace: { valued: /^-[eoOpsSuU]$/, leading: 0 },
  runuser: { valued: /^-[ugl]$/, leading: 0 },
  busybox: { valued: /^$/, leading: 0 },
};

/** The basename of a program word: `/usr/bin/python3.11` -> `python3.11`, `\curl` -> `curl`. */
export function programName(word: string): string {
  return word.replace(/^\\/, "").replace(/^.*\//, "");
}

/** Strips wrappers from `argv`; an empty program means there was no command (e.g. bare `env`). */
export function unwrapCommand(argv: readonly string[]): UnwrappedCommand {
  const wrappers: string[] = [];
  let words = [...argv];
  for (let guard = 0; guard < 16 && words.length > 0; guard++) {
    const name = programName(words[0]!);
    const spec = WRAPPERS[name];
    if (!spec) break;
    // `command -v x` and `command -V x` look a program up; they do not run it.
    if (name === "command" && words.some((w) => w === "-v" || w === "-V")) break;
    let i = 1;
    let leading = spec.leading;
    while (i < words.length) {
      const word = words[i]!;
      if (word === "--") {
        i++;
        break;
      }
      if (name === "env" && /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) {
        i++;
        continue;
      }
      if (name === "env" && (word === "-S" || word === "--split-string") && words[i + 1] !== undefined) {
        // env -S "cmd args": the string is split into the command.
        words = [...words.slice(0, i), ...words[i + 1]!.split(/\s+/).filter(Boolean), ...words.slice(i + 2)];
        continue;
      }
      if (word.startsWith("-") && word.length > 1) {
        i += spec.valued.test(word) ? 2 : 1;
        continue;
      }
      if (leading > 0) {
        leading--;
        i++;
        continue;
      }
      break;
    }
    wrappers.push(name);
    words = words.slice(i);
  }
  if (words.length === 0) return { program: wrappers.length > 0 ? "" : "", args: [], wrappers };
  return { program: programName(words[0]!), args: words.slice(1), wrappers };
}
