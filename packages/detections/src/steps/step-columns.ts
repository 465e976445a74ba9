/**
 * A step's classification as flat columns, for the loader to store next to each tool call (the
 * case database's DuckDB, and the parsed fields `oclog ingest` sends so KQL twins need no shell
 * parser): plain booleans and string lists a rule filters on, and the full classification as JSON
 * for evidence.
 */
import type { StepClass } from "./step-class.js";

/** The flat columns of one classified step. */
export interface StepColumns {
  step_programs: string[];
  step_secret_kinds: string[];
  step_secret_paths: string[];
  /** `host:port` of every connection. */
  step_destinations: string[];
  /** Hosts that are neither known developer hosts nor loopback. */
  step_unknown_hosts: string[];
  step_metadata_access: boolean;
  step_persistence_kinds: string[];
  step_persistence_paths: string[];
  step_download_and_run: boolean;
  step_hidden_code: boolean;
  step_destroys: "none" | "low" | "high";
  step_outbound_data: boolean;
  step_written_paths: string[];
  step_parse_error: boolean;
  /** Script files the step runs, as written. */
  step_runs_files: string[];
  /** The whole classification, reasons included, as JSON text. */
  step_class: string;
}

/** DuckDB types of the columns, in order, for the table the loader creates. */
export const STEP_COLUMN_TYPES: Readonly<Record<keyof StepColumns, string>> = {
  step_programs: "VARCHAR[]",
  step_secret_kinds: "VARCHAR[]",
  step_secret_paths: "VARCHAR[]",
  step_destinations: "VARCHAR[]",
  step_unknown_hosts: "VARCHAR[]",
  step_metadata_access: "BOOLEAN",
  step_persistence_kinds: "VARCHAR[]",
  step_persistence_paths: "VARCHAR[]",
  step_download_and_run: "BOOLEAN",
  step_hidden_code: "BOOLEAN",
  step_destroys: "VARCHAR",
  step_outbound_data: "BOOLEAN",
  step_written_paths: "VARCHAR[]",
  step_parse_error: "BOOLEAN",
  step_runs_files: "VARCHAR[]",
  step_class: "JSON",
};

/** Flattens a classification into columns (lists deduplicated, order kept). */
export function stepColumns(step: StepClass): StepColumns {
  const unique = (items: string[]) => [...new Set(items)];
  return {
    step_programs: unique(step.programs),
    step_secret_kinds: unique(step.reads_secret.map((r) => r.kind)),
    step_secret_paths: unique(step.reads_secret.map((r) => r.path)),
    step_destinations: unique(step.connects.map((c) => (c.port === null ? c.host : `${c.host}:${c.port}`))),
    step_unknown_hosts: unique(step.connects.filter((c) => c.known === null && c.scope !== "loopback").map((c) => c.host)),
    step_metadata_access: step.connects.some((c) => c.scope === "metadata"),
    step_persistence_kinds: unique(step.writes_persistence.map((w) => w.kind)),
    step_persistence_paths: unique(step.writes_persistence.map((w) => w.path)),
    step_download_and_run: step.download_and_run.length > 0,
    step_hidden_code: step.runs_hidden_code.length > 0,
    step_destroys: step.destroys.some((d) => d.severity === "high") ? "high" : step.destroys.length > 0 ? "low" : "none",
    step_outbound_data: step.outbound_data.length > 0,
    step_written_paths: unique(step.writes_paths),
    step_parse_error: step.parse_error,
    step_runs_files: unique(step.runs_files ?? []),
    step_class: JSON.stringify(step),
  };
}
