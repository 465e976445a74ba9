/**
 * Names of the fields the pipeline adds to every shipped record (the envelope). Field names live
 * here and nowhere else: the Fluent Bit generator and the investigator's tables read them from
 * this file.
 */

/** Version of the envelope contract; bump when a field changes meaning. */
export const ENVELOPE_VERSION = 1;

export const ENVELOPE_FIELDS = {
  user: "oclog_user",
  host: "oclog_host",
  source: "oclog_source",
  version: "oclog_v",
  timestamp: "@timestamp",
  rawLine: "log",
  /** Set by tail inputs whose later lines do not name their session (transcript files). */
  path: "oclog_path",
  /** Set by the collector: a stable id per source row, so a record re-sent after a crash is recognisable. */
  id: "oclog_id",
  /** Set by the collector on a record that failed its schema: the reason (it is sent anyway). */
  invalid: "oclog_invalid",
} as const;
