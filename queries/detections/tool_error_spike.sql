-- id: ea3748db-24ba-47ab-81f2-2fa7f3498890
-- title: Spike of failed or blocked tool calls
-- status: experimental
-- severity: medium
-- tags: [attack.t1083, attack.t1046, atlas.aml.t0051]
-- description: Five or more tool results that failed or were blocked by a guard within ten minutes for one
--   user and host. An agent probing its limits (paths, hosts, commands) produces a run of refusals and
--   errors; so does an injected instruction the guards keep stopping. Each tool call counts once, however
--   many sources recorded its result.
-- falsepositives:
--   - A broken tool, a flaky network or a model looping on a typo
-- author: oclog
-- date: 2026-11-25
-- match_count: 6

WITH results AS (
    SELECT *
    FROM events
    WHERE action = 'tool.result' AND outcome IN ('failure', 'blocked')
    -- One tool result is recorded by the transcript, the trajectory and the runtime trajectory.
    QUALIFY row_number() OVER (
        PARTITION BY "user", host, gen_ai.tool.name, coalesce(gen_ai.tool.call.id, blob || ':' || line)
        ORDER BY session_id IS NULL, source <> 'transcript', time, blob, line
    ) = 1
),
windows AS (
    SELECT *,
        count(*) OVER (
            PARTITION BY "user", host ORDER BY time
            RANGE BETWEEN CURRENT ROW AND INTERVAL 10 MINUTE FOLLOWING
        ) AS failures_in_window
    FROM results
),
spikes AS (
    SELECT "user", host, time AS spike_start, failures_in_window
    FROM windows
    WHERE failures_in_window >= 5
)
SELECT
    r.time, r."user", r.host, r.session_id, r.source, r.outcome,
    r.gen_ai.tool.name AS tool, r.gen_ai.tool.call.id AS call_id,
    s.spike_start, s.failures_in_window AS spike_failures,
    r.message, r.blob, r.line
FROM results r
JOIN spikes s
  ON r."user" IS NOT DISTINCT FROM s."user"
 AND r.host IS NOT DISTINCT FROM s.host
 AND r.time BETWEEN s.spike_start AND s.spike_start + INTERVAL 10 MINUTE
QUALIFY row_number() OVER (PARTITION BY r.blob, r.line ORDER BY s.spike_start) = 1
ORDER BY r.time, r.blob, r.line
