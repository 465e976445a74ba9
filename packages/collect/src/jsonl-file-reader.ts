/**
 * Reads new lines from one session file of a release that keeps transcripts as JSONL
 * (OpenClaw 2026.6 and 2026.7: agents/<agent>/sessions/<session>.jsonl and
 * <session>.trajectory.jsonl), while OpenClaw appends to it. A position is a byte offset: the
 * end of the last whole line read. A line without its newline yet is being written and waits for
 * the next read; a line over the row limit is not held, only its size and first characters.
 *
 * OpenClaw 2026.7 does not only append: it replaces a trajectory file with a longer copy of itself
 * (write, then rename over; seen live: 143,757 bytes on one inode, then 298,306 on another, the
 * first 143,000 bytes the same). So the path is checked on every read and a new file is followed,
 * from the same offset, once the byte before that offset is still a line's end there. When it is
 * not, the file was rewritten, not extended, and the reader stops rather than ship half lines.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";
import { OclogError } from "@oclog/errors";
import { StoreReadError } from "./store-reader.js";
import type { Store } from "./store-discovery.js";
import { MAX_ROW_BYTES, RAW_PREFIX, READ_BYTES } from "./row-bounds.js";

/** One whole line of a session file. */
export interface FileLineRow {
  /** Byte offset just past the line's newline: the cursor once it is acknowledged. */
  position: number;
  /** Byte offset where the line starts: its stable id within the file. */
  offset: number;
  /** The line without its newline, unless it is over the row limit (then null). */
  text: string | null;
  /** The line's length in bytes, without the newline. */
  bytes: number;
  /** The first characters of an over-limit line (null otherwise). */
  prefix: string | null;
}

const NEWLINE = 0x0a;

/** The path no longer ends a line where the cursor is: the file was rewritten, not extended. */
export class SessionFileRewrittenError extends OclogError {
  constructor(store: Store, position: number) {
    super("E_SESSION_FILE_REWRITTEN", `${store.path} was replaced by a file without a line end at byte ${position}, where the cursor of ${store.name} is: it was rewritten, not extended`, {
      context: { store: store.name, position },
      hint: `remove the "${store.name}" entry from the collector's cursors.json to send the file again from its start (receivers dedupe on oclog_id, but lines that changed are new records)`,
    });
  }
}

export class JsonlFileReader {
  readonly store: Store;
  readonly #maxRowBytes: number;
  /** Open only during a read: a gateway with thousands of sessions must not hold a descriptor for each. */
  #fd: number | undefined;
  /** The file the last read saw at the path. */
  #inode: number | undefined;

  constructor(store: Store, maxRowBytes = MAX_ROW_BYTES) {
    this.store = store;
    this.#maxRowBytes = maxRowBytes;
  }

  /**
   * The size of the file at the path now, after checking that `position` still ends a line
   * there when it is another file than the last read saw (or the first this reader sees, as after
   * a restart); undefined when the path is gone.
   */
  #sizeAt(position: number): number | undefined {
    let stats;
    try {
      stats = statSync(this.store.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    if (stats.ino !== this.#inode && position > 0) {
      this.#fd = openSync(this.store.path, "r");
      try {
        const before = this.#readAt(position - 1, 1);
        if (before.length === 1 && before[0] !== NEWLINE) throw new SessionFileRewrittenError(this.store, position);
      } finally {
        this.close();
      }
    }
    this.#inode = stats.ino;
    return stats.size;
  }

  #readAt(position: number, length: number): Buffer {
    const buffer = Buffer.allocUnsafe(length);
    const got = readSync(this.#fd!, buffer, 0, length, position);
    return buffer.subarray(0, got);
  }

  /** Where the line starting at `from` ends (its newline's offset), reading ahead in bounded chunks; -1 when it has none yet. */
  #newlineFrom(from: number): number {
    for (let at = from; ; ) {
      const chunk = this.#readAt(at, 1 << 20);
      if (chunk.length === 0) return -1;
      const index = chunk.indexOf(NEWLINE);
      if (index >= 0) return at + index;
      at += chunk.length;
    }
  }

  /** Up to `limit` whole lines after byte `position`, at most READ_BYTES of them (always at least one). */
  read(position: number, limit: number): FileLineRow[] {
    try {
      // Deleted (a session OpenClaw removed): nothing to read; discovery drops it next time.
      // Not grown: nothing to open.
      const size = this.#sizeAt(position);
      if (size === undefined || size <= position) return [];
      this.#fd = openSync(this.store.path, "r");
      // Replaced between the stat and the open: read next time, once its line end is checked.
      if (fstatSync(this.#fd).ino !== this.#inode) return [];
      return this.#linesFrom(position, limit);
    } catch (error) {
      if (error instanceof SessionFileRewrittenError) throw error;
      throw new StoreReadError(this.store, error);
    } finally {
      this.close();
    }
  }

  /** The whole lines from `position` in the open file (see read). */
  #linesFrom(position: number, limit: number): FileLineRow[] {
    const rows: FileLineRow[] = [];
    const chunk = this.#readAt(position, Math.min(READ_BYTES, this.#maxRowBytes + 1));
    let start = 0;
    while (rows.length < limit) {
      const end = chunk.indexOf(NEWLINE, start);
      if (end < 0) break;
      const bytes = end - start;
      const over = bytes > this.#maxRowBytes;
      rows.push({
        position: position + end + 1,
        offset: position + start,
        text: over ? null : chunk.toString("utf8", start, end),
        bytes,
        prefix: over ? chunk.toString("utf8", start, Math.min(end, start + RAW_PREFIX * 4)) : null,
      });
      start = end + 1;
    }
    // A first line longer than the chunk: its end is found without holding it, only its start is kept.
    if (rows.length === 0 && chunk.length > this.#maxRowBytes) {
      const newline = this.#newlineFrom(position + chunk.length);
      if (newline < 0) return [];
      rows.push({ position: newline + 1, offset: position, text: null, bytes: newline - position, prefix: chunk.toString("utf8", 0, RAW_PREFIX * 4) });
    }
    return rows;
  }

  /** The size of the file at the path now (a cursor past it points into a file that was cut); Infinity once it is gone. */
  end(): number {
    try {
      return statSync(this.store.path).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return Number.POSITIVE_INFINITY;
      throw new StoreReadError(this.store, error);
    }
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}
