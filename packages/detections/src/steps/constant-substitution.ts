/**
 * Command substitutions whose output is a constant, folded into the word that holds them:
 * `cat ~/$(printf '\056\141\167\163...')` reads `~/.aws/credentials`, `$(printf '\162\155') -rf x`
 * runs `rm`. An attacker spells a path or a program this way precisely so no word of the command
 * names it; the output is fixed by literal text alone, so it can be computed without running
 * anything. Only literal `echo`/`printf` (or a herestring) followed by decoders (base64 -d,
 * xxd -r -p, rev) counts as constant; anything else (`$(date)`, `$(git rev-parse ...)`) is left as
 * written.
 */
import { decodeText, decoderOf, printedText } from "./decode-payload.js";
import { splitShell } from "./shell-words.js";
import { unwrapCommand } from "./unwrap-command.js";

/** A word after folding: its new text, and whether an encoding (escapes, base64, hex, reversal) hid it. */
export interface FoldedWord {
  word: string;
  folded: boolean;
  encoded: boolean;
}

// Bounds: words and substitution bodies longer than these are not real path or program names.
const MAX_WORD = 4096;
const MAX_SUBSTITUTIONS = 8;

/** Folds every constant `$(...)`/backtick substitution of one word; a word with none comes back unchanged. */
export function foldConstantWord(word: string): FoldedWord {
  const unchanged = { word, folded: false, encoded: false };
  if (word.length > MAX_WORD || (!word.includes("$(") && !word.includes("`"))) return unchanged;
  let out = "";
  let encoded = false;
  let folded = false;
  let count = 0;
  for (let i = 0; i < word.length; ) {
    const span = substitutionAt(word, i);
    if (span === null) {
      out += word[i];
      i++;
      continue;
    }
    if (++count > MAX_SUBSTITUTIONS) return unchanged;
    const value = constantOutput(span.body);
    if (value === null) {
      out += word.slice(i, span.end);
    } else {
      out += value.text;
      folded = true;
      encoded ||= value.encoded;
    }
    i = span.end;
  }
  return folded ? { word: out, folded, encoded } : unchanged;
}

// The substitution starting at `i` (`$(` ... matching `)`, or a backtick pair), or null.
function substitutionAt(word: string, i: number): { body: string; end: number } | null {
  if (word[i] === "`") {
    const close = word.indexOf("`", i + 1);
    return close < 0 ? null : { body: word.slice(i + 1, close), end: close + 1 };
  }
  if (word[i] !== "$" || word[i + 1] !== "(" || word[i + 2] === "(") return null;
  let depth = 0;
  let quote: string | null = null;
  for (let j = i + 1; j < word.length; j++) {
    const c = word[j]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === "\\" && quote === '"') j++;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "\\") j++;
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return { body: word.slice(i + 2, j), end: j + 1 };
  }
  return null;
}

/** The output of a substitution body when literal text alone fixes it, or null. */
export function constantOutput(body: string): { text: string; encoded: boolean } | null {
  if (body.length > MAX_WORD || /[$`]/.test(body)) return null;
  const split = splitShell(body);
  if (split.parseError || split.pipelines.length !== 1) return null;
  const [first, ...rest] = split.pipelines[0]!;
  if (!first || first.redirects.length > 0 || first.substitutions.length > 0) return null;
  let text: string;
  let encoded = false;
  const head = unwrapCommand(first.argv);
  if ((head.program === "printf" || head.program === "echo") && head.wrappers.length === 0 && first.stdinText === null) {
    text = printedText(head.program, head.args);
    encoded = text !== head.args.filter((a) => !/^-[neE]+$/.test(a)).join(" ");
  } else if (first.stdinText !== null && decoderOf(head.program, head.args) !== null) {
    // `base64 -d <<< X`: the herestring is the text, the command its first decoder.
    rest.unshift(first);
    text = first.stdinText;
  } else return null;
  for (const stage of rest) {
    if (stage.redirects.length > 0 || stage.substitutions.length > 0) return null;
    const { program, args } = unwrapCommand(stage.argv);
    const decoder = decoderOf(program, args);
    if (decoder === null || args.some((a) => !a.startsWith("-"))) return null;
    const decoded = decodeText(text, decoder);
    if (decoded === null) return null;
    text = decoded;
    encoded = true;
  }
  // A substitution drops trailing newlines; a name with a control character is not a path.
  text = text.replace(/\n+$/, "");
  return /[\0-\x08\x0b-\x1f]/.test(text) ? null : { text, encoded };
}
