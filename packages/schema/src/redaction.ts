/**
 * Secret masking for records oclog sends itself (`oclog collect`), applied before they leave
 * the process over the forward protocol. Fluent Bit masks every record again with
 * packages/fluent-bit/lua/redact.lua; this copy is defence in depth, so a secret is already gone
 * if the pipeline is misconfigured, its filter is missing, or the records are captured between
 * the collector and Fluent Bit.
 *
 * redact.lua is the reference: its header documents every rule, and this file implements the
 * same rules with the same output for every input, down to the cheap anchor checks where they
 * decide the outcome (strings under 8 UTF-8 bytes are skipped; `BeArEr` alone is not an anchor).
 * packages/fluent-bit/test/redaction-parity.test.ts runs the same inputs through both under real
 * LuaJIT and fails when either one changes alone, so change both together.
 *
 * Lua works on bytes and JS on UTF-16 code units. Every pattern here matches ASCII only (Lua's
 * %w, %s, lower are ASCII in LuaJIT), so positions line up; where Lua counts bytes (the
 * 8-byte minimums) the UTF-8 length is used.
 */
import { readFileSync } from "node:fs";
import { OclogError } from "@oclog/errors";

export interface RedactionOptions {
  /**
   * Secrets with no fixed format (the gateway token), masked as plain text. Treated like the
   * lines of the literals file: trimmed, under 8 bytes ignored, longest first. The array is
   * compiled once and cached by identity, so pass the same (unmodified) array every time.
   */
  literals?: readonly string[];
}

/** A literals file that was named, or that exists, could not be read: the collector must not start. */
export class RedactionLiteralsError extends OclogError {
  constructor(path: string, from: "argument" | "OCLOG_REDACT_LITERALS" | "default", cause: unknown) {
    const reason = (cause as NodeJS.ErrnoException | undefined)?.code ?? String(cause);
    super("E_REDACT_LITERALS", `cannot read the redaction literals file ${path} (${reason}): the gateway token would not be masked`, {
      cause,
      context: { path, from },
      hint:
        from === "OCLOG_REDACT_LITERALS"
          ? "Make the file named by OCLOG_REDACT_LITERALS readable by this user, or unset the variable to use /etc/oclog/redact-literals."
          : `Make ${path} readable by this user (oclog writes it on the VM, one secret per line).`,
    });
  }
}

const MIN_SCAN = 8;
const MIN_LITERAL = 8;
const DEFAULT_LITERALS = "/etc/oclog/redact-literals";
const mark = (kind: string) => `[REDACTED:${kind}]`;
const FIELD = mark("field");
const GATEWAY_TOKEN = mark("gateway-token");

