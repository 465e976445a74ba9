/**
 * A shell command split into the simple commands it runs, with unbash (a tolerant, synchronous,
 * zero-dependency Bash parser; see README.md for why). Pipelines keep their order, because "fetch
 * piped to a shell" and "secret piped to the network" are facts about neighbours; command and
 * process substitutions are split too, and remembered on the command whose word holds them. A
 * command that does not parse still gives the parser's partial tree, or a plain token split, with
 * `parseError` set: this never throws.
 */
import { forEachChild, parse, type Command, type SyntaxNode } from "unbash";

/** A redirection of one simple command: `>`/`>>` write a file, `<` reads one. */
export interface ShellRedirect {
  operator: string;
  target: string;
}

/** A `$(...)`, backtick or `<(...)`/`>(...)` inside one of the command's words. */
export interface ShellSubstitution {
  operator: "$" | "<" | ">";
  pipelines: ShellPipeline[];
}

/** One simple command: its words (quotes removed, expansions left as written). */
export interface SimpleCommand {
  argv: string[];
  /** `NAME=value` words before the program (`HISTFILE=/dev/null cmd`, or a bare assignment). */
  assignments: string[];
  redirects: ShellRedirect[];
  /** What a heredoc or herestring feeds on stdin, if any. */
  stdinText: string | null;
  substitutions: ShellSubstitution[];
}

/** Commands joined by `|`, in order; a lone command is a pipeline of one. */
export type ShellPipeline = SimpleCommand[];

/** Every pipeline of a command line (substitutions' pipelines included), and whether it parsed. */
export interface ShellSplit {
  pipelines: ShellPipeline[];
  parseError: boolean;
}

/** Splits a command line into pipelines of simple commands; never throws. */
export function splitShell(source: string): ShellSplit {
  // unbash resolves nested substitutions lazily, re-parsing each level: hundreds of levels cost
  // seconds. No real command nests that deep, so such input gets the token split instead.
  if (parenthesisDepth(source) > MAX_NESTING) return { pipelines: tokenSplit(source), parseError: true };
  try {
    const script = parse(source);
    const state = { pipelines: [] as ShellPipeline[], parseError: (script.errors?.length ?? 0) > 0 };
    visit(script, state, null);
    return state;
  } catch {
    return { pipelines: tokenSplit(source), parseError: true };
  }
}

interface VisitState {
  pipelines: ShellPipeline[];
  parseError: boolean;
}

function visit(node: SyntaxNode, state: VisitState, owner: SimpleCommand | null): void {
  switch (node.type) {
    case "Pipeline": {
      const pipeline: ShellPipeline = [];
      state.pipelines.push(pipeline);
      for (const member of node.commands) {
        if (member.type === "Command") {
          const simple = toSimple(member);
          pipeline.push(simple);
          forEachChild(member, (child) => visit(child, state, simple));
        } else {
          // A compound stage (`curl x | (bash)`): its first simple command stands for it in the pipeline.
          const inner: VisitState = { pipelines: [], parseError: false };
          visit(member, inner, owner);
          state.pipelines.push(...inner.pipelines);
          state.parseError ||= inner.parseError;
          const first = inner.pipelines[0]?.[0];
          if (first) pipeline.push(first);
        }
      }
      return;
    }
    case "Command": {
      const simple = toSimple(node);
      state.pipelines.push([simple]);
      forEachChild(node, (child) => visit(child, state, simple));
      return;
    }
    case "CommandExpansion":
    case "ProcessSubstitution":
    case "ArithmeticCommandExpansion": {
      if (!node.script) return;
      const inner: VisitState = { pipelines: [], parseError: (node.script.errors?.length ?? 0) > 0 };
      visit(node.script, inner, null);
      state.pipelines.push(...inner.pipelines);
      state.parseError ||= inner.parseError;
      owner?.substitutions.push({ operator: node.type === "ProcessSubstitution" ? node.operator : "$", pipelines: inner.pipelines });
      return;
    }
    default:
      forEachChild(node, (child) => visit(child, state, owner));
  }
}

function toSimple(command: Command): SimpleCommand {
  const argv: string[] = [];
  if (command.name) argv.push(command.name.value);
  for (const arg of command.args) argv.push(arg.type === "Word" ? arg.value : arg.text);
  const assignments = command.prefix.filter((p) => p.type === "Assignment").map((p) => p.text);
  const redirects: ShellRedirect[] = [];
  let stdinText: string | null = null;
  for (const redirect of command.redirects) {
    if (redirect.type === "HereDoc") stdinText = redirect.body.text;
    else if (redirect.type === "HereString") stdinText = redirect.target?.value ?? "";
    else redirects.push({ operator: redirect.operator, target: redirect.target?.value ?? "" });
  }
  return { argv, assignments, redirects, stdinText, substitutions: [] };
}

const MAX_NESTING = 24;

// The deepest nesting of parentheses (substitutions, subshells, arithmetic), counted without
// regard to quoting: an over-estimate is fine, it only sends odd input to the token split.
function parenthesisDepth(source: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 40) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (c === 41 && depth > 0) depth--;
  }
  return deepest;
}

// The fallback when the parser itself fails: split on control operators, then on blanks.
function tokenSplit(source: string): ShellPipeline[] {
  return source
    .slice(0, 100_000)
    .split(/;|&&|\|\||\n/)
    .map((segment) =>
      segment
        .split("|")
        .map((stage) => stage.trim().split(/\s+/).filter(Boolean).map((word) => word.replace(/^["']|["']$/g, "")))
        .filter((argv) => argv.length > 0)
        .map((argv): SimpleCommand => ({ argv, assignments: [], redirects: [], stdinText: null, substitutions: [] })),
    )
    .filter((pipeline) => pipeline.length > 0);
}
