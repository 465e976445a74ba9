/**
 * Reads new lines from one session file of a release that keeps transcripts as JSONL
 * (OpenClaw 2026.6 and 2026.7: agents/<agent>/sessions/<session>.jsonl and
 * <session>.trajectory.jsonl), while OpenClaw appends to it. A position is a byte offset: the
 * end of the last whole line read. A line without its newline yet is being written and waits for
 * the next read; a line over the row limit is not held, only its size and first characters.
 *
 * OpenClaw 2026.7 does not only append: it keeps a trajectory file as a window, rewritten whole
 * on every flush (write, then rename over): its lines so far plus the new ones, sorted by their
 * `ts`, trimmed at the front past a size limit (`replaceTrajectoryWindow` in its dist). Usually
 * that is the old file with lines added at the end (seen live: 143,757 bytes on one inode, then
 * 298,306 on another, the first 143,000 bytes the same), but a line stamped earlier than the last
 * one already written lands before it (seen in a CI run under load). So, for a trajectory file,
 * the reader remembers a key (SHA-1) of every line it returned, and when the path holds another
 * file it reads that file whole and returns the lines it has not returned yet. Their positions go
 * on from the cursor (a position is then the file's offset plus a shift the reader keeps), and their
 * ids are their keys (`<file>#h<key>`), since their offsets may be ones earlier lines had.
 *
 * A reader that has not seen the file yet (after a restart) follows a new file from the same
 * offset only when the byte before it still ends a line there; otherwise the file was
 * rewritten, not extended, and this store stops (the others go on) rather than ship half lines.
 */
import { createHash } from "node:crypto";
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
  /** Set for a line read whole from a rewritten trajectory file: its key, which is then its id. */
  key?: string;
}

/** A line's key: what it says, whatever offset it has in this copy of the file. */
function keyOf(row: FileLineRow): string {
  return createHash("sha1").update(row.text ?? `${row.bytes}:${row.prefix ?? ""}`).digest("hex").slice(0, 20);
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
  /** Trajectory files: the keys of the lines returned that the file still holds (undefined for transcripts, which are only appended to). */
  #keys: Set<string> | undefined;
  /** Trajectory files: the key of each line of the file as it was read, by its offset there (plus the shift). */
  #keyAt = new Map<number, string>();
  /** Position minus file offset: 0 until a rewritten file is read whole. */
  #shift = 0;
  /** Lines of a rewritten file not returned yet, at their positions. */
  #pending: FileLineRow[] = [];

  constructor(store: Store, maxRowBytes = MAX_ROW_BYTES) {
    this.store = store;
    this.#maxRowBytes = maxRowBytes;
    if (store.kind === "trajectory") this.#keys = new Set();
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
    if (stats.ino !== this.#inode && this.#inode !== undefined && this.#keys !== undefined) {
      this.#readRewritten(position, stats.ino);
      return stats.size;
    }
    if (stats.ino !== this.#inode && position > 0) {
      this.#fd = openSync(this.store.path, "r");
      try {
        const before = this.#readAt(position - 1 - this.#shift, 1);
        if (before.length === 1 && before[0] !== NEWLINE) throw new SessionFileRewrittenError(this.store, position);
      } finally {
        this.close();
      }
    }
    this.#inode = stats.ino;
    return stats.size;
  }

  /**
   * A trajectory file replaced by a rewritten copy: read whole, its lines not returned before
   * become pending at positions after `position`, and later appends are shifted to follow them.
   */
  #readRewritten(position: number, inode: number): void {
    this.#fd = openSync(this.store.path, "r");
    try {
      if (fstatSync(this.#fd).ino !== inode) return; // replaced again meanwhile: next read
      const lines: FileLineRow[] = [];
      for (let at = 0; ; ) {
        const rows = this.#linesFrom(at, Number.POSITIVE_INFINITY);
        if (rows.length === 0) break;
        lines.push(...rows);
        at = rows.at(-1)!.position;
      }
      const keys = lines.map(keyOf);
      // The usual case: the old file with lines added at its end, followed as an append. A line
      // still ends at the cursor, and each line behind it is the one read there (lines read
      // before a restart are not known: only those since are compared).
      const behind = lines.filter((row) => row.position + this.#shift <= position);
      const extended = this.#pending.length === 0 && (position === 0 || behind.at(-1)?.position === position - this.#shift) && behind.every((row, i) => [undefined, keys[i]].includes(this.#keyAt.get(row.offset + this.#shift)));
      if (!extended) {
        const known = new Set([...this.#keys!, ...this.#pending.map((p) => p.key)]);
        let next = Math.max(position, this.#pending.at(-1)?.position ?? 0);
        lines.forEach((row, i) => {
          if (known.has(keys[i]!)) return;
          known.add(keys[i]!);
          next++;
          this.#pending.push({ ...row, key: keys[i]!, position: next, offset: next - 1 });
        });
        // Only what this copy holds is remembered: a window trimmed at the front forgets its old lines.
        this.#shift = next - (lines.at(-1)?.position ?? 0);
        this.#keys = new Set(keys);
        this.#keyAt = new Map(lines.map((row, i) => [row.offset + this.#shift, keys[i]!]));
      }
      this.#inode = inode;
    } finally {
      this.close();
    }
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
      this.#pending = this.#pending.filter((row) => row.position > position);
      if (this.#pending.length > 0) return this.#returned(this.#pending.slice(0, limit));
      if (size === undefined || size + this.#shift <= position) return [];
      this.#fd = openSync(this.store.path, "r");
      // Replaced between the stat and the open: read next time, once its line end is checked.
      if (fstatSync(this.#fd).ino !== this.#inode) return [];
      const rows = this.#linesFrom(position - this.#shift, limit).map((row) => (this.#shift === 0 ? row : { ...row, position: row.position + this.#shift, offset: row.offset + this.#shift }));
      return this.#returned(rows);
    } catch (error) {
      if (error instanceof SessionFileRewrittenError) throw error;
      throw new StoreReadError(this.store, error);
    } finally {
      this.close();
    }
  }

  /** `rows`, remembered as returned (trajectory files): their keys, and where a line read in place sits. */
  #returned(rows: FileLineRow[]): FileLineRow[] {
    if (this.#keys === undefined) return rows;
    for (const row of rows) {
      if (row.key !== undefined) continue; // a rewritten file's line: its key is already known
      const key = keyOf(row);
      this.#keys.add(key);
      this.#keyAt.set(row.offset, key);
    }
    return rows;
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
      return statSync(this.store.path).size + this.#shift;
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