// Lua's %f[%w] before a key prefix: "task-..." or "desk-..." never start an "sk-" key.
const ANTHROPIC = /(?<![A-Za-z0-9])sk-ant-[\w-]{20,}/g;
const OPENROUTER = /(?<![A-Za-z0-9])sk-or-[\w-]{20,}/g;
const OPENAI = /(?<![A-Za-z0-9])sk-[\w-]{20,}/g;
const GOOGLE = /(?<![A-Za-z0-9])AIza[\w-]{35,}/g;
const GITHUB = /(?<![A-Za-z0-9])gh[pousr]_[A-Za-z0-9]{36,}/g;
const GITHUB_PAT = /(?<![A-Za-z0-9])github_pat_\w{22,}/g;
const SLACK = /(?<![A-Za-z0-9])xox[baprs]-[A-Za-z0-9-]{10,}/g;
// The VM's per-start gateway token (vm/bin/openclaw-gateway-start): prefix + 32 bytes base64url.
const OCGW = /(?<![A-Za-z0-9])ocgw_[\w-]{43}(?![\w-])/g;
const AWS = /(?<![A-Za-z0-9])A[SK]IA[A-Z0-9]{16}(?![A-Za-z0-9])/g;
// Lua's %s is these six ASCII bytes; JS's \s would also take U+00A0, U+2028, ...
const BEARER = /(?<![A-Za-z])([Bb][Ee][Aa][Rr][Ee][Rr][ \t\n\v\f\r]+)([\w.~+/-]+=*)/g;
const SAS = /(?<![A-Za-z0-9])(sig=)[^&\t\n\v\f\r "'\\[][^&\t\n\v\f\r "'\\]*/g;
const PEM_BEGIN = "-----BEGIN [A-Z ]*PRIVATE KEY[A-Z ]*-----";
const PEM_END = "-----END [A-Z ]*PRIVATE KEY[A-Z ]*-----";
const PEM_BLOCK = new RegExp(`(${PEM_BEGIN})[^]*?(${PEM_END})`, "g");
const PEM_CUT = new RegExp(`(${PEM_BEGIN})[^[][^]*`, "g");
const ENV_REF = /^\$\{\w+\}$/;
// Key/value pairs inside a string, matched where a secret stem ends (sticky: at that index).
const JSON_SEPARATOR = /(\\*)"[ \t\n\v\f\r]*:[ \t\n\v\f\r]*(\\*)"/y;
const QUOTE_OPEN = /(\\*)"/y;
const BARE_VALUE = /[^ \t\n\v\f\r&,;"'\\=][^ \t\n\v\f\r&,;"'\\]*/y;

const QUOTE = 34;
const BACKSLASH = 92;
const EQUALS = 61;

const SECRET_SUFFIXES = ["password", "passwd", "secret", "token", "apikey", "accesskey", "privatekey", "authorization"];

/** `s` lowercased in ASCII only, like Lua's string.lower (JS would turn the Kelvin sign into "k"). */
function asciiLower(s: string): string {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32)) : s;
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

function isPlaceholder(v: string): boolean {
  return v.startsWith("[REDACTED") || v === "__OPENCLAW_REDACTED__" || (v.length === 10 && asciiLower(v) === "<redacted>") || ENV_REF.test(v);
}

// Records repeat the same few hundred keys; reset when odd keys (ids as map keys) pile up.
let keyCache = new Map<string, boolean>();

function isSecretKey(k: string): boolean {
  let hit = keyCache.get(k);
  if (hit !== undefined) return hit;
  const nk = asciiLower(k).replace(/[_-]/g, "");
  hit = SECRET_SUFFIXES.some((suffix) => nk.endsWith(suffix));
  if (keyCache.size >= 4096) keyCache = new Map();
  keyCache.set(k, hit);
  return hit;
}

function maskField(v: string): string {
  return v === "" || isPlaceholder(v) ? v : FIELD;
}

/**
 * Exclusive end of a JSON string value starting at `from` whose structural quotes are escaped
 * by `n` backslashes (0 in a JSON line, 1 one level in, 3 two levels in): a quote ends it when
 * the backslashes before it, modulo 2n+2, number exactly n. No such quote: the line was cut
 * off, and the value runs to the end rather than leak the rest.
 */
function quotedValueEnd(s: string, from: number, n: number): number {
  const period = 2 * n + 2;
  for (let q = s.indexOf('"', from); q !== -1; q = s.indexOf('"', q + 1)) {
    let c = 0;
    for (let j = q - 1; j >= from && s.charCodeAt(j) === BACKSLASH; j--) c++;
    if (c % period === n) return q - n;
  }
  return s.length;
}

/** s[at, at + stem.length) lowercased (ASCII) equals `stem`. */
function stemAt(s: string, at: number, stem: string): boolean {
  for (let k = 0; k < stem.length; k++) {
    const c = s.charCodeAt(at + k);
    const want = stem.charCodeAt(k);
    if (c !== want && !(c >= 65 && c <= 90 && c + 32 === want)) return false;
  }
  return true;
}

function isKeyChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;
}

// needle -> [stem, characters of the stem before the needle]. Needles are in lower and UPPER
// case, so "token", "Token", "TOKEN" hit "ken"/"KEN" but "PassWord" does not (as in redact.lua).
const KEY_NEEDLES: ReadonlyMap<string, readonly [stem: string, before: number]> = new Map([
  ["word", ["password", 4]], ["WORD", ["password", 4]],
  ["wd", ["passwd", 4]], ["WD", ["passwd", 4]],
  ["cret", ["secret", 2]], ["CRET", ["secret", 2]],
  ["ken", ["token", 2]], ["KEN", ["token", 2]],
  ["key", ["key", 0]], ["Key", ["key", 0]], ["KEY", ["key", 0]],
  ["zation", ["authorization", 7]], ["ZATION", ["authorization", 7]],
]);
// Every needle ends its stem, and only where a quote, backslash or "=" follows can a key end.
// redact.lua searches needle by needle; one alternation finds the same hits because no needle
// overlaps itself or another one (none ends with the start of one).
const KEY_END = new RegExp(String.raw`(?:${[...KEY_NEEDLES.keys()].join("|")})(?=["\\=])`, "g");

