/**
 * Fluent Bit azure_blob (blockblob) names, and the one pruning rule they allow.
 *
 *   4.x: `<path>/<tag>.<random>.<epoch-ms>[.gz]`, path a literal prefix (`oclog/alice`)
 *   5.x: same file name under a templated path (`oclog/alice/$TAG/%Y/%m/%d/%H`)
 *
 * The epoch in the name (and a 5.x path date) is the UPLOAD time: a blob holds no record newer
 * than its name, but after an outage it can hold records much older. So the name can prove a
 * blob is entirely before `--since`, and nothing else: a blob is never skipped for `--until`.
 * Pure.
 */
import type { TimeWindow } from "../time-window.js";

/** What a Fluent Bit blob name tells about its blob. */
export interface FluentBitBlobName {
  name: string;
  /** Everything before the file name, without the trailing slash ("" at the container root). */
  path: string;
  /** The Fluent Bit tag, e.g. `openclaw.gateway`. */
  tag: string;
  /** The last tag part, e.g. `gateway`. */
  source: string;
  /** When Fluent Bit uploaded the blob (its clock, UTC): no record inside is newer. */
  uploadedAt: Date;
  gzip: boolean;
  /** "v5" when the path holds a strftime date (`YYYY/MM/DD`), which only 5.x templating makes; else "v4". */
  layout: "v4" | "v5";
}

export type BlobNameParse = { ok: true; blob: FluentBitBlobName } | { ok: false; name: string; reason: string };

// `<tag>.<random>.<13-digit epoch ms>[.gz]`. The random part has no dots, so a greedy tag
// (tags have dots: openclaw.gateway) still splits at the right place. 13 digits span the years
// 2001-2286: anything else is not an upload time.
const FILE = /^(?<tag>[A-Za-z0-9_][A-Za-z0-9_.\-]*?)\.(?<random>[A-Za-z0-9]{8,128})\.(?<epoch>\d{13})(?<gz>\.gz)?$/;
const PATH_DATE = /(?:^|\/)\d{4}\/(?:0[1-9]|1[0-2])\/(?:0[1-9]|[12]\d|3[01])(?:\/|$)/;

/** Reads a blob name as Fluent Bit wrote it; `ok: false` with a reason for anything else. */
export function parseBlobName(name: string): BlobNameParse {
  const slash = name.lastIndexOf("/");
  const path = slash < 0 ? "" : name.slice(0, slash);
  const file = name.slice(slash + 1);
  if (file === "") return { ok: false, name, reason: "the name ends with a slash (a folder placeholder, not a Fluent Bit blob)" };
  const match = FILE.exec(file);
  if (!match) return { ok: false, name, reason: "the file name is not <tag>.<random>.<epoch-ms>[.gz] as Fluent Bit's azure_blob output writes it" };
  const { tag, epoch, gz } = match.groups as { tag: string; epoch: string; gz?: string };
  if (tag.endsWith(".") || tag.includes("..")) return { ok: false, name, reason: "the tag part has an empty component" };
  return {
    ok: true,
    blob: {
      name,
      path,
      tag,
      source: tag.slice(tag.lastIndexOf(".") + 1),
      uploadedAt: new Date(Number(epoch)),
      gzip: gz !== undefined,
      layout: PATH_DATE.test(path) ? "v5" : "v4",
    },
  };
}

/**
 * Why a listed name must never be requested, or undefined when it may be. A `.` or `..`
 * segment is resolved away by URL parsing before the request leaves (the SDK sends
 * `a/../../other/x` as `/other/x`), so it would read another blob, or another container's.
 */
export function unsafeBlobNameReason(name: string): string | undefined {
  if (name === "") return "the name is empty";
  // A lone surrogate cannot be percent-encoded: the SDK throws URIError building its URL.
  if (!isWellFormedUnicode(name)) return "the name is not well-formed Unicode (a lone surrogate): it has no URL to request";
  const segments = name.split("/");
  if (segments.some((s) => s === "." || s === "..")) {
    return "the name has a '.' or '..' segment, which URL resolution removes: requesting it would read a different blob, possibly in another container";
  }
  return undefined;
}

function isWellFormedUnicode(text: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

/** False only when the blob provably holds nothing in the window: uploaded before `since`. */
export function mayHoldRecordsIn(blob: { uploadedAt: Date }, window: TimeWindow): boolean {
  return window.since === undefined || blob.uploadedAt.getTime() >= window.since.getTime();
}

/** Keep-or-skip for one blob name, with a reason whenever the answer is not a plain "keep". */
export interface BlobDecision {
  keep: boolean;
  reason?: string;
}

/**
 * The name filter for a window. A name that is not a Fluent Bit blob is kept (its upload time
 * is unknown, so nothing proves it is outside the window) with a reason, never dropped silently.
 */
export function blobFilter(window: TimeWindow): (name: string) => BlobDecision {
  return (name) => {
    const parsed = parseBlobName(name);
    if (!parsed.ok) return { keep: true, reason: `kept: upload time unknown, ${parsed.reason}` };
    if (mayHoldRecordsIn(parsed.blob, window)) return { keep: true };
    return {
      keep: false,
      reason: `skipped: uploaded ${parsed.blob.uploadedAt.toISOString()}, before --since ${window.since!.toISOString()}, so every record in it is older`,
    };
  };
}
