/**
 * Syntax-level sanity for a KQL twin, without a Kusto parser: brackets balance, string literals
 * close, the body reads `OclogEvents_CL` through the three bound parameters and nothing else
 * named `oclog_*`, parameters are used as given (not shifted or glued into text), and no pipe
 * dangles. It catches the slips a reviewer misses in a long query; Log Analytics still has the
 * last word on semantics. Pure: no I/O. Every problem is returned, each with its line.
 */
import { KQL_PARAMETERS } from "./kql-bind.js";
import { KQL_TABLE } from "./kql-dir.js";

/** One lint finding; `line` is 1-based in the text that was linted. */
export interface KqlProblem {
  line: number;
  message: string;
}

/** `bound: true` lints what `kqlBind` produced: its prelude is checked for its exact shape, then the rest is linted as a body. */
export interface KqlLintOptions {
  bound?: boolean;
}

interface Scan {
  /** The text with string literals replaced by `_` and comments by spaces; same length, same newlines. */
  code: string;
  /** Offsets of `;` outside any bracket: statement ends. */
  statementEnds: number[];
  problems: { at: number; message: string }[];
}

const PARAMETERS = new Set<string>(KQL_PARAMETERS);
const OPENERS: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
const CLOSERS = new Set([")", "]", "}"]);

// The exact statements kqlBind writes; anything else in a prelude means the text was edited.
const STRING = String.raw`"(?:[^"\\\n]|\\.)*"`;
const PRELUDE = [
  /^let oclog_since = datetime\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\)$/,
  /^let oclog_until = datetime\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\)$/,
  new RegExp(String.raw`^let oclog_users = dynamic\(\[(?:${STRING}(?:, ${STRING})*)?\]\)$`),
];

/** Lints a twin's body (or, with `bound`, the text `kqlBind` made from one); an empty list means clean. */
export function lintKql(text: string, options: KqlLintOptions = {}): KqlProblem[] {
  const lineOf = lineIndex(text);
  const scan = scanKql(text);
  const problems = [...scan.problems];
  const statements = splitStatements(scan.code, scan.statementEnds);

  let bodyStatements = statements;
  if (options.bound === true) {
    const prelude = statements.slice(0, PRELUDE.length);
    PRELUDE.forEach((shape, index) => {
      const statement = prelude[index];
      const original = statement === undefined ? "" : text.slice(statement.start, statement.end).trim();
      if (statement === undefined || !shape.test(original)) {
        problems.push({ at: statement?.start ?? 0, message: `prelude statement ${index + 1} is not the \`let ${KQL_PARAMETERS[index]} = ...;\` that kqlBind writes` });
      }
    });
    bodyStatements = statements.slice(PRELUDE.length);
  }
  const bodyStart = bodyStatements[0]?.start ?? text.length;
  const body = scan.code.slice(bodyStart);
  problems.push(...checkStatements(scan.code, bodyStatements));
  problems.push(...checkParameters(body, bodyStart));
  problems.push(...checkPipes(scan.code, bodyStart));
  if (!new RegExp(`\\b${KQL_TABLE}\\b`).test(body)) problems.push({ at: bodyStart, message: `the body never reads ${KQL_TABLE}` });

  return problems
    .map(({ at, message }) => ({ line: lineOf(at), message }))
    .sort((a, b) => a.line - b.line);
}

function scanKql(text: string): Scan {
  const code: string[] = [];
  const statementEnds: number[] = [];
  const problems: Scan["problems"] = [];
  const stack: { char: string; at: number }[] = [];
  let i = 0;
  const blank = (from: number, to: number, fill: string) => {
    for (let k = from; k < to; k++) code.push(text[k] === "\n" ? "\n" : fill);
  };
  while (i < text.length) {
    const char = text[i]!;
    if (char === "/" && text[i + 1] === "/") {
      const end = text.indexOf("\n", i) === -1 ? text.length : text.indexOf("\n", i);
      blank(i, end, " ");
      i = end;
    } else if (text.startsWith("```", i)) {
      // Multi-line string literal.
      const close = text.indexOf("```", i + 3);
      if (close === -1) problems.push({ at: i, message: "string literal ``` is never closed" });
      const end = close === -1 ? text.length : close + 3;
      blank(i, end, "_");
      i = end;
    } else if (char === "'" || char === '"') {
      const verbatim = text[i - 1] === "@";
      const end = stringEnd(text, i, verbatim);
      if (end === null) {
        problems.push({ at: i, message: `${verbatim ? "verbatim " : ""}string literal ${verbatim ? "@" : ""}${char}...${char} is not closed on its line` });
        const lineEnd = text.indexOf("\n", i) === -1 ? text.length : text.indexOf("\n", i);
        blank(i, lineEnd, "_");
        i = lineEnd;
      } else {
        blank(i, end, "_");
        i = end;
      }
    } else {
      if (char in OPENERS) stack.push({ char, at: i });
      else if (CLOSERS.has(char)) {
        const open = stack.pop();
        if (open === undefined) problems.push({ at: i, message: `\`${char}\` closes nothing` });
        else if (OPENERS[open.char] !== char) {
          problems.push({ at: i, message: `\`${char}\` closes the \`${open.char}\` opened on line ${lineIndex(text)(open.at)}` });
        }
      } else if (char === ";" && stack.length === 0) statementEnds.push(i);
      code.push(char);
      i++;
    }
  }
  for (const open of stack) problems.push({ at: open.at, message: `\`${open.char}\` is never closed` });
  return { code: code.join(""), statementEnds, problems };
}

