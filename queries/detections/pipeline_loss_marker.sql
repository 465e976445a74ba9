-- id: 1f36e039-42f6-4c81-9a8a-cb11b5945d14
-- title: Log records were dropped or suppressed at the source
-- status: experimental
-- severity: high
-- tags: [attack.t1562.006, attack.t1070]
-- description: OpenClaw wrote its own loss marker - "[openclaw] file log queue overflow; dropped N oldest
--   records" (2026.x async file queue) or "log file size cap reached; suppressing writes" (older versions,
--   nothing after it is written that day). The record is incomplete around this time; a flood of activity
--   can be used to push evidence out.
-- falsepositives:
--   - Trace logging on a busy gateway outgrowing the queue or the size cap
-- author: oclog
-- date: 2026-11-25
-- match_count: 2

SELECT
    time, "user", host, source, subsystem, action, level,
    try_cast(regexp_extract(message, 'dropped (\d+)', 1) AS BIGINT) AS dropped_records,
    regexp_extract(message, 'maxFileBytes=(\d+)', 1) AS max_file_bytes,
    message, blob, line
FROM events
WHERE action IN ('log.dropped', 'log.suppressed')
   OR (category = 'pipeline' AND regexp_matches(message, '^(\[openclaw\] file log queue overflow|log file size cap reached)'))
ORDER BY time, blob, line
