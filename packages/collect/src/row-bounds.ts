/**
 * The bounds every row is held to before it is spooled and sent. A row past one of them is sent
 * as a marked invalid record with a truncated raw prefix (collected-record.ts), so one hostile
 * row never blocks its neighbours: Fluent Bit loses records nested 64 levels deep (with their
 * neighbours), the forward encoder refuses them past 100 levels, JSON.stringify (the spool)
 * overflows the stack far deeper, and a row of
 * hundreds of megabytes would be held several times over (SQLite, JS string, parsed value, spool).
 * Depth is measured with the schema package's `nestsDeeperThan` (iterative).
 */

/**
 * Deepest nesting a row's event may have (the event itself is level 1). Fluent Bit 5.1.1 loses a
 * record nested 64 deep together with its chunk (the Emitter refuses those); real OpenClaw
 * events nest 8 deep. The margin leaves room for the pipeline's filters to add a level or two.
 */
export const MAX_RECORD_DEPTH = 48;

/**
 * Largest row text (event_json, payload_json, or what event_zstd decompresses to), in bytes.
 * OpenClaw's own CHECK on transcript_events holds a compressed event to 4194304 bytes both ways
 * (event_utf8_bytes, length(event_zstd)), and Fluent Bit's tail inputs cut lines at 4M
 * (openclaw-vm preset). A damaged or tampered database is held to the same.
 */
export const MAX_ROW_BYTES = 4 * 1024 * 1024;

/**
 * Largest over-limit value whose start is still read for the mark: SQLite loads a value whole to
 * cut its start, so a bigger one (up to SQLite's 1 GB) goes out with its size and no raw text.
 */
export const PREFIX_SOURCE_MAX_BYTES = 64 * 1024 * 1024;

/** How much of an invalid row's raw text travels with the mark (characters). */
export const RAW_PREFIX = 2_000;

/**
 * Largest record, as JSON or as MessagePack, that is sent as it is: a row at the limit plus its
 * envelope and what redaction adds, still alone under Fluent Bit's 6M forward buffer.
 */
export const MAX_RECORD_BYTES = MAX_ROW_BYTES + 256 * 1024;

/**
 * Bytes of records put in flight (one forward message) at once; a bigger record goes alone.
 * Fluent Bit's forward input takes messages up to its buffer_max_size (6M by default).
 */
export const BATCH_BYTES = 1024 * 1024;

/** Bytes of row values one read brings into memory at most (a row over it is read alone). */
export const READ_BYTES = 16 * 1024 * 1024;
