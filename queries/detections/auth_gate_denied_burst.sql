-- id: 51873ed4-2f72-4b67-aa89-aa3198adc8b6
-- title: Burst of 401/403 answers at the gate from one client address
-- status: experimental
-- severity: medium
-- tags: [attack.t1110, attack.t1110.001, attack.t1078]
-- description: Five or more requests through the nginx gate that the gateway answered 401 or 403 (http.denied -
--   a wrong, guessed or stale token) from one client address within five minutes. Each access log line
--   is one request; a copy of a line shipped twice (same millisecond, client, path and status) counts once,
--   because the normalized event does not carry nginx's request id. Behind a port forward every client has
--   the forwarder's address, so a burst may mix several callers.
-- falsepositives:
--   - A browser tab or script polling with a stale token after the gateway token changed
-- author: oclog
-- date: 2026-12-05
-- match_count: 11

WITH attempts AS (
    SELECT *, coalesce(target.host, 'unknown') AS client
    FROM events
    WHERE action = 'http.denied'
    QUALIFY row_number() OVER (
        PARTITION BY "user", host, coalesce(target.host, 'unknown'), time, target.url, message
        ORDER BY blob, line
    ) = 1
),
windows AS (
    SELECT *,
        count(*) OVER (
            PARTITION BY "user", host, client ORDER BY time
            RANGE BETWEEN CURRENT ROW AND INTERVAL 5 MINUTE FOLLOWING
        ) AS attempts_in_window
    FROM attempts
),
bursts AS (
    SELECT "user", host, client, time AS burst_start, attempts_in_window
    FROM windows
    WHERE attempts_in_window >= 5
)
SELECT
    a.time, a."user", a.host, a.source, a.action, a.client, a.target.url AS path,
    b.burst_start, b.attempts_in_window AS burst_attempts,
    a.message, a.blob, a.line
FROM attempts a
JOIN bursts b
  ON a."user" IS NOT DISTINCT FROM b."user"
 AND a.host IS NOT DISTINCT FROM b.host
 AND a.client = b.client
 AND a.time BETWEEN b.burst_start AND b.burst_start + INTERVAL 5 MINUTE
QUALIFY row_number() OVER (PARTITION BY a.blob, a.line ORDER BY b.burst_start) = 1
ORDER BY a.time, a.blob, a.line
