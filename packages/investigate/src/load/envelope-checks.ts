/**
 * Envelope spoofing made visible. A record's own fields (its time, its `oclog_user`, its path)
 * are written by whatever wrote the log line, which may be a hostile agent. The container it
 * landed in (bound to one user by its SAS) and the blob's name (Fluent Bit's upload time) are
 * not. `checkEnvelopes` fills the `events` table's provenance columns that compare the two, and
 * applies the --since/--until window so that backdating cannot hide a record: an event stamped
 * outside the window stays in the case when its blob was uploaded inside it, with a note saying so.
 * Detections (`pipeline_envelope_names_another_user`, `pipeline_record_stamped_far_from_upload`)
 * read these columns; the timeline shows them.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { TimeWindow } from "../time-window.js";

/** `window_note` of an event stamped before --since whose blob was uploaded inside the window. */
export const STAMPED_BEFORE_WINDOW = "stamped before the window but uploaded inside it";
/** `window_note` of an event stamped after --until whose blob was uploaded inside the window (impossible for an honest record). */
export const STAMPED_AFTER_WINDOW = "stamped after the window but uploaded inside it";

/**
 * The upload epoch (ms) of a Fluent Bit blob name, as SQL over column `blob`: the same shape
 * `parseBlobName` (blob-name.ts) accepts, `<tag>.<random>.<13-digit epoch ms>[.gz]`; NULL otherwise.
 */
export const UPLOADED_AT_SQL = `CASE WHEN regexp_matches(blob, '(?:^|/)[A-Za-z0-9_][A-Za-z0-9_.\\-]*?\\.[A-Za-z0-9]{8,128}\\.[0-9]{13}(?:\\.gz)?$')
  THEN to_timestamp(CAST(regexp_extract(blob, '\\.([0-9]{13})(?:\\.gz)?$', 1) AS BIGINT) / 1000.0) END`;

// The user a blob path names: Fluent Bit's oclog preset writes `oclog/<user>` (4.x) or
// `oclog/<user>/$TAG/...` (5.x) as the blob path.
const BLOB_PATH_USER = `nullif(regexp_extract(blob, '(?:^|/)oclog/([^/]+)/', 1), '')`;
// The account a tailed file's path names (`/home/<account>/...`, `/Users/<account>/...`).
const PATH_ACCOUNT = `nullif(regexp_extract(envelope_path, '^/(?:home|Users)/([^/]+)/', 1), '')`;
// Records with no time of their own are stamped 1970-01-01 (buildEventSql); they have no skew.
const UNDATED = "TIMESTAMPTZ '1970-01-01 00:00:00+00'";

export interface EnvelopeCheckOptions {
  /** The user whose container the evidence came from; events keep a value they already carry. */
  containerUser?: string | undefined;
  window?: TimeWindow | undefined;
  /**
   * SQL: a subquery of the blob names this load added to a case checked before. Only their events
   * are filled in; the rest are checked again only when a host's usual account moved.
   */
  newBlobs?: string | undefined;
}

export interface EnvelopeCheckResult {
  /** Events removed because both their time and their blob's upload are outside the window. */
  outsideWindow: number;
  /** Events kept although stamped outside the window, because their blob was uploaded inside it. */
  admittedByUpload: number;
  /** Events whose envelope names another user. */
  mismatched: number;
  /** Whether an event outside `newBlobs` was changed (always, without `newBlobs`). */
  oldEventsChanged: boolean;
}

const sqlString = (text: string) => `'${text.replace(/'/g, "''")}'`;
const instant = (date: Date) => `${sqlString(date.toISOString())}::TIMESTAMPTZ`;

const containerUserSql = (containerUser?: string) => (containerUser === undefined ? "NULL" : sqlString(containerUser));
const SKEW_SQL = `CASE WHEN time <> ${UNDATED} AND uploaded_at IS NOT NULL THEN date_diff('second', time, uploaded_at) END`;

/**
 * SQL: `select` (events without provenance) with `container_user`, `uploaded_at` and
 * `stamp_skew_s` added, as checkEnvelopes would fill them: the load inserts them with the events,
 * so the UPDATEs below write nothing for those rows (at 4 GB of logs, rewriting every event's
 * columns took 2.5-5 s).
 */