/** Offset just past the closing quote of the literal opening at `start`, or null when the line ends first. */
function stringEnd(text: string, start: number, verbatim: boolean): number | null {
  const quote = text[start]!;
  let i = start + 1;
  while (i < text.length && text[i] !== "\n") {
    if (verbatim && text[i] === quote) {
      if (text[i + 1] === quote) i += 2; // '' inside @'...' is one quote
      else return i + 1;
    } else if (!verbatim && text[i] === "\\") {
      if (text[i + 1] === "\n" || i + 1 >= text.length) return null;
      i += 2;
    } else if (text[i] === quote) return i + 1;
    else i++;
  }
  return null;
}

interface Statement {
  start: number;
  end: number;
}

function splitStatements(code: string, ends: number[]): Statement[] {
  const statements: Statement[] = [];
  let start = 0;
  for (const end of [...ends, code.length]) {
    const lead = code.slice(start, end).search(/\S/);
    statements.push({ start: lead === -1 ? end : start + lead, end });
    start = end + 1;
  }
  return statements;
}

function checkStatements(code: string, statements: Statement[]): Scan["problems"] {
  const problems: Scan["problems"] = [];
  const locals = new Set<string>();
  statements.forEach((statement, index) => {
    const text = code.slice(statement.start, statement.end).trim();
    const last = index === statements.length - 1;
    if (text === "") {
      problems.push({ at: statement.start, message: last ? "no query after the last `;`" : "empty statement (`;;`)" });
      return;
    }
    const binding = /^let\s+([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(text);
    if (binding) {
      const name = binding[1]!;
      if (name.startsWith("oclog_")) problems.push({ at: statement.start, message: `the body declares ${name}: oclog_* names are bound by kqlBind only` });
      locals.add(name);
      if (last) problems.push({ at: statement.start, message: "the body ends with a let statement, not a query" });
      return;
    }
    if (!last) {
      problems.push({ at: statement.start, message: "only `let NAME = ...;` statements may come before the query" });
      return;
    }
    const head = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text)?.[0];
    if (head === undefined || (head !== KQL_TABLE && !locals.has(head))) {
      problems.push({ at: statement.start, message: `the query must start with ${KQL_TABLE} or a name bound by an earlier let, got ${JSON.stringify(text.split("\n")[0]!.slice(0, 40))}` });
    }
  });
  return problems;
}

function checkParameters(body: string, offset: number): Scan["problems"] {
  const problems: Scan["problems"] = [];
  const used = new Set<string>();
  for (const match of body.matchAll(/\boclog_[A-Za-z0-9_]*/g)) {
    const name = match[0];
    if (PARAMETERS.has(name)) used.add(name);
    else problems.push({ at: offset + match.index, message: `unknown parameter ${name} (the bound names are ${KQL_PARAMETERS.join(", ")})` });
  }
  for (const name of KQL_PARAMETERS) {
    if (!used.has(name)) problems.push({ at: offset, message: `the body never uses ${name}: every twin filters by the bound window and users` });
  }
  // Shifting the window reads outside what the analyst asked for; text built from a parameter
  // is the one way a value could turn into query structure.
  for (const match of body.matchAll(/\b(oclog_[A-Za-z0-9_]*)\s*[-+]|[-+]\s*(oclog_[A-Za-z0-9_]*)/g)) {
    problems.push({ at: offset + match.index, message: `${match[1] ?? match[2]} is combined with + or -: use the parameters as bound` });
  }
  for (const call of body.matchAll(/\bstrcat(?:_delim|_array)?\s*\(/g)) {
    const open = call.index + call[0].length - 1;
    const args = body.slice(open, matchingClose(body, open));
    const parameter = /\boclog_[A-Za-z0-9_]*/.exec(args);
    if (parameter) problems.push({ at: offset + call.index, message: `${parameter[0]} is passed to ${call[0].replace(/\s*\($/, "")}(): parameters are values, never text to build on` });
  }
  return problems;
}

function checkPipes(code: string, bodyStart: number): Scan["problems"] {
  const problems: Scan["problems"] = [];
  for (let i = bodyStart; i < code.length; i++) {
    if (code[i] !== "|") continue;
    let before = i - 1;
    while (before >= bodyStart && /\s/.test(code[before]!)) before--;
    let after = i + 1;
    while (after < code.length && /\s/.test(code[after]!)) after++;
    const previous = before >= bodyStart ? code[before]! : undefined;
    const next = after < code.length ? code[after]! : undefined;
    if (next === undefined || ";)]},|".includes(next)) problems.push({ at: i, message: "`|` with no operator after it" });
    else if (previous === undefined || ";([{,=".includes(previous)) problems.push({ at: i, message: "`|` with no input before it" });
  }
  return problems;
}

/** Offset of the `)` matching the `(` at `open` (strings are already blanked), or the end. */
function matchingClose(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === "(") depth++;
    else if (code[i] === ")" && --depth === 0) return i;
  }
  return code.length;
}

function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
}
