-- id: 9f88118e-3f9e-4bb0-adf5-f88c1929eea7
-- title: Record's envelope names a user other than the container's
-- status: experimental
-- severity: high
-- tags: [attack.t1036, attack.t1565.001]
-- description: A user's container (bound to that user by its SAS) holds a record whose oclog_user is another
--   user or missing, whose blob path (oclog/<user>/...) names another user, or whose tailed file sits in
--   another account's home. The pipeline stamps the envelope on the user's own VM, so this is a record
--   forged by whatever wrote the log line, or another VM shipping with this user's SAS. The event's
--   envelope_mismatch column says which part disagrees.
-- falsepositives:
--   - A VM deliberately re-provisioned under another user id while keeping the old SAS
--   - A shared service account whose home differs from the account most of the host's files name
-- author: oclog
-- date: 2026-12-05
-- match_count: 6

SELECT
    time, "user", container_user, host, source, envelope_path, envelope_mismatch,
    'envelope names another user: ' || envelope_mismatch || ' | ' || left(coalesce(message, ''), 200) AS message,
    blob, line
FROM events
WHERE envelope_mismatch IS NOT NULL
-- One row per record: a record normalized into several events (a turn and its tool call) is one line.
QUALIFY row_number() OVER (PARTITION BY blob, line ORDER BY time, action) = 1
ORDER BY time, blob, line
