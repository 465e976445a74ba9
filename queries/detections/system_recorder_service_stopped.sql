-- id: cb49952e-c380-4861-84ae-c233e8e930db
-- title: Recorder service stopped, killed or failed and stayed down
-- status: experimental
-- severity: high
-- tags: [attack.t1562.001, attack.t1562.006, attack.t1489]
-- description: Someone cutting the record. systemd says fluent-bit.service (ships every log) or
--   oclog-collect.service (reads OpenClaw's transcripts and audit ledger) stopped, was killed, OOM-killed or
--   failed, and the unit did not start again within 2 minutes. A restart (oclog sas install's fallback, a
--   package upgrade, systemd restarting a crashed unit) loses nothing - the inputs resume from their
--   position databases - and is not counted; a run of crashes is system_service_crash_loop. Nor is a
--   shutdown - openclaw.service stopped within 2 minutes of it and did not come back more than 2 minutes
--   before the recorder did, so the agent was not running unrecorded. One stop is several messages
--   (stopping, deactivated, stopped; or exited, failed): the first after the unit last started stands for it,
--   one row per stop, with when the unit came back (empty when it never did within the case).
-- falsepositives:
--   - An administrator stopping the recorder for maintenance while the gateway stays up
--   - The recorder crashing for good (start limit hit) on a broken config
-- author: oclog
-- date: 2026-12-05
-- match_count: 3

WITH unit_events AS (
    SELECT *,
        CASE WHEN action IN ('service.starting', 'service.started') THEN 'start' ELSE 'end' END AS phase
    FROM events
    WHERE source = 'journal'
      AND subsystem IN ('fluent-bit.service', 'oclog-collect.service', 'openclaw.service')
      AND action IN ('service.starting', 'service.started',
                     'service.stopping', 'service.stopped', 'service.exited', 'service.succeeded',
                     'service.failed', 'service.start_failed', 'service.oom_killed', 'service.restart_scheduled')
),
stops AS (
    SELECT *
    FROM unit_events
    WHERE subsystem IN ('fluent-bit.service', 'oclog-collect.service')
    QUALIFY phase = 'end'
        AND coalesce(lag(phase) OVER (PARTITION BY "user", host, subsystem ORDER BY time, blob, line), 'start') = 'start'
),
came_back AS (
    SELECT s.*,
        (SELECT min(u.time) FROM unit_events u
          WHERE u."user" IS NOT DISTINCT FROM s."user" AND u.host IS NOT DISTINCT FROM s.host
            AND u.subsystem = s.subsystem AND u.phase = 'start' AND u.time > s.time) AS back_at,
        -- The gateway going down around the same time: the latest such stop, so that an earlier
        -- gateway restart in the same minutes does not hide a shutdown.
        (SELECT max(g.time) FROM unit_events g
          WHERE g."user" IS NOT DISTINCT FROM s."user" AND g.host IS NOT DISTINCT FROM s.host
            AND g.subsystem = 'openclaw.service' AND g.action IN ('service.stopping', 'service.stopped')
            AND g.time BETWEEN s.time - INTERVAL 2 MINUTE AND s.time + INTERVAL 2 MINUTE) AS gateway_stopped_at
    FROM stops s
),
judged AS (
    SELECT c.*,
        (SELECT min(g.time) FROM unit_events g
          WHERE g."user" IS NOT DISTINCT FROM c."user" AND g.host IS NOT DISTINCT FROM c.host
            AND g.subsystem = 'openclaw.service' AND g.phase = 'start' AND g.time > c.gateway_stopped_at) AS gateway_back_at
    FROM came_back c
)
SELECT
    time, "user", host, source, action, outcome, subsystem AS unit,
    back_at, gateway_stopped_at, gateway_back_at,
    message, blob, line
FROM judged
WHERE (back_at IS NULL OR back_at > time + INTERVAL 2 MINUTE)
  AND NOT (gateway_stopped_at IS NOT NULL
           AND (gateway_back_at IS NULL OR (back_at IS NOT NULL AND gateway_back_at >= back_at - INTERVAL 2 MINUTE)))
ORDER BY time, blob, line
