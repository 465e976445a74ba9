/**
 * Real Fluent Bit 5.1.1's forward input on a unix socket, where the collector and the events of
 * `oclog sas rotate` meet it on a VM: it acknowledges what it took (the collector moves its
 * cursors on those acks), and its `file` output writes each record it took, with tag and time,
 * to a file that `entries` reads. A record reaches that file one flush (50 ms) after its ack, so
 * `waitFor` polls for records, and `stop()` (SIGTERM) writes out everything acknowledged before
 * Fluent Bit exits: after a stop the entries are complete, which exactly-once checks need.
 * Restartable on the same socket path, for outages.
 */
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readSync } from "node:fs";
import { dirname, join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { startSmallFluentBit, waitFor, type FluentBitProcess } from "./fluent-bit-process.js";

export interface Received {
  tag: string;
  /** The forward protocol's event time (what Fluent Bit would put in its date_key). */
  time: Date;
  record: Record<string, unknown>;
}

export class Receiver {
  readonly path: string;
  readonly #dir: string;
  readonly #file: string;
  #fluentBit: FluentBitProcess | undefined;
  readonly #entries: Received[] = [];
  #offset = 0;
  #partial = "";
  // A read may end inside a UTF-8 character: the decoder keeps its first bytes for the next one.
  readonly #decoder = new StringDecoder("utf8");

  /** `path`: the socket, in a directory that exists; Fluent Bit's own files go beside it. */
  constructor(path: string) {
    this.path = path;
    this.#dir = mkdtempSync(join(dirname(path), "fluent-bit-"));
    this.#file = join(this.#dir, "out", "received");
    // The file output does not create its directory.
    mkdirSync(dirname(this.#file));
  }

  async start(): Promise<void> {
    this.#fluentBit = await startSmallFluentBit(this.#dir, {
      // Flushed often so a test sees a record soon after its ack.
      service: { flush: 0.05 },
      pipeline: [
        "pipeline:",
        "  inputs:",
        "    - name: forward",
        `      unix_path: ${JSON.stringify(this.path)}`,
        "  outputs:",
        "    - name: file",
        "      match: \"*\"",
        `      path: ${JSON.stringify(join(this.#dir, "out"))}`,
        "      file: received",
        "",
      ].join("\n"),
    });
  }

  /** SIGTERM: Fluent Bit writes out what it acknowledged, then exits (the socket refuses from then on). */
  async stop(): Promise<void> {
    await this.#fluentBit?.stop();
    this.#fluentBit = undefined;
  }

  /** Every record Fluent Bit has written out so far, in order (complete after stop()). */
  get entries(): Received[] {
    if (!existsSync(this.#file)) return this.#entries;
    // Read only what was appended since the last look; the output writes whole lines.
    const fd = openSync(this.#file, "r");
    try {
      const chunk = Buffer.alloc(1 << 20);
      for (let n = readSync(fd, chunk, 0, chunk.length, this.#offset); n > 0; n = readSync(fd, chunk, 0, chunk.length, this.#offset)) {
        this.#offset += n;
        this.#partial += this.#decoder.write(chunk.subarray(0, n));
      }
    } finally {
      closeSync(fd);
    }
    const lines = this.#partial.split("\n");
    this.#partial = lines.pop()!;
    for (const line of lines.filter(Boolean)) this.#entries.push(parseLine(line));
    return this.#entries;
  }

  /** Resolves once at least `count` records were written out. */
  async waitFor(count: number, timeoutMs = 60_000): Promise<void> {
    await waitFor(`${count} records written out by Fluent Bit`, timeoutMs, () => (this.entries.length >= count ? true : undefined), 20);
  }

  ids(): string[] {
    return this.entries.map((e) => String(e.record.oclog_id));
  }
}

/** One line of Fluent Bit's `file` output in its default format: `<tag>: [<epoch seconds>, <record>]`. */
function parseLine(line: string): Received {
  const split = line.indexOf(": [");
  const [seconds, record] = JSON.parse(line.slice(split + 2)) as [number, Record<string, unknown>];
  return { tag: line.slice(0, split), time: new Date(Math.round(seconds * 1000)), record };
}

/** Ids received more than once. */
export function duplicates(ids: string[]): string[] {
  const seen = new Set<string>();
  return ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
}
