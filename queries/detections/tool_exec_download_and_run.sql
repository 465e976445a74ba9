-- id: f756c0b6-02cb-40f0-8e03-9c5f6f404ffc
-- title: Downloaded content piped straight into an interpreter
-- status: experimental
-- severity: high
-- tags: [attack.t1059.004, attack.t1105, atlas.aml.t0051]
-- description: The agent fetched something with curl or wget and ran it without looking - `curl ... | sh`,
--   `wget -O- ... | bash`, `| sudo bash`, `| python`, `bash <(curl ...)` or `sh -c "$(curl ...)"`. This is
--   how an injected instruction turns into code on the host.
-- falsepositives:
--   - Vendor install one-liners the user asked for (rustup, nvm, homebrew)
-- author: oclog
-- date: 2026-11-25
-- match_count: 3

WITH commands AS (
    -- tool_commands: one row per tool call with a command (see events-table.ts).
    SELECT *
    FROM tool_commands
),
matched AS (
    SELECT *,
        regexp_extract(target.command,
            '(?i)(\b(curl|wget)\b[^;&|]*\|\s*(sudo\s+(-\S+\s+)*)?(env\s+\S+\s+)*(ba|z|da|k)?sh\b|\b(curl|wget)\b[^;&|]*\|\s*(sudo\s+(-\S+\s+)*)?(python[0-9.]*|perl|ruby|node)\b|\b(ba|z)?sh\s+<\(\s*(curl|wget)\b|\b(ba|z)?sh\s+-c\s+["'']?\$\(\s*(curl|wget)\b)',
            0) AS pipeline
    FROM commands
)
SELECT
    time, "user", host, session_id, source, action,
    gen_ai.tool.name AS tool, gen_ai.tool.call.id AS call_id,
    target.command AS command, pipeline,
    message, blob, line
FROM matched
WHERE pipeline <> ''
ORDER BY time, blob, line
