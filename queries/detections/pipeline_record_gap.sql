-- id: 3c43f5e4-34c0-4df0-95b1-e26296eb011d
-- title: Hours missing from a source that was active before and after
-- status: experimental
-- severity: low
-- tags: [attack.t1562.006, attack.t1070]
-- description: Events are bucketed by UTC hour for each user, host and source. A source that has records in
--   one hour, none in one or more following hours and records again later leaves a gap - the VM was off,
--   the pipeline stalled, or records were removed. One row per gap, placed at the last record before it.
--   Gaps at the edge of the case window cannot be seen.
-- falsepositives:
--   - Nobody used the agent (transcript, trajectory and ledger sources are quiet when idle)
--   - The VM was shut down on purpose
-- author: oclog
-- date: 2026-11-25
-- match_count: 2

WITH hourly AS (
    SELECT
        "user", host, source,
        date_trunc('hour', timezone('UTC', time)) AS bucket,
        max(time) AS last_time,
        arg_max(blob, (time, blob, line)) AS last_blob,
        arg_max(line, (time, blob, line)) AS last_line,
        arg_max(message, (time, blob, line)) AS last_message
    FROM events
    GROUP BY ALL
),
sequenced AS (
    SELECT *, lead(bucket) OVER (PARTITION BY "user", host, source ORDER BY bucket) AS next_hour
    FROM hourly
)
SELECT
    last_time AS time, "user", host, source,
    bucket + INTERVAL 1 HOUR AS gap_start,
    next_hour AS gap_end,
    CAST(date_diff('hour', bucket, next_hour) - 1 AS INTEGER) AS missing_hours,
    'no ' || source || ' records from ' || strftime(bucket + INTERVAL 1 HOUR, '%Y-%m-%dT%H:%M:%SZ')
        || ' to ' || strftime(next_hour, '%Y-%m-%dT%H:%M:%SZ') || '; last record before the gap: '
        || left(last_message, 200) AS message,
    last_blob AS blob, last_line AS line
FROM sequenced
WHERE next_hour > bucket + INTERVAL 1 HOUR
ORDER BY time, blob, line
