/**
 * What one agent step does, as typed columns a rule reads instead of re-parsing strings: every
 * list is empty when the step does not do that thing, and every entry carries a reason an analyst
 * can read.
 */

/** A read of secret material: the path (or pseudo-path such as `env`), its catalogue kind and why. */
export interface SecretRead {
  path: string;
  kind: string;
  reason: string;
}

/** A connection the step opens, with the destination normalised. `known` is the catalogue kind of a known developer host. */
export interface Connection {
  host: string;
  port: number | null;
  scheme: string;
  via: string;
  known: string | null;
  scope: "metadata" | "loopback" | "private" | "public";
}

/** A write to a location that runs again later. */
export interface PersistenceWrite {
  path: string;
  kind: string;
  reason: string;
}

/** Something destroyed or wiped; `low` for the recoverable (a force push). */
export interface Destruction {
  what: string;
  severity: "low" | "high";
}

/** A reason the step sends data out, or runs code it fetched or hid. */
export interface Reason {
  reason: string;
}

/** The classification of one step. */
export interface StepClass {
  /** Every program the step runs, wrappers and interpreters included, each once, in order. */
  programs: string[];
  reads_secret: SecretRead[];
  connects: Connection[];
  writes_persistence: PersistenceWrite[];
  /** Fetched code that is run (piped to a shell, saved then executed, `bash <(curl ...)`); non-empty means yes. */
  download_and_run: Reason[];
  /** Code hidden from a reader and run (base64/hex decoded into a shell, eval of an encoded string). */
  runs_hidden_code: Reason[];
  destroys: Destruction[];
  outbound_data: Reason[];
  /** Every file path the step writes, edits, deletes or moves (write/edit/apply_patch, redirects, cp/mv targets). */
  writes_paths: string[];
  /** Script files the step executes (`sh install.sh`, `python3 tool.py`, `source f`, `./f`), paths as written. */
  runs_files: string[];
  /** The command (or a payload in it) did not parse cleanly: the rest is a best-effort reading. */
  parse_error: boolean;
}

/** An empty classification. */
export function emptyStepClass(): StepClass {
  return {
    programs: [],
    reads_secret: [],
    connects: [],
    writes_persistence: [],
    download_and_run: [],
    runs_hidden_code: [],
    destroys: [],
    outbound_data: [],
    writes_paths: [],
    runs_files: [],
    parse_error: false,
  };
}
