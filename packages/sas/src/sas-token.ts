/**
 * A shared access signature, parsed strictly: what it grants and until when, without ever keeping
 * the signature in anything that prints. Accepts a bare token (`sv=...&sig=...`, with or without a
 * leading `?`) or a container SAS URL (`https://acct.blob.core.windows.net/container?sv=...`),
 * which also names the account and container the token was issued for.
 *
 * Every field is checked against its grammar (sas-fields.ts). What does not fit is not guessed at:
 * it becomes a `problem` (install refuses the token, inspect shows why), and the account and
 * container are only taken from a URL path that is exactly `/<container>` (or Azurite's
 * `/<account>/<container>`), so a signature pasted anywhere else can never pass for a name.
 */
import { createHash } from "node:crypto";
import { REDACTED, Sensitive, UsageError, quoteUntrusted } from "@oclog/errors";
import { ACCOUNT_NAME, CONTAINER_NAME, SAS_FIELDS, SAS_TIME } from "./sas-fields.js";

export interface ParsedSas {
  /** The token (query string without `?`), redacted when printed. */
  token: Sensitive<string>;
  /** From the URL form only, and only when the path is well formed. */
  account?: string;
  container?: string;
  accountUrl?: string;
  version: string | undefined;
  start: Date | undefined;
  expiry: Date;
  /** `sp`, e.g. "cw" (as given: check `problems` before trusting its letters). */
  permissions: string;
  /** `sr`: c container, b blob, ... (service SAS); undefined for an account SAS. */
  resource: string | undefined;
  /** `ss` and `srt`: present on an account SAS. */
  services: string | undefined;
  resourceTypes: string | undefined;
  protocol: string | undefined;
  ipRange: string | undefined;
  /** `si`: a stored access policy the token refers to. */
  policyId: string | undefined;
  /** Set for a user delegation SAS: who the key belongs to (object id, tenant) and its validity. */
  userDelegation?: { objectId: string | undefined; tenantId: string | undefined; keyStart: Date | undefined; keyExpiry: Date | undefined };
  hasSignature: boolean;
  fingerprint: string;
  /** Characters in the input as given (token or URL). */
  length: number;
  /** Everything malformed about it, each naming the field; values shown escaped, the signature never. */
  problems: string[];
}

/** A SAS that does not parse; the message names the field, never the signature. */
export class SasParseError extends UsageError {}

/** `sha256:` + 16 hex digits over the whole token: tells tokens apart, reveals nothing usable. */
export function sasFingerprint(token: string): string {
  return `sha256:${createHash("sha256").update(token).digest("hex").slice(0, 16)}`;
}

function decode(text: string): string | undefined {
  try {
    // As URLSearchParams does: `+` is a space (a signature's `+` must arrive as %2B).
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return undefined;
  }
}

/** Percent-encoded, or undefined for a string no encoding can carry (a lone surrogate). */
function encoded(text: string): string | undefined {
  try {
    return encodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** Decoded until stable (at most 3 rounds): `%2573ig%253D` hides `sig=` two encodings deep. */
function decodeDeep(text: string): string {
  let current = text;
  for (let i = 0; i < 3; i++) {
    const next = decode(current);
    if (next === undefined || next === current) break;
    current = next;
  }
  return current;
}

interface QueryFields {
  values: Map<string, string>;
  /** The raw `sig=...` pair, to cut out before looking for the signature anywhere else. */
  sigPair: string | undefined;
  problems: string[];
}

/** Splits the query by hand: every name known, none twice, none percent-encoded. */
function readQuery(query: string): QueryFields {
  const values = new Map<string, string>();
  const problems: string[] = [];
  let sigPair: string | undefined;
  const counts = new Map<string, number>();
  for (const pair of query.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = eq < 0 ? pair : pair.slice(0, eq);
    const raw = eq < 0 ? "" : pair.slice(eq + 1);
    if (!/^[a-z]{2,8}$/.test(name)) {
      // Short names are shown (escaped) to say which; a long one could be a pasted signature.
      const which = name.length <= 8 ? `named ${quoteUntrusted(name)}` : `with a ${name.length}-character name (not shown)`;
      problems.push(`has a parameter ${which}: SAS parameter names are plain lowercase letters, never percent-encoded`);
      continue;
    }
    if (!Object.hasOwn(SAS_FIELDS, name)) {
      problems.push(`carries ${name}=, which a blob SAS never has`);
      continue;
    }
    counts.set(name, (counts.get(name) ?? 0) + 1);
    if (values.has(name)) continue;
    if (name === "sig") sigPair = pair;
    const value = decode(raw);
    if (value === undefined) {
      problems.push(`has ${name}= with a broken percent-encoding`);
      continue;
    }
    values.set(name, value);
  }
  for (const [name, count] of counts) if (count > 1) problems.push(`has ${name}= ${count} times: a SAS has each field once`);
  return { values, sigPair, problems };
}

/** Where the URL form says the token is for, and what is wrong with the URL itself. */
function readUrl(text: string): { where: Pick<ParsedSas, "account" | "container" | "accountUrl">; query: string; problems: string[] } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SasParseError("the SAS URL does not parse", { hint: "pass the URL exactly as `oclog sas issue` printed it" });
  }
  const problems: string[] = [];
  if (url.username !== "" || url.password !== "") problems.push("has a user name or password before its host (user@host): a SAS URL never does");
  if (text.includes("#")) problems.push("has a fragment (#...): a SAS URL never does");
  const segments = url.pathname.split("/").slice(1);
  if (segments.at(-1) === "") segments.pop(); // a trailing slash
  const azure = /^([a-z0-9]{3,24})\.blob\./.exec(url.hostname);
  // Azurite puts the account in the path: http://127.0.0.1:10000/devstoreaccount1/container
  const [account, container] = azure ? [azure[1]!, segments[0]] : [segments[0], segments[1]];
  const expected = azure ? 1 : 2;
  const pathOk = segments.length <= expected && (account === undefined || ACCOUNT_NAME.test(account)) && (container === undefined || CONTAINER_NAME.test(container));
  // The path is never shown: a signature pasted into it would print with it.
  if (!pathOk) problems.push(`has a URL path that is not ${azure ? "/<container>" : "/<account>/<container>"} (${segments.length} segment(s); names are lowercase letters, digits and hyphens)`);
  const where = pathOk
    ? {
        ...(account !== undefined ? { account } : {}),
        ...(container !== undefined ? { container } : {}),
        accountUrl: azure ? url.origin : `${url.origin}/${account ?? ""}`,
      }
    : { accountUrl: url.origin };
  return { where, query: url.search, problems };
}

