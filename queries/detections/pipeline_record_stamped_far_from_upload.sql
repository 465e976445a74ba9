-- id: 14d7c5c4-1e0b-431f-a4a1-c00616eeed86
-- title: Record stamped far from its blob's upload time
-- status: experimental
-- severity: medium
-- tags: [attack.t1070.006, attack.t1565.001]
-- description: Fluent Bit names each blob with its upload time, and a record's own time is whatever the log
--   line says. A record stamped more than 5 min after its blob was uploaded cannot be honest. A record
--   stamped more than 1 h before the upload and more than 1 h before a record written earlier in the same
--   blob and file is a backdated line among current ones (a backlog shipped after an outage stays in
--   order). A record stamped more than 24 h before the upload is a whole file backdated or a VM offline
--   for a day. The event's stamp_skew_s column holds the gap in seconds.
-- falsepositives:
--   - A VM that ran offline for more than a day ships its backlog late
--   - Fluent Bit reading several old files of one source without oclog_path into one blob
-- author: oclog
-- date: 2026-12-05
-- match_count: 6

WITH ordered AS (
    SELECT
        *,
        max(time) OVER (
            PARTITION BY blob, source, coalesce(envelope_path, '')
            ORDER BY line ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ) AS newest_written_before
    FROM events
    WHERE stamp_skew_s IS NOT NULL
)
SELECT
    time, uploaded_at, stamp_skew_s, newest_written_before, "user", host, source, envelope_path,
    CASE WHEN stamp_skew_s < -300 THEN 'stamped ' || (-stamp_skew_s) || ' s after its blob was uploaded'
         ELSE 'stamped ' || stamp_skew_s || ' s before its blob was uploaded' END
        || ' | ' || left(coalesce(message, ''), 200) AS message,
    blob, line
FROM ordered
WHERE stamp_skew_s < -300
   OR stamp_skew_s > 86400
   OR (stamp_skew_s > 3600 AND newest_written_before - time > INTERVAL 1 HOUR)
-- One row per record: a record normalized into several events (a turn and its tool call) is one line.
QUALIFY row_number() OVER (PARTITION BY blob, line ORDER BY time, action) = 1
ORDER BY time, blob, line
