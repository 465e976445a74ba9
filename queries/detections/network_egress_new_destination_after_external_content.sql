-- id: 37911979-ebbc-4cb3-bb6a-88e92d3f0e66
-- title: Outbound connection to a new destination after the agent read external content
-- status: experimental
-- severity: medium
-- tags: [attack.t1041, attack.t1071, atlas.aml.t0051]
-- description: Possible exfiltration or callback set off by injected content. The agent read content from
--   outside (web_fetch or a browser navigation to a public host, web_search or x_search results, whose
--   result came back neither blocked nor failed), and within 10 minutes after that result an OpenClaw user
--   on the same user and host opened its first connection to a destination the VM had not connected to
--   earlier in the case. A destination is an address's /24 (IPv4) or /48 (IPv6), so a model API behind a
--   CDN that rotates addresses within its prefix stays known, and DNS to the resolver the VM already uses
--   is never new. Not counted: connections while a web_fetch, browser or search call was still waiting for
--   its result (the read's own connection, or the next page being fetched: the agent reading, which its tool
--   calls show). One row per new destination, paired with the latest read before it. The egress record has
--   no session and no host name; an address on the same CDN prefix as one seen before is not new.
-- falsepositives:
--   - A command the user asked for after reading docs that reaches a new host (a package install or a git clone)
--   - A model or search API moving to a CDN prefix not seen earlier in the case (early in a case most are new)
--   - A browser page that keeps loading from other hosts after the navigation returned
-- author: oclog
-- date: 2026-12-05
-- match_count: 3

WITH calls AS (
    SELECT *,
        coalesce(target.url,
                 json_extract_string(gen_ai.tool.call.arguments, '$.targetUrl'),
                 json_extract_string(gen_ai.tool.call.arguments, '$.url')) AS call_url
    FROM events
    WHERE action = 'tool.call' AND gen_ai.tool.name IN ('web_fetch', 'browser', 'web_search', 'x_search')
    -- One tool call is recorded by the transcript, the trajectory and the runtime trajectory.
    QUALIFY row_number() OVER (
        PARTITION BY "user", host, gen_ai.tool.name, coalesce(gen_ai.tool.call.id, blob || ':' || line)
        ORDER BY session_id IS NULL, source <> 'transcript', time, blob, line
    ) = 1
),
results AS (
    SELECT "user", host, gen_ai.tool.call.id AS call_id, min(time) AS result_time,
        bool_or(outcome IN ('blocked', 'failure')) AS unsuccessful
    FROM events
    WHERE action = 'tool.result' AND gen_ai.tool.call.id IS NOT NULL
    GROUP BY ALL
),
fetches AS (
    SELECT c.*, r.result_time, coalesce(r.unsuccessful, false) AS unsuccessful,
        lower(coalesce(c.target.host,
                       regexp_extract(c.call_url, '^[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^@/]*@)?(\[[^\]]+\]|[^/:?#]+)', 1))) AS fetch_host
    FROM calls c
    LEFT JOIN results r
      ON r.call_id = c.gen_ai.tool.call.id AND r."user" IS NOT DISTINCT FROM c."user" AND r.host IS NOT DISTINCT FROM c.host
),
-- The content reached the model when the result came back: that is where the 10 minutes start, and
-- the read's own connection (between the call and its result) is behind it.
reads AS (
    SELECT *
    FROM fetches
    WHERE result_time IS NOT NULL AND NOT unsuccessful
      AND (gen_ai.tool.name IN ('web_search', 'x_search')
        OR (coalesce(fetch_host, '') <> '' AND NOT regexp_matches(fetch_host,
            '^(localhost|[a-z0-9.-]*\.(localhost|local|internal|lan|home\.arpa)|[a-z0-9-]+|127(\.\d+){3}|10(\.\d+){3}|192\.168(\.\d+){2}|172\.(1[6-9]|2\d|3[01])(\.\d+){2}|169\.254(\.\d+){2}|100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])(\.\d+){2}|0\.0\.0\.0|\[?::1?\]?|\[?f[cd][0-9a-f]{2}:[0-9a-f:]*\]?|\[?fe80:[0-9a-f:]*\]?)$')))
),
connects AS (
    SELECT *,
        -- The kernel prints IPv6 fully expanded, so the first three groups are the /48.
        coalesce(nullif(regexp_extract(lower(target.host), '^(\d+\.\d+\.\d+\.|[0-9a-f]{1,4}:[0-9a-f]{1,4}:[0-9a-f]{1,4}:)', 1), ''),
                 lower(target.host)) AS destination_prefix
    FROM events
    WHERE source = 'egress' AND action = 'network.connect'
),
-- Each destination's first connection in the case; every later one goes somewhere already seen.
first_connects AS (
    SELECT *
    FROM connects
    QUALIFY row_number() OVER (PARTITION BY "user", host, destination_prefix ORDER BY time, blob, line) = 1
),
new_destinations AS (
    SELECT e.*
    FROM first_connects e
    WHERE NOT EXISTS (
        SELECT 1 FROM fetches f
        WHERE f."user" IS NOT DISTINCT FROM e."user" AND f.host IS NOT DISTINCT FROM e.host
          AND e.time BETWEEN f.time AND coalesce(f.result_time, f.time)
    )
)
SELECT
    e.time, e."user", e.host, e.source, e.action,
    e.target.host AS destination, e.target.url AS url, e.destination_prefix,
    f.result_time AS read_at, f.gen_ai.tool.name AS read_tool, f.call_url AS read_url, f.fetch_host AS read_host,
    f.gen_ai.tool.call.id AS read_call_id, f.session_id AS read_session_id,
    e.message, e.blob, e.line
FROM new_destinations e
JOIN reads f
  ON e."user" IS NOT DISTINCT FROM f."user"
 AND e.host IS NOT DISTINCT FROM f.host
 AND e.time > f.result_time
 AND e.time <= f.result_time + INTERVAL 10 MINUTE
QUALIFY row_number() OVER (PARTITION BY e.blob, e.line ORDER BY f.result_time DESC, f.blob DESC, f.line DESC) = 1
ORDER BY e.time, e.blob, e.line
