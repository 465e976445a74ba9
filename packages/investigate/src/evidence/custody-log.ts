/**
 * The chain of custody: `custody.jsonl`, one line per action taken on a case (who, what,
 * when), each line carrying the SHA-256 of the previous line's hash and its own content, so
 * removing, reordering or editing a line breaks the chain from that point on.
 */
import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { OclogError } from "@oclog/errors";
import { readFileNoFollow } from "../case/case-folder.js";
import { userInfo, hostname } from "node:os";
import type { LineShape } from "./gzip-integrity.js";

export interface CustodyEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  details: Record<string, unknown>;
  prev: string;
  hash: string;
}

const GENESIS = "0".repeat(64);

/** Who is acting: the OS user and host (the investigator's workstation), overridable for tests. */
export function defaultActor(): string {
  let user = "unknown";
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (containers): the host alone still says where it happened.
  }
  return `${user}@${hostname()}`;
}

function hashEntry(entry: Omit<CustodyEntry, "hash">): string {
  // Key order is fixed by construction, so JSON.stringify is a stable canonical form here.
  return createHash("sha256").update(JSON.stringify(entry)).digest("hex");
}

/** Appends to a custody log, continuing the chain from its last line. */
export class CustodyLog {
  readonly #path: string;
  readonly #actor: string;
  #seq = 0;
  #prev = GENESIS;

  private constructor(path: string, actor: string) {
    this.#path = path;
    this.#actor = actor;
  }

  /** Opens (or starts) the log at `path`; refuses to continue a chain that does not verify. */
  static async open(path: string, actor = defaultActor()): Promise<CustodyLog> {
    const log = new CustodyLog(path, actor);
    const result = await verifyCustody(path);
    if (result.problems.length > 0) {
      throw new OclogError("E_CUSTODY_BROKEN", `custody log ${path} does not verify: ${result.problems[0]}; no line is added to a broken chain`, {
        hint: "keep this case folder as it is for review (`oclog case verify` lists every problem) and investigate into a new --case-dir",
        context: { path, problems: result.problems.slice(0, 20) },
      });
    }
    const last = result.entries.at(-1);
    if (last) {
      log.#seq = last.seq;
      log.#prev = last.hash;
    }
    return log;
  }

  /** Records one action. */
  async append(action: string, details: Record<string, unknown> = {}): Promise<CustodyEntry> {
    const body = { seq: this.#seq + 1, at: new Date().toISOString(), actor: this.#actor, action, details, prev: this.#prev };
    const entry: CustodyEntry = { ...body, hash: hashEntry(body) };
    // O_NOFOLLOW: a custody.jsonl planted as a link must not steer an append into another file.
    const handle = await open(this.#path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o644);
    try {
      await handle.appendFile(`${JSON.stringify(entry)}\n`);
    } finally {
      await handle.close();
    }
    this.#seq = entry.seq;
    this.#prev = entry.hash;
    return entry;
  }
}

/** Re-checks every link of a custody log; a missing file is an empty, valid chain. */
export async function verifyCustody(path: string): Promise<{ entries: CustodyEntry[]; problems: string[] }> {
  let text: string;
  try {
    text = await readFileNoFollow(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { entries: [], problems: [] };
    if (code === "ELOOP") return { entries: [], problems: ["custody.jsonl is a symbolic link (never followed)"] };
    throw error;
  }
  const entries: CustodyEntry[] = [];
  const problems: string[] = [];
  let prev = GENESIS;
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  for (const [index, line] of lines.entries()) {
    let entry: CustodyEntry;
    try {
      entry = JSON.parse(line) as CustodyEntry;
    } catch {
      problems.push(`custody.jsonl line ${index + 1} is not JSON`);
      break;
    }
    const { hash, ...body } = entry;
    if (entry.seq !== index + 1) problems.push(`custody.jsonl line ${index + 1}: sequence ${entry.seq}, expected ${index + 1}`);
    if (entry.prev !== prev) problems.push(`custody.jsonl line ${index + 1}: chain broken (prev hash does not match line ${index})`);
    if (hashEntry(body) !== hash) problems.push(`custody.jsonl line ${index + 1}: content does not match its hash (edited)`);
    entries.push(entry);
    prev = hash;
  }
  return { entries, problems };
}

/** The SHA-256 custody last recorded for each blob (`evidence.add`); a Map, since blob names are data, never keys. */
export function custodyEvidenceHashes(entries: readonly CustodyEntry[]): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const entry of entries) {
    if (entry.action === "evidence.add" && typeof entry.details.blob === "string" && typeof entry.details.sha256 === "string") {
      hashes.set(entry.details.blob, entry.details.sha256);
    }
  }
  return hashes;
}

/**
 * The line shape custody recorded with each blob's last `evidence.add` (see inspectGzip), with the
 * SHA-256 it was recorded for: a file that still hashes to that SHA-256 has that shape, so a
 * rebuild need not decompress it again to measure it. A shape that is not well formed is left out.
 */
export function custodyEvidenceShapes(entries: readonly CustodyEntry[]): Map<string, { sha256: string; shape: LineShape }> {
  const shapes = new Map<string, { sha256: string; shape: LineShape }>();
  for (const entry of entries) {
    if (entry.action !== "evidence.add" || typeof entry.details.blob !== "string") continue;
    const shape = lineShapeOf(entry.details.shape);
    if (shape !== undefined && typeof entry.details.sha256 === "string") shapes.set(entry.details.blob, { sha256: entry.details.sha256, shape });
    else shapes.delete(entry.details.blob);
  }
  return shapes;
}

const count = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** A LineShape read back from JSON, or undefined when any field is missing or of the wrong kind. */
function lineShapeOf(value: unknown): LineShape | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const { bytes, lines, longestLine, carriageReturn } = value as Record<string, unknown>;
  if (!count(bytes) || !count(lines) || !count(longestLine) || typeof carriageReturn !== "boolean") return undefined;
  return { bytes, lines, longestLine, carriageReturn };
}

/** The SHA-256 of case.duckdb as last sealed in custody (`database.sealed`), if ever. */
export function sealedDatabaseHash(entries: readonly CustodyEntry[]): string | undefined {
  let sealed: string | undefined;
  for (const entry of entries) {
    if (entry.action === "database.sealed" && typeof entry.details.sha256 === "string") sealed = entry.details.sha256;
  }
  return sealed;
}
