-- id: 8a8c510f-51fb-4f04-8211-d92ab7550ea0
-- title: Service crash loop
-- status: experimental
-- severity: medium
-- tags: [attack.t1562.001, attack.t1499.004]
-- description: Three or more crashes of the same systemd unit within ten minutes on one user's VM (the gateway,
--   Fluent Bit, the collector, nginx or any other unit the journal input ships). A unit that keeps dying
--   records little and may have been tampered with (a broken config, a poisoned dependency, a process
--   killed over and over). systemd logs one crash as "Failed with result ..." and, when it restarts the
--   unit, "Scheduled restart job": each crash counts once, as its restart, or as its failure when nothing
--   restarted it (a start limit that gave up). oclog-guard.service is left out of the failures: the timer
--   runs it every minute and it exits non-zero on purpose while shipping is failing, which the gate and its
--   guard.failing events already say. Each counted crash in a loop is one row.
-- falsepositives:
--   - A unit that cannot start after an upgrade or a config edit until someone fixes it
-- author: oclog
-- date: 2026-12-05
-- match_count: 6

WITH unit_events AS (
    SELECT *
    FROM events
    WHERE source = 'journal' AND action IN ('service.failed', 'service.restart_scheduled')
),
crashes AS (
    SELECT *
    FROM unit_events
    QUALIFY action = 'service.restart_scheduled'
         OR (subsystem <> 'oclog-guard.service'
             AND lead(action) OVER (PARTITION BY "user", host, subsystem ORDER BY time, blob, line)
                 IS DISTINCT FROM 'service.restart_scheduled')
),
windows AS (
    SELECT *,
        count(*) OVER (
            PARTITION BY "user", host, subsystem ORDER BY time
            RANGE BETWEEN CURRENT ROW AND INTERVAL 10 MINUTE FOLLOWING
        ) AS crashes_in_window
    FROM crashes
),
loops AS (
    SELECT "user", host, subsystem, time AS loop_start, crashes_in_window
    FROM windows
    WHERE crashes_in_window >= 3
)
SELECT
    c.time, c."user", c.host, c.source, c.action, c.outcome, c.subsystem AS unit,
    l.loop_start, l.crashes_in_window AS loop_crashes,
    c.message, c.blob, c.line
FROM crashes c
JOIN loops l
  ON c."user" IS NOT DISTINCT FROM l."user"
 AND c.host IS NOT DISTINCT FROM l.host
 AND c.subsystem = l.subsystem
 AND c.time BETWEEN l.loop_start AND l.loop_start + INTERVAL 10 MINUTE
QUALIFY row_number() OVER (PARTITION BY c.blob, c.line ORDER BY l.loop_start) = 1
ORDER BY c.time, c.blob, c.line
