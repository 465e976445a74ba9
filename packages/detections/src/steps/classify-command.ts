/**
 * The classification of one shell command line: every simple command (through pipelines, lists,
 * subshells, substitutions, `-c` payloads, `eval`, heredocs and decoded payloads) is resolved to
 * the program it runs, and what flows down each pipeline is tracked, because most attacks are two
 * harmless halves joined by `|`: a fetch and a shell, a secret and a socket, a literal and a
 * decoder. Bounded (nesting depth and number of nested analyses) so hostile input stays cheap.
 */
import { matchPathEntry, knownHostKind, type Catalogue } from "./catalogue.js";
import { foldConstantWord } from "./constant-substitution.js";
import { decodeText, decoderOf, printedText } from "./decode-payload.js";
import { connectionScope, hostAndPort, parseDestination, type Destination } from "./destination.js";
import { contentFile, deletionOf, destructionOf, destructiveTarget, emptyingOf, MANY_FILES } from "./destructive-commands.js";
import { fileEffects } from "./interpreter-files.js";
import { CODE_FLAGS, inspectCode, interpreterFamily } from "./interpreter-code.js";
import { FETCHERS, networkUse } from "./network-programs.js";
import { normalisePath } from "./path-pattern.js";
import { runFiles } from "./script-files.js";
import { secretCommandOf } from "./secret-commands.js";
import { findExecReads, findSelection, grepSelection, readsListedFiles, secretGlob, secretSelectedBy } from "./secret-globs.js";
import { splitShell, type ShellPipeline, type SimpleCommand } from "./shell-words.js";
import { emptyStepClass, type SecretRead, type StepClass } from "./step-class.js";
import { unwrapCommand } from "./unwrap-command.js";

const MAX_DEPTH = 6;
const MAX_ANALYSES = 64;

/** Shells whose `-c` argument, script file or stdin is shell code. */
export const SHELLS = new Set(["bash", "sh", "zsh", "dash", "ksh", "ash", "mksh", "fish", "csh", "tcsh", "rbash"]);

// Programs that pass their input through (maybe transformed): a secret or a download piped into
// them is still in their output.
const PASS_THROUGH = new Set(["cat", "tee", "tr", "sed", "awk", "gawk", "gzip", "gunzip", "zcat", "bzip2", "xz", "base64", "base32", "xxd", "od", "hexdump", "head", "tail", "sort", "uniq", "cut", "grep", "rev", "openssl", "gpg", "tar", "zip", "jq", "strings", "dd", "iconv", "xargs"]);

// Programs that only name a path (permissions, existence, listing a folder's names): no content is read.
const NAME_ONLY = new Set(["ls", "tree", "exa", "eza", "chmod", "chown", "chgrp", "touch", "mkdir", "test", "[", "[[", "echo", "printf", "basename", "dirname", "realpath", "readlink", "which", "type", "cd", "pushd", "stat", "file", "wc", "du", "rm", "shred", "ssh-keygen", "ssh-add", "ssh", "scp", "sftp", "git"]);

/** Pseudo-path for a whole-environment read (printenv, env, set, /proc/self/environ in code). */
const ENVIRONMENT = "environment";

