/**
 * The collector's cursors: per store, the position up to which every row has been
 * acknowledged by Fluent Bit. Only acknowledged rows move it, and it is on disk before the
 * spooled batch is removed, so a restart neither repeats nor skips acknowledged work.
 */
import { existsSync, readFileSync } from "node:fs";
import { OclogError } from "@oclog/errors";
import { writeFileAtomic } from "@oclog/errors";

interface CursorData {
  version: 1;
  stores: Record<string, number>;
}

/** The cursor file cannot be trusted: the collector stops rather than guess where to resume. */
export class CursorFileError extends OclogError {
  constructor(path: string, problem: string, cause?: unknown) {
    super("E_CURSOR", `the cursor file ${path} is damaged: ${problem}`, {
      context: { path },
      cause,
      hint: "restore it from backup, or move it aside to re-send everything (receivers dedupe on oclog_id)",
    });
  }
}

/**
 * A store's cursor is past the store's last row: the database was replaced, or its newest rows
 * were deleted. Either way rows written from now on take positions the cursor claims are sent
 * (transcript rowids are reused), so carrying on would skip them without a word.
 */
export class CursorPastEndError extends OclogError {
  constructor(path: string, store: string, position: number, end: number) {
    super("E_CURSOR_PAST_END", `the cursor of ${store} in ${path} is at ${position}, past the store's last row (${end}): rows written from here on would never be sent`, {
      context: { path, store, position, end },
      hint: `if the database was replaced, remove the "${store}" entry from ${path} to send it from the start (receivers dedupe on oclog_id); if its newest rows were deleted (a session removed), set the entry to ${end}: every row up to there was sent`,
    });
  }
}

/** Why `data` is not a cursor file the collector wrote, or undefined when it is one. */
export function cursorDataProblem(data: unknown): string | undefined {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return "not a JSON object";
  const { version, stores } = data as Record<string, unknown>;
  if (version !== 1) return `unknown format version ${JSON.stringify(version)}`;
  if (typeof stores !== "object" || stores === null || Array.isArray(stores)) return '"stores" is not an object of store positions';
  const entries = Object.entries(stores);
  // The collector writes the file only when it advances a cursor: an empty list was not written by it.
  if (entries.length === 0) return '"stores" is empty, which the collector never writes';
  for (const [store, position] of entries) {
    if (typeof position !== "number" || !Number.isSafeInteger(position) || position < 0) return `the position of ${JSON.stringify(store)} is ${typeof position === "number" ? String(position) : JSON.stringify(position)}, not a whole number >= 0`;
  }
  return undefined;
}

export class CursorFile {
  readonly path: string;
  #data: CursorData;

  private constructor(path: string, data: CursorData) {
    this.path = path;
    this.#data = data;
  }

  /**
   * Reads the cursors (none yet is fine). A damaged file is an error, never a silent restart
   * from zero (a re-send of everything) nor a silent stop (a position of Infinity reads nothing).
   */
  static open(path: string): CursorFile {
    if (!existsSync(path)) return new CursorFile(path, { version: 1, stores: {} });
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(path, "utf8"));
    } catch (error) {
      throw new CursorFileError(path, (error as Error).message, error);
    }
    const problem = cursorDataProblem(data);
    if (problem) throw new CursorFileError(path, problem);
    return new CursorFile(path, data as CursorData);
  }

  /** The acknowledged position of a store (0: nothing yet). */
  position(store: string): number {
    return Object.hasOwn(this.#data.stores, store) ? this.#data.stores[store]! : 0;
  }

  /** Moves a store's cursor forward and writes it down before returning. */
  advance(store: string, position: number): void {
    if (position <= this.position(store)) return;
    this.#data.stores[store] = position;
    writeFileAtomic(this.path, `${JSON.stringify(this.#data, null, 2)}\n`, 0o600);
  }

  snapshot(): Record<string, number> {
    return { ...this.#data.stores };
  }
}