export function withEnvelopeColumnsSql(select: string, containerUser?: string): string {
  return `SELECT *, ${SKEW_SQL} AS stamp_skew_s FROM (
  SELECT *, ${containerUserSql(containerUser)} AS container_user, ${UPLOADED_AT_SQL} AS uploaded_at FROM (${select}))`;
}

/** The UPDATE that fills `container_user` (when the line has none) and `uploaded_at` (from the blob name). */
export function envelopeColumnsSql(containerUser?: string): string {
  const user = containerUserSql(containerUser);
  return `UPDATE events SET
  container_user = coalesce(container_user, ${user}),
  uploaded_at = coalesce(uploaded_at, ${UPLOADED_AT_SQL})`;
}

/** Which rows envelopeColumnsSql changes (an UPDATE writes every row it matches, changed or not). */
export function envelopeColumnsMissingSql(containerUser?: string): string {
  return `((container_user IS NULL AND ${containerUserSql(containerUser)} IS NOT NULL) OR (uploaded_at IS NULL AND ${UPLOADED_AT_SQL} IS NOT NULL))`;
}

// The account a host's tailed files name most often: its service account (`/home/oclog`), which
// is an OS account, not a user id (ties: the first by name). Counted per host and account and kept
// with the case, so a later load adds only its own events and can tell whether the usual one moved.
const countAccountsSql = (where: string) =>
  `SELECT host, ${PATH_ACCOUNT} AS account, count(*) AS n FROM events WHERE ${where} AND ${PATH_ACCOUNT} IS NOT NULL GROUP BY ALL`;
const usualAccountsSql = (table: string) => `CREATE OR REPLACE ${table === "envelope_usual_accounts" ? "" : "TEMP "}TABLE ${table} AS
  SELECT host, account FROM envelope_account_counts QUALIFY row_number() OVER (PARTITION BY host ORDER BY n DESC, account) = 1`;
const USUAL = "(SELECT u.account FROM envelope_usual_accounts u WHERE u.host IS NOT DISTINCT FROM events.host)";

/** The UPDATE that derives the skew from the filled columns, for the rows whose skew it changes. */
export const STAMP_SKEW_SQL = `UPDATE events SET stamp_skew_s = ${SKEW_SQL} WHERE stamp_skew_s IS DISTINCT FROM ${SKEW_SQL}`;

/**
 * Why the envelope names someone other than the container's user, NULL when it does not. A path
 * counts as naming another user only when its account is neither the host's usual one nor the
 * container's user.
 */
const MISMATCH_SQL = `nullif(concat_ws('; ',
    CASE WHEN container_user IS NOT NULL AND "user" IS NULL THEN 'the record names no oclog_user, but came from the container of ' || container_user
         WHEN container_user IS NOT NULL AND "user" <> container_user THEN 'oclog_user ' || left("user", 100) || ' is not ' || container_user || ', whose container held the record' END,
    CASE WHEN container_user IS NOT NULL AND ${BLOB_PATH_USER} <> container_user THEN 'the blob path names user ' || left(${BLOB_PATH_USER}, 100) || ', not ' || container_user END,
    CASE WHEN ${PATH_ACCOUNT} <> coalesce(container_user, '') AND ${PATH_ACCOUNT} <> coalesce(${USUAL}, '')
         THEN 'the record''s file ' || left(envelope_path, 200) || ' is in the home of ' || left(${PATH_ACCOUNT}, 100) || ', not of ' || coalesce(${USUAL}, container_user) END), '')`;

/** The UPDATE that derives the mismatch, for the rows whose mismatch it changes (usually none). */
export const ENVELOPE_MISMATCH_SQL = `UPDATE events SET envelope_mismatch = ${MISMATCH_SQL} WHERE envelope_mismatch IS DISTINCT FROM ${MISMATCH_SQL}`;

/** The window as a predicate over `time` (both ends inclusive, a missing end unbounded). */
function inWindow(expression: string, window: TimeWindow): string {
  const parts = [
    window.since ? `${expression} >= ${instant(window.since)}` : null,
    window.until ? `${expression} <= ${instant(window.until)}` : null,
  ].filter((part): part is string => part !== null);
  return parts.length === 0 ? "true" : `(${parts.join(" AND ")})`;
}

