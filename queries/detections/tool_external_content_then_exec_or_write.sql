-- id: 47614d80-bbbe-4c62-8036-289b441410b8
-- title: Exec or file write shortly after the agent read external web content
-- status: experimental
-- severity: high
-- tags: [attack.t1059.004, attack.t1204, atlas.aml.t0051, atlas.aml.t0053]
-- description: Indirect prompt injection chain. The agent pulled content from outside (web_fetch or a browser
--   navigation to a public host, web_search or x_search results) and within 10 minutes, in the same session
--   when both sides know it, ran a command (exec, bash, process, terminal, code_execution) or changed a file
--   (write, edit, apply_patch). Fetches whose result says blocked or failed are not counted, since no
--   content reached the model. One row per exec or write, paired with the latest fetch before it.
-- falsepositives:
--   - Looking something up, then running or writing what the user asked for
-- author: oclog
-- date: 2026-11-25
-- match_count: 2

WITH calls AS (
    SELECT *,
        coalesce(target.url,
                 json_extract_string(gen_ai.tool.call.arguments, '$.targetUrl'),
                 json_extract_string(gen_ai.tool.call.arguments, '$.url')) AS call_url
    FROM events
    WHERE action = 'tool.call'
    -- One tool call is recorded by the transcript, the trajectory and the runtime trajectory.
    QUALIFY row_number() OVER (
        PARTITION BY "user", host, gen_ai.tool.name, coalesce(gen_ai.tool.call.id, blob || ':' || line)
        ORDER BY session_id IS NULL, source <> 'transcript', time, blob, line
    ) = 1
),
unsuccessful AS (
    SELECT DISTINCT "user", host, gen_ai.tool.call.id AS call_id
    FROM events
    WHERE action = 'tool.result' AND outcome IN ('blocked', 'failure') AND gen_ai.tool.call.id IS NOT NULL
),
fetches AS (
    SELECT c.*,
        lower(coalesce(c.target.host,
                       regexp_extract(c.call_url, '^[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^@/]*@)?(\[[^\]]+\]|[^/:?#]+)', 1))) AS fetch_host
    FROM calls c
    WHERE c.gen_ai.tool.name IN ('web_fetch', 'browser', 'web_search', 'x_search')
      AND NOT EXISTS (
          SELECT 1 FROM unsuccessful u
          WHERE u.call_id = c.gen_ai.tool.call.id AND u."user" IS NOT DISTINCT FROM c."user" AND u.host IS NOT DISTINCT FROM c.host
      )
),
external_fetches AS (
    SELECT *
    FROM fetches
    WHERE gen_ai.tool.name IN ('web_search', 'x_search')
       OR (coalesce(fetch_host, '') <> '' AND NOT regexp_matches(fetch_host,
            '^(localhost|[a-z0-9.-]*\.(localhost|local|internal|lan|home\.arpa)|[a-z0-9-]+|127(\.\d+){3}|10(\.\d+){3}|192\.168(\.\d+){2}|172\.(1[6-9]|2\d|3[01])(\.\d+){2}|169\.254(\.\d+){2}|100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])(\.\d+){2}|0\.0\.0\.0|\[?::1?\]?|\[?f[cd][0-9a-f]{2}:[0-9a-f:]*\]?|\[?fe80:[0-9a-f:]*\]?)$'))
),
actions AS (
    SELECT *
    FROM calls
    WHERE gen_ai.tool.name IN ('exec', 'bash', 'process', 'terminal', 'code_execution', 'write', 'edit', 'apply_patch')
)
SELECT
    a.time, a."user", a.host, a.session_id, a.source, a.action,
    a.gen_ai.tool.name AS tool, a.gen_ai.tool.call.id AS call_id,
    a.target.command AS command, a.target.path AS path,
    f.time AS fetched_at, f.gen_ai.tool.name AS fetch_tool, f.call_url AS fetched_url, f.fetch_host,
    f.gen_ai.tool.call.id AS fetch_call_id,
    a.message, a.blob, a.line
FROM actions a
JOIN external_fetches f
  ON a."user" IS NOT DISTINCT FROM f."user"
 AND a.host IS NOT DISTINCT FROM f.host
 AND (a.session_id IS NULL OR f.session_id IS NULL OR a.session_id = f.session_id)
 AND a.time > f.time
 AND a.time <= f.time + INTERVAL 10 MINUTE
QUALIFY row_number() OVER (PARTITION BY a.blob, a.line ORDER BY f.time DESC, f.blob DESC, f.line DESC) = 1
ORDER BY a.time, a.blob, a.line