/** The field as a time; undefined when absent or malformed (malformed is already a problem). */
function time(values: Map<string, string>, field: string): Date | undefined {
  const value = values.get(field);
  if (value === undefined || !SAS_TIME.test(value)) return undefined;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

/** Not a SAS at all; the other problems found on the way are said too, so one run shows them all. */
function notASas(reason: string, problems: string[], hint: string): SasParseError {
  return new SasParseError([reason, ...problems.map((p) => `it ${p}`)].join("; "), { hint });
}

/** A field value holding this token's signature, or any `sig=`, however deep it is encoded. */
function holdsSignature(value: string, signature: string | undefined): boolean {
  const plain = decodeDeep(value);
  if (/sig\s*=/i.test(value) || /sig\s*=/i.test(plain)) return true;
  if (signature === undefined || signature.length < 8) return false;
  return [value, plain].some((v) => v.includes(signature) || v.includes(encoded(signature) ?? signature));
}

/** Any field (or the URL around it) holding the signature or a `sig=` outside the one sig parameter. */
function signatureElsewhere(text: string, sigPair: string | undefined, signature: string | undefined): boolean {
  const rest = sigPair === undefined ? text : text.replace(sigPair, "");
  const views = [rest, decodeDeep(rest)];
  if (views.some((v) => /sig\s*=/i.test(v))) return true;
  if (signature === undefined || signature.length < 8) return false;
  const forms = [signature, encoded(signature)].filter((f): f is string => f !== undefined);
  return views.some((v) => forms.some((f) => v.includes(f)));
}

/** Parses a bare SAS token or a container SAS URL. */
export function parseSas(input: string | Sensitive<string>): ParsedSas {
  const text = (input instanceof Sensitive ? input.reveal() : input).trim();
  const problems: string[] = [];
  // A SAS is URL-safe ASCII; WHATWG URL parsing would silently drop tabs and newlines, so look first.
  if (!/^[\x21-\x7e]*$/.test(text)) problems.push("contains characters a SAS never has (spaces, controls or non-ASCII)");
  let query = text;
  let where: Pick<ParsedSas, "account" | "container" | "accountUrl"> = {};
  if (/^https?:\/\//i.test(text)) {
    const url = readUrl(text);
    where = url.where;
    query = url.query;
    problems.push(...url.problems);
  }
  query = query.replace(/^\?/, "");
  const fields = readQuery(query);
  problems.push(...fields.problems);
  const values = fields.values;
  const signature = values.get("sig");
  for (const [name, value] of values) {
    const field = SAS_FIELDS[name]!;
    const hidden = name !== "sig" && holdsSignature(value, signature);
    // Whatever else it is, a field holding a signature is never shown: inspect prints fields.
    if (hidden) values.set(name, REDACTED);
    // 2026-13-45 has the shape of a time and is none.
    if (!hidden && field.shape.test(value) && (field.shape !== SAS_TIME || !Number.isNaN(new Date(value).getTime()))) continue;
    const shown = name === "sig" ? `(${value.length} characters, not shown)` : hidden ? "(it holds a signature, not shown)" : quoteUntrusted(value, 40);
    problems.push(`has ${name}= that is not ${field.what}: ${shown}`);
  }
  if (signatureElsewhere(text, fields.sigPair, signature)) problems.push("carries its signature (or a sig=) outside the sig parameter: in the path, fragment, user name or another field");
  const hint = "a SAS looks like sv=...&se=2026-12-05T15:02:01Z&sp=cw&sig=...: pass it exactly as `oclog sas issue` printed it";
  const expiry = time(values, "se");
  // A malformed se is already among the problems; the token as a whole means nothing without it.
  if (!expiry) throw notASas(values.has("se") ? "this is not a usable SAS: its expiry (se) is not a time" : "this is not a SAS: it has no expiry (se)", problems, hint);
  const permissions = values.get("sp");
  if (!permissions) throw notASas("this is not a SAS: it has no permissions (sp)", problems, hint);
  const skoid = values.get("skoid");
  const sktid = values.get("sktid");
  return {
    token: new Sensitive(query),
    ...where,
    version: values.get("sv"),
    start: time(values, "st"),
    expiry,
    permissions,
    resource: values.get("sr"),
    services: values.get("ss"),
    resourceTypes: values.get("srt"),
    protocol: values.get("spr"),
    ipRange: values.get("sip"),
    policyId: values.get("si"),
    ...(skoid !== undefined || sktid !== undefined ? { userDelegation: { objectId: skoid, tenantId: sktid, keyStart: time(values, "skt"), keyExpiry: time(values, "ske") } } : {}),
    hasSignature: (signature ?? "").length > 0,
    fingerprint: sasFingerprint(query),
    length: text.length,
    problems,
  };
}