/** `"secret_key":"value"` at any JSON escaping depth and `secret_key=value`, inside a string. */
function maskEmbeddedPairs(s: string): string {
  const ranges: Array<[start: number, end: number]> = [];
  KEY_END.lastIndex = 0;
  for (let hit = KEY_END.exec(s); hit !== null; hit = KEY_END.exec(s)) {
    const [stem, before] = KEY_NEEDLES.get(hit[0])!;
    const i = hit.index - before;
    const e = i + stem.length; // just past the stem: where a key can end
    const next = s.charCodeAt(e);
    if (i < 0 || !stemAt(s, i, stem)) continue;
    let vs = -1;
    let ve = -1;
    let json = false;
    JSON_SEPARATOR.lastIndex = e;
    const sep = JSON_SEPARATOR.exec(s);
    if (sep) {
      json = true;
      vs = JSON_SEPARATOR.lastIndex;
      ve = quotedValueEnd(s, vs, sep[2]!.length);
    } else if (next === EQUALS) {
      QUOTE_OPEN.lastIndex = e + 1;
      const open = QUOTE_OPEN.exec(s);
      if (open) {
        vs = QUOTE_OPEN.lastIndex;
        ve = quotedValueEnd(s, vs, open[1]!.length);
      } else {
        BARE_VALUE.lastIndex = e + 1;
        if (BARE_VALUE.test(s)) [vs, ve] = [e + 1, BARE_VALUE.lastIndex];
      }
    }
    if (ve <= vs) continue; // no value, or an empty one
    let ks = i;
    while (ks > 0 && isKeyChar(s.charCodeAt(ks - 1))) ks--;
    // A JSON key starts at a quote; a bare word followed by `":"` is some other text.
    if (json && s.charCodeAt(ks - 1) !== QUOTE) continue;
    if (isSecretKey(s.slice(ks, e)) && !isPlaceholder(s.slice(vs, ve))) ranges.push([vs, ve]);
  }
  if (ranges.length === 0) return s;
  ranges.sort((a, b) => a[0] - b[0]);
  let out = "";
  let pos = 0;
  for (const [start, end] of ranges) {
    if (start < pos) continue; // inside a value already masked
    out += s.slice(pos, start) + FIELD;
    pos = end;
  }
  return out + s.slice(pos);
}

function keepShortBearer(match: string, prefix: string, token: string): string {
  return token.length >= 20 || (token.length >= 8 && /[0-9]/.test(token)) ? prefix + mark("bearer") : match;
}

// Every anchor below in one pass: almost no string holds any, and one regex scan costs a
// fraction of a dozen includes() over the same string.
const ANY_ANCHOR = /PRIVATE KEY|sk-|AIza|gh|github_pat_|xox|A[SK]IA|Bearer|bearer|BEARER|sig=/;

/** The pattern rules, each run only when its anchor is in the string as it is by then. */
function maskPatterns(s: string): string {
  if (s.includes("PRIVATE KEY")) s = s.replace(PEM_BLOCK, `$1${mark("private-key")}$2`).replace(PEM_CUT, `$1${mark("private-key")}`);
  if (s.includes("sk-")) {
    // Most specific prefix first: the OpenAI pattern would also match the other two.
    s = s.replace(ANTHROPIC, mark("anthropic")).replace(OPENROUTER, mark("openrouter")).replace(OPENAI, mark("openai"));
  }
  if (s.includes("AIza")) s = s.replace(GOOGLE, mark("google"));
  if (s.includes("gh")) s = s.replace(GITHUB, mark("github"));
  if (s.includes("github_pat_")) s = s.replace(GITHUB_PAT, mark("github"));
  if (s.includes("xox")) s = s.replace(SLACK, mark("slack"));
  if (s.includes("AKIA") || s.includes("ASIA")) s = s.replace(AWS, mark("aws"));
  // Exactly redact.lua's anchor, checked after the keys above are masked, because it decides
  // the outcome: with none of these spellings left, "BeArEr <token>" stays, though the pattern
  // itself would take it.
  if (s.includes("Bearer") || s.includes("bearer") || s.includes("BEARER")) s = s.replace(BEARER, keepShortBearer);
  if (s.includes("sig=")) s = s.replace(SAS, `$1${mark("sas")}`);
  return s;
}

