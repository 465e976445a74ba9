/**
 * Typed errors shared by every oclog package. Domain code throws these with context; the CLI
 * has one handler that maps them to exit codes and prints `message` plus `hint`.
 */

/** Exit codes used by every oclog command. */
export const ExitCode = {
  ok: 0,
  /** The command ran, and what it checked is not clean (invalid lines, findings). */
  findings: 1,
  /** The command line itself was wrong: unknown flag, missing argument, bad value. */
  usage: 2,
  /** Something outside oclog failed: a file, the network, a service. */
  environment: 3,
  /** A bug in oclog. */
  internal: 70,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Base class: a message for people, an optional hint saying what to do next, and context. */
export class OclogError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly context: Readonly<Record<string, unknown>>;
  readonly exitCode: ExitCodeValue;

  constructor(
    code: string,
    message: string,
    options: { hint?: string; context?: Record<string, unknown>; cause?: unknown; exitCode?: ExitCodeValue } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
    this.context = options.context ?? {};
    this.exitCode = options.exitCode ?? ExitCode.environment;
  }
}

/** The user asked for something impossible or malformed (exit 2). */
export class UsageError extends OclogError {
  constructor(message: string, options: { hint?: string; context?: Record<string, unknown> } = {}) {
    super("E_USAGE", message, { ...options, exitCode: ExitCode.usage });
  }
}

/** A record failed validation; `issues` lists every problem, not only the first. */
export class ValidationError extends OclogError {
  readonly issues: readonly string[];
  constructor(message: string, issues: readonly string[], options: { context?: Record<string, unknown> } = {}) {
    super("E_VALIDATION", message, { ...options, exitCode: ExitCode.findings });
    this.issues = issues;
  }
}

/** Ends the process with a code after the command already told the user why. */
export class ExitError extends Error {
  readonly exitCode: ExitCodeValue;
  constructor(exitCode: ExitCodeValue) {
    super(`exit ${exitCode}`);
    this.name = "ExitError";
    this.exitCode = exitCode;
  }
}
export { Sensitive, REDACTED, scrub, quoteUntrusted } from "./sensitive.js";
// Files written whole or not at all (state, cursors, spool, the SAS include).
export { writeFileAtomic } from "./atomic-file.js";
export { processAlive } from "./process-alive.js";
export { mapConcurrently } from "./map-concurrently.js";