const VARIABLE = /\$\{?([A-Za-z_][A-Za-z0-9_]*)/g;
// Names of variables that hold credentials by convention (GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY, GH_PAT...).
const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL|(^|_)PAT$/i;

interface Flow {
  /** What fetched the bytes flowing here (`curl example.com`), when they came from the network. */
  fetched: string | null;
  /** Literal text flowing here (echo/printf/heredoc output, or decoded), when known. */
  text: string | null;
  /** The text was decoded from base64/hex/reversal. */
  decoded: boolean;
  /** Secret material flowing here. */
  secret: SecretRead | null;
}

const NOTHING: Flow = { fetched: null, text: null, decoded: false, secret: null };

interface Context {
  catalogue: Catalogue;
  out: StepClass;
  analyses: number;
  fetchedFiles: Set<string>;
  /** Literal text written to files earlier in the step (`echo 'curl x|sh' > a.sh`), by file name. */
  writtenScripts: Map<string, string>;
  flows: Map<ShellPipeline, Flow>;
  /** Content files emptied by a redirection so far in the step. */
  emptied: Set<string>;
}

/** Classifies a shell command line (an `exec` step's command); never throws on any string. */
export function classifyCommand(command: string, catalogue: Catalogue): StepClass {
  const ctx: Context = { catalogue, out: emptyStepClass(), analyses: 0, fetchedFiles: new Set(), writtenScripts: new Map(), flows: new Map(), emptied: new Set() };
  analyseShell(command, ctx, 0);
  return ctx.out;
}

/** Classifies a code string given to an interpreter family (python, node, perl, ruby, php...). */
export function classifyCodeInto(code: string, family: string, catalogue: Catalogue, out: StepClass): void {
  const ctx: Context = { catalogue, out, analyses: 0, fetchedFiles: new Set(), writtenScripts: new Map(), flows: new Map(), emptied: new Set() };
  analyseCode(code, family, ctx, 0);
}

function analyseShell(source: string, ctx: Context, depth: number): void {
  if (depth > MAX_DEPTH || ctx.analyses >= MAX_ANALYSES) {
    ctx.out.parse_error = true;
    return;
  }
  ctx.analyses++;
  const split = splitShell(source);
  if (split.parseError) ctx.out.parse_error = true;
  for (const pipeline of split.pipelines) flowOf(pipeline, ctx, depth);
}

function flowOf(pipeline: ShellPipeline, ctx: Context, depth: number): Flow {
  const known = ctx.flows.get(pipeline);
  if (known) return known;
  ctx.flows.set(pipeline, NOTHING); // a cycle cannot happen, but a re-entry must not recurse
  let flow: Flow | null = null;
  pipeline.forEach((command, i) => {
    flow = analyseCommand(command, flow, ctx, depth, pipeline[i + 1]);
  });
  const result = flow ?? NOTHING;
  ctx.flows.set(pipeline, result);
  return result;
}

function addProgram(ctx: Context, program: string): void {
  if (program && !ctx.out.programs.includes(program) && ctx.out.programs.length < 200) ctx.out.programs.push(program.slice(0, 100));
}

function addSecret(ctx: Context, read: SecretRead): SecretRead {
  if (!ctx.out.reads_secret.some((r) => r.path === read.path && r.kind === read.kind)) ctx.out.reads_secret.push(read);
  return read;
}

function addConnection(ctx: Context, destination: Destination, via: string): void {
  if (ctx.out.connects.some((c) => c.host === destination.host && c.port === destination.port && c.via === via)) return;
  ctx.out.connects.push({ ...destination, via, known: knownHostKind(ctx.catalogue, destination.host), scope: connectionScope(destination.host) });
}

function addReason(list: { reason: string }[], reason: string): void {
  if (!list.some((r) => r.reason === reason)) list.push({ reason: reason.slice(0, 500) });
}

/** The secret catalogue entry a path word names, as a read. */
function secretAt(ctx: Context, word: string, via: string): SecretRead | null {
  if (word.length > 4096 || word === "") return null;
  const path = normalisePath(word.replace(/^@/, ""));
  const entry = matchPathEntry(ctx.catalogue.secretPaths, path);
  if (!entry) return secretGlob(ctx.catalogue, word.replace(/^@/, ""), via);
  return { path: word.replace(/^@/, ""), kind: entry.kind, reason: `${via}: ${entry.why}` };
}

function persistenceAt(ctx: Context, word: string, via: string): void {
  if (word.length > 4096 || word === "" || word.startsWith("&")) return;
  const path = normalisePath(word);
  if (!ctx.out.writes_paths.includes(word) && ctx.out.writes_paths.length < 200) ctx.out.writes_paths.push(word);
  const entry = matchPathEntry(ctx.catalogue.persistencePaths, path);
  if (entry && !ctx.out.writes_persistence.some((w) => w.path === word && w.kind === entry.kind)) {
    ctx.out.writes_persistence.push({ path: word, kind: entry.kind, reason: `${via}: ${entry.why}` });
  }
}

function fetchesIn(pipelines: readonly ShellPipeline[], ctx: Context, depth: number): string | null {
  const last = pipelines.at(-1);
  return last ? flowOf(last, ctx, depth).fetched : null;
}

function analyseCommand(written: SimpleCommand, upstream: Flow | null, ctx: Context, depth: number, next?: SimpleCommand): Flow {
  const command = foldConstants(written, ctx);
  const { program, args, wrappers } = unwrapCommand(command.argv);
  for (const wrapper of wrappers) addProgram(ctx, wrapper);
  addProgram(ctx, program);
  const out: Flow = { fetched: null, text: null, decoded: false, secret: null };
  const stdin: Flow | null = command.stdinText !== null ? { ...NOTHING, text: command.stdinText } : upstream;
  const label = program || wrappers.at(-1) || "shell";

  // Redirections: files written, files read, and bash's /dev/tcp sockets.
  for (const redirect of command.redirects) {
    const socket = /^\/dev\/(tcp|udp)\/([^/]+)\/(\d{1,5})/.exec(redirect.target);
    if (socket) {
      const destination = hostAndPort(socket[2]!, Number(socket[3]), socket[1]!);
      if (destination) addConnection(ctx, destination, "bash /dev/tcp");
      if (redirect.operator !== "<") addReason(ctx.out.outbound_data, `${label} output redirected to ${redirect.target}${SHELLS.has(program) ? " (a shell joined to a socket)" : ""}`);
      continue;
    }
    if (redirect.operator === "<") {
      const read = secretAt(ctx, redirect.target, `${label} < ${redirect.target}`);
      if (read) out.secret = addSecret(ctx, read);
      continue;
    }
    if (/^(\/dev\/(null|stdout|stderr|tty|fd\/\d+)|&?\d*-?)$/.test(redirect.target)) continue;
    persistenceAt(ctx, redirect.target, `${label} ${redirect.operator} ${redirect.target}`);
    const truncating = redirect.operator === ">" || redirect.operator === ">|" || redirect.operator === "&>";
    if (truncating && (program === "" || program === ":" || program === "true" || (["echo", "printf", "cat"].includes(program) && args.every((a) => a === "" || a === "-n" || a === "/dev/null")))) {
      const why = destructiveTarget(redirect.target);
      if (why && /history|logs/.test(why)) ctx.out.destroys.push({ what: `${redirect.target} emptied by a redirection: ${why}`, severity: "high" });
      else if (contentFile(redirect.target) && ctx.emptied.size < 64) {
        // One emptied file is low; the step's MANY_FILES-th (`: > a; : > b; : > c`) makes it high.
        ctx.emptied.add(redirect.target);
        for (const d of emptyingOf([...ctx.emptied].slice(-(ctx.emptied.size >= MANY_FILES ? MANY_FILES : 1)), "a redirection")) {
          if (!ctx.out.destroys.some((e) => e.what === d.what)) ctx.out.destroys.push(d);
        }
      }
    }
    // `curl x > f`, `curl x | cat > f`: the file holds downloaded bytes.
    if (FETCHERS.has(program) || (stdin?.fetched && PASS_THROUGH.has(program))) ctx.fetchedFiles.add(fileKey(redirect.target));
    const written = program === "echo" || program === "printf" ? printedText(program, args) : program === "cat" && command.stdinText !== null ? command.stdinText : null;
    if (written !== null && ctx.writtenScripts.size < 32) ctx.writtenScripts.set(fileKey(redirect.target), (redirect.operator === ">>" ? `${ctx.writtenScripts.get(fileKey(redirect.target)) ?? ""}\n` : "") + written);
  }

  // Secret material named by the arguments (content readers only) or by variables.
  if (program && !NAME_ONLY.has(program) && program !== "find") {
    for (const arg of args) {
      const value = /^--?[\w-]+=(.+)$/.exec(arg)?.[1] ?? arg;
      const read = secretAt(ctx, value, `${program} ${value}`);
      if (read) out.secret = addSecret(ctx, read);
    }
  }
  // Secret material selected by name patterns (find -name/-path, grep -r --include) and read.
  // find only names what it finds (like ls) unless its results are read (-exec cat, | xargs cat,
  // | tar -T -): then its name tests, or with none its start folders, say what is read.
  const search = program === "find" ? findSelection(args) : grepSelection(program, args);
  if (search) {
    const after = next ? unwrapCommand(next.argv) : null;
    const reads = program !== "find" || findExecReads(args) || (after !== null && readsListedFiles(after.program, after.args, after.wrappers));
    if (reads && search.groups.length > 0) {
      const read = secretSelectedBy(ctx.catalogue, search.starts, search.groups, `${program} ${args.join(" ")}`.slice(0, 200));
      if (read) out.secret = addSecret(ctx, read);
    } else if (reads && program === "find") {
      for (const start of search.starts) {
        const read = secretAt(ctx, start, `find ${start} and reads what it finds`);
        if (read) out.secret = addSecret(ctx, read);
      }
    }
  }
  if (!/^(unset|export)$/.test(program)) {
    for (const word of [...command.argv, ...command.assignments]) {
      for (const [, name] of word.length < 10_000 ? word.matchAll(VARIABLE) : []) {
        if (SECRET_NAME.test(name!)) out.secret = addSecret(ctx, { path: `$${name}`, kind: "secret-environment-variable", reason: `${label} expands $${name}` });
      }
    }
  }
  const printsSecret = secretCommandOf(ctx.catalogue.secretCommands, program, args);
  if (printsSecret) out.secret = addSecret(ctx, { path: printsSecret.text, kind: printsSecret.entry.kind, reason: `${printsSecret.text}: ${printsSecret.entry.why}` });
  const environmentDump =
    (program === "" && wrappers.at(-1) === "env") ||
    (program === "printenv" && args.filter((a) => !a.startsWith("-")).length === 0) ||
    (program === "set" && args.length === 0) ||
    ((program === "export" || program === "declare" || program === "typeset") && args.length > 0 && args.every((a) => /^-[pxa]+$/.test(a))) ||
    (program === "compgen" && args.includes("-e"));
  if (environmentDump && !filteredToHarmless(next)) out.secret = addSecret(ctx, { path: ENVIRONMENT, kind: "process-environment", reason: `${[...wrappers, program].filter(Boolean).join(" ")} prints every environment variable (API keys, tokens)` });

  // Network: destinations, uploads, what goes out.
  const net = networkUse(program, args, stdin !== null);
  for (const target of net.targets) addConnection(ctx, target, target.via);
  for (const reason of net.outbound) addReason(ctx.out.outbound_data, reason);
  for (const file of net.uploads) {
    const read = secretAt(ctx, file, `${program} uploads ${file}`);
    if (read) {
      addSecret(ctx, read);
      addReason(ctx.out.outbound_data, `${program} uploads secret material (${read.kind}) ${file}`);
    }
  }
  if (stdin?.secret && (net.sendsStdin || (net.targets.length > 0 && !FETCHERS.has(program)))) {
    addReason(ctx.out.outbound_data, `${program} sends ${stdin.secret.kind} (${stdin.secret.path}) read earlier in the pipeline`);
  }
  for (const file of net.savesTo) ctx.fetchedFiles.add(fileKey(file));
  if (net.targets.length > 0 && net.fetchesToStdout) out.fetched = `${program} ${net.targets[0]!.host}`;

  // Destruction.
  for (const destruction of destructionOf(program, args, command.assignments)) {
    if (!ctx.out.destroys.some((d) => d.what === destruction.what)) ctx.out.destroys.push(destruction);
  }

  // Writes by programs (not redirections): tee, cp/mv/install/ln targets, sed -i, crontab, systemctl enable.
  writesByProgram(program, args, ctx);
  if (program === "tee" && stdin?.fetched) for (const file of args.filter((a) => !a.startsWith("-"))) ctx.fetchedFiles.add(fileKey(file));

  // Running fetched or hidden code.
  const operands = args.filter((a) => !a.startsWith("-"));
  const runsFetchedFile = (word: string | undefined) => word !== undefined && ctx.fetchedFiles.has(fileKey(word));
  if (program && !FETCHERS.has(program) && runsFetchedFile(program)) addReason(ctx.out.download_and_run, `runs the downloaded file ${program}`);
  if (program === "chmod" && args.some((a) => /\+[rwx]*x|^[0-7]*[1357][0-7]{0,2}$/.test(a)) && operands.some((o) => runsFetchedFile(o))) {
    addReason(ctx.out.download_and_run, `chmod makes the downloaded file ${operands.find((o) => runsFetchedFile(o))} executable`);
  }
  const family = interpreterFamily(program);
  const programWord = command.argv[command.argv.length - args.length - 1] ?? program;
  for (const file of runFiles(programWord, program, args, family, SHELLS.has(program))) {
    if (!ctx.out.runs_files.includes(file) && ctx.out.runs_files.length < 200) ctx.out.runs_files.push(file);
  }
  const consumer = SHELLS.has(program) || family !== null || program === "eval" || program === "source" || program === ".";
  if (consumer) {
    for (const substitution of command.substitutions) {
      const fetched = fetchesIn(substitution.pipelines, ctx, depth);
      if (fetched) addReason(ctx.out.download_and_run, `${program} runs code fetched by ${fetched} (${substitution.operator === "$" ? "$(...)" : `${substitution.operator}(...)`})`);
      const last = substitution.pipelines.at(-1);
      const flow = last ? flowOf(last, ctx, depth) : NOTHING;
      if (flow.decoded && flow.text !== null) {
        addReason(ctx.out.runs_hidden_code, `${program} runs decoded text: ${oneLine(flow.text)}`);
        if (family) analyseCode(flow.text, family, ctx, depth + 1);
        else analyseShell(flow.text, ctx, depth + 1);
      }
    }
    if (program !== "eval" && (runsFetchedFile(operands[0]) || (family === null && runsFetchedFile(args.find((a) => !a.startsWith("-")))))) {
      addReason(ctx.out.download_and_run, `${program} runs the downloaded file ${operands[0]}`);
    }
  }
  const script = operands[0] !== undefined ? ctx.writtenScripts.get(fileKey(operands[0])) : undefined;
  if (script !== undefined && (SHELLS.has(program) || family !== null || program === "source" || program === ".")) {
    ctx.writtenScripts.delete(fileKey(operands[0]!)); // run once: a script that runs itself must not loop
    if (family) analyseCode(script, family, ctx, depth + 1);
    else analyseShell(script, ctx, depth + 1);
  }
  if (SHELLS.has(program)) {
    const flagAt = args.findIndex((a) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(a) && !a.startsWith("--"));
    if (flagAt >= 0 && args[flagAt + 1] !== undefined) analyseShell(args[flagAt + 1]!, ctx, depth + 1);
    else if (operands.length === 0 || operands[0] === "-" || operands[0] === "/dev/stdin") runsStdin(program, stdin, ctx, depth, null);
  } else if (program === "eval") {
    analyseShell(args.join(" "), ctx, depth + 1);
  } else if ((program === "source" || program === ".") && (operands[0] === "/dev/stdin" || operands[0] === "-")) {
    runsStdin(program, stdin, ctx, depth, null);
  } else if (program === "su" || program === "runuser") {
    const at = args.findIndex((a) => a === "-c" || a === "--command");
    if (at >= 0 && args[at + 1] !== undefined) analyseShell(args[at + 1]!, ctx, depth + 1);
  } else if (family) {
    const flags = CODE_FLAGS[family] ?? [];
    // Flag clusters carry the code flag last: `python3 -Bc`, `perl -lne`, `ruby -rjson -e`.
    const cluster = family === "python" ? /^-[a-zA-Z]*c$/ : family === "perl" || family === "ruby" ? /^-[a-zA-Z]*[eE]$/ : null;
    const at = args.findIndex((a) => flags.includes(a) || (cluster !== null && cluster.test(a)));
    if (at >= 0 && args[at + 1] !== undefined) analyseCode(args[at + 1]!, family, ctx, depth + 1);
    else if (operands.length === 0 || operands[0] === "-" || operands[0] === "/dev/stdin") runsStdin(program, stdin, ctx, depth, family);
  }

  // What this command writes to stdout, for the next stage.
  const decoder = decoderOf(program, args);
  if (decoder) {
    const decoded = stdin?.text != null ? decodeText(stdin.text, decoder) : null;
    return { fetched: stdin?.fetched ?? null, text: decoded, decoded: decoded !== null, secret: out.secret ?? stdin?.secret ?? null };
  }
  if (program === "echo" || program === "printf") out.text = printedText(program, args);
  else if (program === "cat" && operands.length === 0 && stdin) return { ...stdin, secret: out.secret ?? stdin.secret };
  if (PASS_THROUGH.has(program) && stdin && operands.length <= (program === "sed" || program === "grep" || program === "awk" || program === "tr" ? 2 : 0)) {
    return { fetched: stdin.fetched, text: stdin.text, decoded: stdin.decoded, secret: out.secret ?? stdin.secret };
  }
  if (out.fetched === null && stdin?.fetched && PASS_THROUGH.has(program)) out.fetched = stdin.fetched;
  return out;
}

// Words whose substitutions print a constant are read as that constant (`cat ~/$(printf '\056...')`).
// A program name spelled through an encoding is code hidden from a reader.
function foldConstants(command: SimpleCommand, ctx: Context): SimpleCommand {
  if (!command.substitutions.length && !command.argv.some((w) => w.includes("`"))) return command;
  let changed = false;
  const argv: string[] = [];
  command.argv.forEach((word, i) => {
    const folded = foldConstantWord(word);
    if (!folded.folded) return void argv.push(word);
    changed = true;
    if (i === 0) {
      // An unquoted `$(echo rm -rf)` splits into words; the program is the first.
      argv.push(...folded.word.split(/\s+/).filter(Boolean));
      if (folded.encoded) addReason(ctx.out.runs_hidden_code, `program name ${oneLine(word)} decodes to ${oneLine(folded.word)}`);
    } else argv.push(folded.word);
  });
  const redirects = command.redirects.map((r) => {
    const folded = foldConstantWord(r.target);
    changed ||= folded.folded;
    return folded.folded ? { ...r, target: folded.word } : r;
  });
  return changed ? { ...command, argv, redirects } : command;
}

// `env | grep -i proxy`: the dump is filtered to variables whose names hold no credential.
function filteredToHarmless(next: SimpleCommand | undefined): boolean {
  if (!next) return false;
  const { program, args } = unwrapCommand(next.argv);
  if (!["grep", "egrep", "fgrep", "rg"].includes(program) || args.some((a) => /^-[a-zA-Z]*v/.test(a))) return false;
  const pattern = args.find((a) => !a.startsWith("-"));
  return pattern !== undefined && /^[\w^$.|-]+$/.test(pattern) && !SECRET_NAME.test(pattern) && !/KEY|AUTH|PASS|TOK|SEC|CRED|AWS|AZURE|GH|GITHUB|OPENAI|ANTHROPIC/i.test(pattern);
}

function runsStdin(program: string, stdin: Flow | null, ctx: Context, depth: number, family: string | null): void {
  if (!stdin) return;
  if (stdin.fetched) addReason(ctx.out.download_and_run, `${stdin.fetched} piped to ${program}`);
  if (stdin.text === null) return;
  if (stdin.decoded) addReason(ctx.out.runs_hidden_code, `decoded text piped to ${program}: ${oneLine(stdin.text)}`);
  if (family) analyseCode(stdin.text, family, ctx, depth + 1);
  else analyseShell(stdin.text, ctx, depth + 1);
}

function analyseCode(code: string, family: string, ctx: Context, depth: number): void {
  if (depth > MAX_DEPTH || ctx.analyses >= MAX_ANALYSES) return;
  ctx.analyses++;
  const findings = inspectCode(code);
  const via = `${family} code`;
  let opened = false;
  for (const endpoint of findings.endpoints) {
    const destination = endpoint.port !== null ? hostAndPort(endpoint.text, endpoint.port, "tcp") : parseDestination(endpoint.text, "tcp");
    if (destination) {
      addConnection(ctx, destination, `${via} (${findings.networkCalls[0] ?? "URL"})`);
      opened = true;
    }
  }
  if (findings.networkCalls.length > 0 && !opened) {
    ctx.out.connects.push({ host: "(computed)", port: null, scheme: "tcp", via: `${via} (${findings.networkCalls.join(", ")})`, known: null, scope: "public" });
  }
  for (const url of findings.endpoints) {
    const data = /^[a-z]+:\/\//i.test(url.text) ? parseDestination(url.text) : null;
    if (data) {
      const carries = /\?/.test(url.text) ? url.text : null;
      if (carries && /\$\{|\+\s*\w|%s|\{\}/.test(code)) addReason(ctx.out.outbound_data, `${via} builds a URL to ${data.host} from data`);
    }
  }
  if (findings.evaluates) {
    for (const decoded of findings.decodedLiterals.slice(0, 4)) {
      addReason(ctx.out.runs_hidden_code, `${via} evaluates decoded base64: ${oneLine(decoded)}`);
      analyseCode(decoded, family, ctx, depth + 1);
    }
  }
  if (findings.runsDownloadedCode) addReason(ctx.out.download_and_run, `${via} runs what it downloads`);
  for (const shellCommand of findings.shellCommands.slice(0, 8)) analyseShell(shellCommand, ctx, depth + 1);
  const readsSecrets: SecretRead[] = [];
  for (const literal of findings.pathLiterals.slice(0, 64)) {
    const read = secretAt(ctx, literal, `${via} names ${literal}`);
    if (read) readsSecrets.push(addSecret(ctx, read));
  }
  const effects = fileEffects(code, findings.pathLiterals);
  if (effects.writes) {
    // perl's two-argument open carries the mode in the path literal (`">>/home/u/.profile"`).
    const paths = new Set([...effects.writePaths, ...findings.pathLiterals].map((p) => p.replace(/^\+?[<>]+\s*/, "")));
    for (const literal of [...paths].slice(0, 64)) persistenceAt(ctx, literal, `${via} writes ${literal}`);
  }
  for (const deletion of effects.deletes) {
    // A glob (`glob.glob('~/w/*.md')` fed to os.remove) deletes many files, like `rm *`.
    const found = deletionOf(deletion.path, deletion.recursive || /[*?]/.test(deletion.path), `${via} ${deletion.call}`);
    if (found && !ctx.out.destroys.some((d) => d.what === found.what)) ctx.out.destroys.push(found);
  }
  if (findings.dumpsEnvironment) readsSecrets.push(addSecret(ctx, { path: ENVIRONMENT, kind: "process-environment", reason: `${via} reads the whole environment` }));
  if (findings.networkCalls.length > 0 && readsSecrets.length > 0) {
    addReason(ctx.out.outbound_data, `${via} reads ${readsSecrets.map((r) => r.kind).join(", ")} and opens a network connection (${findings.networkCalls.join(", ")})`);
  }
}

const WRITE_TARGET_LAST = new Set(["cp", "mv", "install", "ln", "rsync", "dd"]);

function writesByProgram(program: string, args: readonly string[], ctx: Context): void {
  const operands = args.filter((a) => !a.startsWith("-"));
  if (program === "tee") for (const file of operands) persistenceAt(ctx, file, `tee ${file}`);
  else if (WRITE_TARGET_LAST.has(program) && operands.length >= 2 && !/:/.test(operands.at(-1)!)) persistenceAt(ctx, operands.at(-1)!, `${program} to ${operands.at(-1)}`);
  else if (program === "dd") {
    const target = args.find((a) => a.startsWith("of="))?.slice(3);
    if (target) persistenceAt(ctx, target, `dd of=${target}`);
  } else if ((program === "sed" || program === "perl") && args.some((a) => /^-[a-zA-Z]*i/.test(a) || a.startsWith("--in-place"))) {
    for (const file of operands.slice(1)) persistenceAt(ctx, file, `${program} -i ${file}`);
  } else if (program === "crontab" && !args.some((a) => /^-[lr]$/.test(a))) {
    ctx.out.writes_persistence.push({ path: operands[0] ?? "crontab", kind: "cron", reason: `crontab ${args.join(" ")}: installs the user's scheduled jobs` });
  } else if (program === "systemctl" && operands.includes("enable")) {
    const unit = operands[operands.indexOf("enable") + 1] ?? "";
    ctx.out.writes_persistence.push({ path: unit, kind: "systemd-unit", reason: `systemctl ${args.join(" ")}: the unit starts at ${args.includes("--user") ? "login" : "boot"}` });
  } else if (program === "git" && operands[0] === "config" && args.some((a) => /^core\.hooksPath$/i.test(a))) {
    ctx.out.writes_persistence.push({ path: operands.at(-1) ?? "", kind: "git-hook", reason: "git config core.hooksPath points hooks at another folder" });
  }
}

function fileKey(path: string): string {
  return normalisePath(path).replace(/^.*\//, "");
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
