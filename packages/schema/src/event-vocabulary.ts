/**
 * The closed vocabularies of the normalized event: categories, levels and outcomes. Kept apart
 * from event.ts so source modules can use them without importing the event schema (which lists
 * the sources, and so imports them).
 */

export const EVENT_CATEGORIES = [
  "auth",
  "tool",
  "model",
  "config",
  "pairing",
  "network",
  "sandbox",
  "pipeline",
  /** Requests through the VM's reverse proxy and its gate (nginx). */
  "access",
  /** Services starting, stopping, failing (the VM's journal). */
  "system",
  "other",
] as const;
export type EventCategory = (typeof EVENT_CATEGORIES)[number];

export const EVENT_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"] as const;
export type EventLevel = (typeof EVENT_LEVELS)[number];

/** `blocked` means a guard refused the action; `failure` means it ran and failed. */
export const EVENT_OUTCOMES = ["success", "failure", "blocked", "unknown"] as const;
export type EventOutcome = (typeof EVENT_OUTCOMES)[number];
