/**
 * The chain of custody: `custody.jsonl`, one line per action taken on a case (who, what,
 * when), each line carrying the SHA-256 of the previous line's hash and its own content, so
 * removing, reordering or editing a line breaks the chain from that point on.
 */
import { createHash } from "node:crypto";
import { appendFile, readFile } from "node:fs/promises";
import { userInfo, hostname } from "node:os";

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
      throw new Error(`custody log ${path} does not verify: ${result.problems[0]}`);
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
    await appendFile(this.#path, `${JSON.stringify(entry)}\n`, { mode: 0o644 });
    this.#seq = entry.seq;
    this.#prev = entry.hash;
    return entry;
  }
}

/** Re-checks every link of a custody log; a missing file is an empty, valid chain. */
export async function verifyCustody(path: string): Promise<{ entries: CustodyEntry[]; problems: string[] }> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { entries: [], problems: [] };
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