/**
 * Counts the accounts of the events in `newBlobs` into those of the last check (all events when
 * there is none, or without `newBlobs`), and derives the usual ones. Returns whether they stayed
 * as they were (false when there was nothing to compare with).
 */
async function countUsualAccounts(connection: DuckDBConnection, newBlobs: string | undefined): Promise<boolean> {
  const tables = await count(connection, "SELECT count(*) FROM duckdb_tables() WHERE table_name IN ('envelope_account_counts', 'envelope_usual_accounts') AND NOT temporary");
  const adding = newBlobs !== undefined && tables === 2;
  if (!adding) {
    await connection.run(`CREATE OR REPLACE TABLE envelope_account_counts AS ${countAccountsSql("true")}`);
    await connection.run(usualAccountsSql("envelope_usual_accounts"));
    return false;
  }
  await connection.run(`CREATE OR REPLACE TABLE envelope_account_counts AS SELECT host, account, sum(n)::BIGINT AS n FROM (
    SELECT * FROM envelope_account_counts UNION ALL ${countAccountsSql(`blob IN (${newBlobs})`)}) GROUP BY ALL`);
  await connection.run(usualAccountsSql("envelope_usual_accounts_now"));
  const moved = await count(
    connection,
    `SELECT count(*) FROM ((SELECT * FROM envelope_usual_accounts EXCEPT SELECT * FROM envelope_usual_accounts_now)
       UNION ALL (SELECT * FROM envelope_usual_accounts_now EXCEPT SELECT * FROM envelope_usual_accounts))`,
  );
  if (moved > 0) await connection.run("CREATE OR REPLACE TABLE envelope_usual_accounts AS SELECT * FROM envelope_usual_accounts_now");
  await connection.run("DROP TABLE envelope_usual_accounts_now");
  return moved === 0;
}

/** Fills the envelope columns of `events`, then applies the window; returns what it counted. */
export async function checkEnvelopes(connection: DuckDBConnection, options: EnvelopeCheckOptions = {}): Promise<EnvelopeCheckResult> {
  // Only the new events, unless the case is checked whole or a host's usual account moved.
  const onlyNew = await countUsualAccounts(connection, options.newBlobs);
  const scope = (sql: string, where?: string) => {
    const conditions = [...(onlyNew ? [`blob IN (${options.newBlobs})`] : []), ...(where ? [where] : [])];
    return conditions.length === 0 ? sql : `${sql} WHERE ${conditions.join(" AND ")}`;
  };
  // envelope_path comes with each event from its record (buildEventSql), or from the events file.
  await connection.run(scope(envelopeColumnsSql(options.containerUser), envelopeColumnsMissingSql(options.containerUser)));
  // Each already carries its own WHERE (only the rows it changes); scoped, the new events' too.
  for (const sql of [STAMP_SKEW_SQL, ENVELOPE_MISMATCH_SQL]) await connection.run(onlyNew ? `${sql} AND blob IN (${options.newBlobs})` : sql);
  const window = options.window ?? {};
  let outsideWindow = 0;
  let admittedByUpload = 0;
  if (window.since !== undefined || window.until !== undefined) {
    await connection.run(
      scope(
        `UPDATE events SET window_note = CASE
        WHEN ${window.since ? `time < ${instant(window.since)}` : "false"} THEN ${sqlString(STAMPED_BEFORE_WINDOW)}
        ELSE ${sqlString(STAMPED_AFTER_WINDOW)} END`,
        `NOT ${inWindow("time", window)} AND uploaded_at IS NOT NULL AND ${inWindow("uploaded_at", window)}`,
      ),
    );
    admittedByUpload = await count(connection, "SELECT count(*) FROM events WHERE window_note IS NOT NULL");
    outsideWindow = await count(connection, scope("SELECT count(*) FROM events", `NOT ${inWindow("time", window)} AND window_note IS NULL`));
    await connection.run(scope("DELETE FROM events", `NOT ${inWindow("time", window)} AND window_note IS NULL`));
  }
  const mismatched = await count(connection, "SELECT count(*) FROM events WHERE envelope_mismatch IS NOT NULL");
  return { outsideWindow, admittedByUpload, mismatched, oldEventsChanged: !onlyNew };
}

async function count(connection: DuckDBConnection, sql: string): Promise<number> {
  const result = await connection.runAndReadAll(sql);
  return Number(result.getRows()[0]?.[0] ?? 0);
}
