-- id: 0a8d400d-e07f-4675-8d4f-055d2b1492c6
-- title: Agent reached for a cloud instance metadata endpoint
-- status: experimental
-- severity: high
-- tags: [attack.t1552.005, attack.t1090, atlas.aml.t0055]
-- description: A tool call (exec, web_fetch, browser, ...) or an SSRF-guard line names a cloud metadata
--   service - 169.254.169.254 (AWS, Azure, GCP, OCI), metadata.google.internal, metadata.azure.com,
--   169.254.170.2 (ECS task credentials), 100.100.100.200 (Alibaba) or fd00:ec2::254. On a cloud VM these
--   hand out the machine's credentials to anything that asks.
-- falsepositives:
--   - Cloud-init or diagnostics the user asked the agent to run
-- author: oclog
-- date: 2026-11-25
-- match_count: 3

WITH candidates AS (
    SELECT *,
        regexp_extract(
            concat_ws(' ', target.url, target.host, target.command, gen_ai.tool.call.arguments,
                      CASE WHEN source = 'gateway-log' THEN message END),
            '(?i)(169\.254\.169\.254|169\.254\.170\.2|100\.100\.100\.200|metadata\.google\.internal|metadata\.azure\.com|\[?fd00:ec2::254\]?)',
            1) AS endpoint
    FROM events
    WHERE action = 'tool.call'
       OR (source = 'gateway-log' AND regexp_matches(message, '^(security: )?blocked URL fetch\b'))
    -- One tool call is recorded by the transcript, the trajectory and the runtime trajectory.
    QUALIFY row_number() OVER (
        PARTITION BY "user", host, action, gen_ai.tool.name, coalesce(gen_ai.tool.call.id, blob || ':' || line)
        ORDER BY session_id IS NULL, source <> 'transcript', time, blob, line
    ) = 1
)
SELECT
    time, "user", host, session_id, source, action,
    gen_ai.tool.name AS tool, gen_ai.tool.call.id AS call_id,
    target.url AS url, target.command AS command, lower(endpoint) AS endpoint,
    message, blob, line
FROM candidates
WHERE endpoint <> ''
ORDER BY time, blob, line
