-- id: 317217db-a5c4-4651-bcc3-bf2c07f5260a
-- title: Elevated exec requested
-- status: experimental
-- severity: high
-- tags: [attack.t1548, attack.t1611, atlas.aml.t0053]
-- description: Elevated mode runs exec outside the sandbox on the gateway or node host. Matches exec calls
--   whose arguments carry elevated=true and user messages with an /elevated (or /elev) on, ask or full
--   directive, inline or directive-only. "/elevated off" and a bare "/elevated" status query are not counted.
-- falsepositives:
--   - An administrator using elevated mode for host maintenance they intended
-- author: oclog
-- date: 2026-11-25
-- match_count: 3

WITH candidates AS (
    SELECT *
    FROM events
    WHERE (
            action = 'tool.call'
            AND gen_ai.tool.name IN ('exec', 'bash')
            AND coalesce(try_cast(json_extract(gen_ai.tool.call.arguments, '$.elevated') AS VARCHAR), '') = 'true'
        ) OR (
            action = 'message.user'
            AND regexp_matches(message, '(?i)(^|\s)/elev(ated)?\s+(on|ask|full)\b')
        )
    -- One tool call is recorded by the transcript, the trajectory and the runtime trajectory.
    QUALIFY row_number() OVER (
        PARTITION BY "user", host, action, gen_ai.tool.name, coalesce(gen_ai.tool.call.id, blob || ':' || line)
        ORDER BY session_id IS NULL, source <> 'transcript', time, blob, line
    ) = 1
)
SELECT
    time, "user", host, session_id, source, action,
    gen_ai.tool.name AS tool, gen_ai.tool.call.id AS call_id, target.command AS command,
    CASE WHEN action = 'message.user'
         THEN lower(regexp_extract(message, '(?i)/elev(?:ated)?\s+(on|ask|full)\b', 1))
         ELSE 'exec elevated=true' END AS elevation,
    message, blob, line
FROM candidates
ORDER BY time, blob, line
