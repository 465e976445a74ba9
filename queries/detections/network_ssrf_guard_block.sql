-- id: 705c7bc7-4128-4b9e-b562-6d136731bcfd
-- title: SSRF guard blocked a fetch to a private or internal address
-- status: experimental
-- severity: medium
-- tags: [attack.t1090, attack.t1552.005, atlas.aml.t0051]
-- description: The gateway's SSRF guard refused a web_fetch, browser navigation or other guarded request
--   because the target resolved to a loopback, private, link-local or otherwise special-use address. The
--   guard held; the interesting question is why the agent wanted an internal URL (often text in a fetched
--   page telling it to). Evidence is the guard's "blocked URL fetch" line and the blocked tool result.
-- falsepositives:
--   - Users pointing the agent at an intranet page or a local dev server
-- author: oclog
-- date: 2026-11-25
-- match_count: 3

WITH blocks AS (
    SELECT *
    FROM events
    WHERE (
            source = 'gateway-log'
            AND regexp_matches(message, '^(security: )?blocked URL fetch\b')
        ) OR (
            action = 'tool.result'
            AND outcome = 'blocked'
            AND regexp_matches(message, 'Blocked hostname or private/internal/special-use IP address|SsrFBlockedError')
        )
    -- One tool result is recorded by the transcript, the trajectory and the runtime trajectory.
    QUALIFY row_number() OVER (
        PARTITION BY "user", host, action, gen_ai.tool.name, coalesce(gen_ai.tool.call.id, blob || ':' || line)
        ORDER BY session_id IS NULL, source <> 'transcript', time, blob, line
    ) = 1
)
SELECT
    time, "user", host, session_id, source, action, outcome,
    gen_ai.tool.name AS tool, gen_ai.tool.call.id AS call_id,
    coalesce(target.url, regexp_extract(message, 'targetOrigin=(\S+)', 1)) AS url,
    target.host AS target_host,
    regexp_extract(message, '^(?:security: )?blocked URL fetch \(([^)]*)\)', 1) AS guard_context,
    message, blob, line
FROM blocks
ORDER BY time, blob, line