/** Masks every secret in one string; returns `s` itself when nothing matched. */
function scrub(s: string, literals: readonly string[]): string {
  if (s.length < MIN_SCAN && utf8Length(s) < MIN_SCAN) return s;
  // Literals first: once the gateway token is a marker, bearer and key=value see only that.
  for (const literal of literals) if (s.includes(literal)) s = s.split(literal).join(GATEWAY_TOKEN);
  if (s.includes("ocgw_")) s = s.replace(OCGW, GATEWAY_TOKEN);
  if (ANY_ANCHOR.test(s)) s = maskPatterns(s);
  // Last, so a provider key in `OPENAI_API_KEY=sk-...` keeps its specific kind.
  return maskEmbeddedPairs(s);
}

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Sets an own property, also for a key named `__proto__` (an assignment would set the prototype). */
function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === "__proto__") Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  else o[k] = v;
}

// Only JSON values are walked (what a collector parses from a line, what reaches the Lua filter
// as tables); anything else (Date, Buffer, class instances) passes through untouched. The walk
// keeps its own stack, not the call stack: a record nested a hundred thousand levels deep (an
// agent can write one) is masked like any other instead of crashing the process.

type Container = Record<string, unknown> | readonly unknown[];

/** One object or array being walked: where it is, what is left, and its copy once something changed. */
interface Frame {
  node: Container;
  /** The object's keys; undefined for an array. */
  keys: string[] | undefined;
  next: number;
  /** An array under a secret key: its strings are masked whole. */
  underSecretKey: boolean;
  copy: Record<string, unknown> | unknown[] | undefined;
  /** The frame holding this node, and the key or index it is held under. */
  parent: Frame | undefined;
  at: string | number;
}

function frameOf(node: Container, underSecretKey: boolean, parent: Frame | undefined, at: string | number): Frame {
  return { node, keys: Array.isArray(node) ? undefined : Object.keys(node), next: 0, underSecretKey, copy: undefined, parent, at };
}

/** Writes `value` at `at` in the frame's copy, copying the node on the first change. */
function put(frame: Frame, at: string | number, value: unknown): void {
  if (frame.keys === undefined) ((frame.copy ??= (frame.node as readonly unknown[]).slice()) as unknown[])[at as number] = value;
  else setOwn((frame.copy ??= { ...(frame.node as Record<string, unknown>) }) as Record<string, unknown>, at as string, value);
}

/** The container to walk for `v` (arrays, plain objects), or undefined for a value passed through. */
function walkable(v: unknown): Container | undefined {
  if (Array.isArray(v)) return v;
  if (typeof v === "object" && v !== null && isPlainObject(v)) return v;
  return undefined;
}

function walkObject(root: Record<string, unknown>, literals: readonly string[]): Record<string, unknown> {
  const stack: Frame[] = [frameOf(root, false, undefined, "")];
  for (;;) {
    const frame = stack.at(-1)!;
    const length = frame.keys === undefined ? (frame.node as readonly unknown[]).length : frame.keys.length;
    if (frame.next >= length) {
      stack.pop();
      if (!frame.parent) return (frame.copy as Record<string, unknown> | undefined) ?? root;
      if (frame.copy) put(frame.parent, frame.at, frame.copy);
      continue;
    }
    const at: string | number = frame.keys === undefined ? frame.next : frame.keys[frame.next]!;
    frame.next++;
    const v = (frame.node as Record<string | number, unknown>)[at];
    // In an object the key decides; in an array the array's own key did (a nested array's key
    // is numeric, never a secret one). Objects under a secret key (OpenClaw's SecretRef
    // `token: {source, id}`) stay readable; arrays under one (`authorization: ["Bearer ..."]`)
    // are masked element by element.
    const secret = frame.keys === undefined ? frame.underSecretKey : isSecretKey(at as string);
    if (typeof v === "string") {
      const nv = secret ? maskField(v) : scrub(v, literals);
      if (nv !== v) put(frame, at, nv);
      continue;
    }
    const child = walkable(v);
    if (child) stack.push(frameOf(child, Array.isArray(child) && secret && frame.keys !== undefined, frame, at));
  }
}

