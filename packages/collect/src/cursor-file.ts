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

export class CursorFile {
  readonly path: string;
  #data: CursorData;

  private constructor(path: string, data: CursorData) {
    this.path = path;
    this.#data = data;
  }

  /** Reads the cursors (none yet is fine; a damaged file is an error, not a silent restart from zero). */
  static open(path: string): CursorFile {
    if (!existsSync(path)) return new CursorFile(path, { version: 1, stores: {} });
    try {
      const data = JSON.parse(readFileSync(path, "utf8")) as CursorData;
      if (data.version !== 1 || typeof data.stores !== "object") throw new Error("unknown format");
      return new CursorFile(path, data);
    } catch (error) {
      throw new OclogError("E_CURSOR", `the cursor file ${path} is damaged: ${(error as Error).message}`, {
        hint: "restore it from backup, or move it aside to re-send everything (receivers dedupe on oclog_id)",
        cause: error,
      });
    }
  }

  /** The acknowledged position of a store (0: nothing yet). */
  position(store: string): number {
    return this.#data.stores[store] ?? 0;
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
