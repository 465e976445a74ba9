-- id: 8d5d58f2-ba22-46e3-9759-66aa5b5ac17f
-- title: File tool refused a path outside the sandbox or workspace
-- status: experimental
-- severity: medium
-- tags: [attack.t1083, attack.t1611, atlas.aml.t0051]
-- description: OpenClaw's filesystem guard refused a tool because its path escapes the sandbox root or the
--   workspace (tools.fs.workspaceOnly). The guard held, but the agent tried to reach files outside its box,
--   which is what a prompt-injected agent does first. Evidence is the tool result (once per call) and the
--   gateway's own "[tools] <tool> failed" line.
-- falsepositives:
--   - A user asking the agent for a file outside the workspace without knowing the policy
-- author: oclog
-- date: 2026-11-25
-- match_count: 3

WITH refusals AS (
    SELECT *
    FROM events
    WHERE action IN ('tool.result', 'tool.failure')
      AND outcome = 'blocked'
      AND regexp_matches(message, '(?i)escapes sandbox root|outside (of )?(the )?(workspace|sandbox)|path traversal|not (allowed|permitted) outside')
    -- One tool result is recorded by the transcript, the trajectory and the runtime trajectory.
    QUALIFY row_number() OVER (
        PARTITION BY "user", host, action, gen_ai.tool.name, coalesce(gen_ai.tool.call.id, blob || ':' || line)
        ORDER BY session_id IS NULL, source <> 'transcript', time, blob, line
    ) = 1
)
SELECT
    time, "user", host, session_id, source, action, outcome,
    gen_ai.tool.name AS tool, gen_ai.tool.call.id AS call_id, target.path AS path,
    regexp_extract(message, '(?i)(escapes sandbox root \([^)]*\): *\S*?|outside [^.\n]{0,80}?)\.?(?:\s|"|$)', 1) AS refusal,
    message, blob, line
FROM refusals
ORDER BY time, blob, line