/**
 * Lua 5.1's table.sort (the quicksort LuaJIT ships), ported so literals of equal length end up
 * in the same order as in redact.lua: when two of them overlap in a string, the first one
 * applied wins. A stable sort orders ties differently most of the time.
 */
function luaSort<T>(a: T[], lessThan: (x: T, y: T) => boolean): void {
  const at = (i: number) => a[i - 1]!; // Lua indexes from 1
  const swap = (i: number, j: number) => {
    [a[i - 1], a[j - 1]] = [a[j - 1]!, a[i - 1]!];
  };
  const auxsort = (l: number, u: number): void => {
    while (l < u) {
      if (lessThan(at(u), at(l))) swap(l, u);
      if (u - l === 1) break;
      let i = Math.floor((l + u) / 2);
      if (lessThan(at(i), at(l))) swap(i, l);
      else if (lessThan(at(u), at(i))) swap(i, u);
      if (u - l === 2) break;
      const pivot = at(i);
      swap(i, u - 1);
      i = l;
      let j = u - 1;
      for (;;) {
        while (lessThan(at(++i), pivot)) {}
        while (lessThan(pivot, at(--j))) {}
        if (j < i) break;
        swap(i, j);
      }
      swap(u - 1, i);
      if (i - l < u - i) [j, i, l] = [l, i - 1, i + 1];
      else [j, i, u] = [i + 1, u, i - 1];
      auxsort(j, i);
    }
  };
  auxsort(1, a.length);
}

/** Lua's `match(line, "^%s*(.-)%s*$")`: trims ASCII whitespace only. */
function trimLine(line: string): string {
  return line.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, "");
}

/** Trimmed, at least 8 UTF-8 bytes, first occurrence kept, in the order given. */
function usableLiterals(lines: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const line of lines) {
    const literal = trimLine(line);
    if (utf8Length(literal) >= MIN_LITERAL) seen.add(literal);
  }
  return [...seen];
}

const compiled = new WeakMap<readonly string[], readonly string[]>();

function literalsOf(options: RedactionOptions | undefined): readonly string[] {
  const given = options?.literals;
  if (!given || given.length === 0) return [];
  let list = compiled.get(given);
  if (!list) {
    const sorted = usableLiterals(given);
    // Longest first, so a literal that contains another is masked whole.
    luaSort(sorted, (a, b) => utf8Length(a) > utf8Length(b));
    list = sorted;
    compiled.set(given, list);
  }
  return list;
}

/**
 * Masks secrets in every string of `record` at any depth. Returns `record` itself and
 * `changed: false` when nothing was masked; otherwise a copy along the changed paths (unchanged
 * branches are shared with the input, which is never mutated).
 */
export function redactRecord(record: Record<string, unknown>, options?: RedactionOptions): { record: Record<string, unknown>; changed: boolean } {
  const out = walkObject(record, literalsOf(options));
  return { record: out, changed: out !== record };
}

/** Masks secrets in one free-standing string (every rule except the secret-named-field one). */
export function redactString(s: string, options?: RedactionOptions): string {
  return scrub(s, literalsOf(options));
}

/**
 * Reads the literals file redact.lua reads: `path`, else OCLOG_REDACT_LITERALS, else
 * /etc/oclog/redact-literals (an empty path or variable counts as unset). One literal per line,
 * trimmed; blank and under-8-byte lines ignored, duplicates dropped, in file order (redactRecord
 * sorts them longest first). A missing default file means no literals. A file named by `path`
 * or the variable that cannot be read, or a default file that exists but cannot be read, throws
 * RedactionLiteralsError: Fluent Bit carries on without literals, but the collector can refuse
 * to start instead of leaking.
 */
export function loadRedactionLiterals(path?: string): string[] {
  const fromEnv = process.env.OCLOG_REDACT_LITERALS;
  const from = path ? "argument" : fromEnv ? "OCLOG_REDACT_LITERALS" : "default";
  const file = path || fromEnv || DEFAULT_LITERALS;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if (from === "default" && (error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new RedactionLiteralsError(file, from, error);
  }
  return usableLiterals(text.split("\n"));
}
