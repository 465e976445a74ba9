-- id: 804d33f2-11ea-4588-a756-9091974f1daa
-- title: Burst of gateway authentication failures from one source
-- status: experimental
-- severity: medium
-- tags: [attack.t1110, attack.t1110.001, attack.t1078]
-- description: Five or more failed gateway authentication attempts from the same remote address within five
--   minutes (wrong token, missing device identity, failed handshake). The gateway logs one attempt several
--   times ("unauthorized conn=..." and "closed before connect conn=..."), so attempts are counted once per
--   connection id. Events without a remote address group under the VM host.
-- falsepositives:
--   - A client or script retrying with a stale token after a rotation
-- author: oclog
-- date: 2026-11-25
-- match_count: 6

WITH failures AS (
    SELECT *,
        coalesce(target.host, host, 'unknown') AS source_address,
        regexp_extract(message, '\bconn=([0-9a-f-]{8,})', 1) AS conn
    FROM events
    WHERE action = 'auth.failure'
),
attempts AS (
    SELECT *
    FROM failures
    QUALIFY row_number() OVER (
        PARTITION BY "user", host, source_address, CASE WHEN conn = '' THEN blob || ':' || line ELSE conn END
        ORDER BY time, blob, line
    ) = 1
),
windows AS (
    SELECT *,
        count(*) OVER (
            PARTITION BY "user", host, source_address ORDER BY time
            RANGE BETWEEN CURRENT ROW AND INTERVAL 5 MINUTE FOLLOWING
        ) AS attempts_in_window
    FROM attempts
),
bursts AS (
    SELECT "user", host, source_address, time AS burst_start, attempts_in_window
    FROM windows
    WHERE attempts_in_window >= 5
)
SELECT
    a.time, a."user", a.host, a.source_address, a.conn, a.subsystem,
    b.burst_start, b.attempts_in_window AS burst_attempts,
    a.message, a.blob, a.line
FROM attempts a
JOIN bursts b
  ON a."user" IS NOT DISTINCT FROM b."user"
 AND a.host IS NOT DISTINCT FROM b.host
 AND a.source_address = b.source_address
 AND a.time BETWEEN b.burst_start AND b.burst_start + INTERVAL 5 MINUTE
QUALIFY row_number() OVER (PARTITION BY a.blob, a.line ORDER BY b.burst_start) = 1
ORDER BY a.time, a.blob, a.line
