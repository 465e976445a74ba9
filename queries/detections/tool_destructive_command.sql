-- id: f8861605-1244-4893-8d09-256b8f7a4675
-- title: Destructive or anti-forensic shell command
-- status: experimental
-- severity: high
-- tags: [attack.t1485, attack.t1070.003, attack.t1070.004, attack.t1222.002, atlas.aml.t0048]
-- description: The agent ran a command that destroys data or covers tracks - recursive forced rm, shred,
--   wipefs, mkfs, dd onto a block device, chmod 777 or world-writable modes, clearing or unsetting shell
--   history (history -c, unset HISTFILE, HISTFILE=/dev/null, HISTSIZE=0) or deleting or truncating a
--   .bash_history / .zsh_history file.
-- falsepositives:
--   - Cleaning a build directory with rm -rf at the user's request
-- author: oclog
-- date: 2026-11-25
-- match_count: 5

WITH commands AS (
    -- tool_commands: one row per tool call with a command (see events-table.ts).
    SELECT *
    FROM tool_commands
),
matched AS (
    SELECT *,
        regexp_extract(target.command,
            '(?i)(\brm\s+(?:-{1,2}[a-z-]+\s+)*(?:-[a-z]*r[a-z]*f[a-z]*|-[a-z]*f[a-z]*r[a-z]*|-r\s+-f|-f\s+-r|--recursive\s+--force|--force\s+--recursive)\b|\bshred\b|\bwipefs\b|\bmkfs(\.[a-z0-9]+)?\b|\bdd\b[^;|&]*\bof=/dev/(sd|hd|vd|xvd|nvme|mmcblk|disk)|\bchmod\s+(?:-[a-z]+\s+)*(0?777|a\+rwx|ugo\+rwx|o\+w)\b|\bhistory\s+-c\b|\bunset\s+histfile\b|\bhistfile=/dev/null|\bhistsize=0\b|(\brm\b|\btruncate\b|>|\bln\s+-s)[^;|&]*\.(bash|zsh|sh)_history)',
            0) AS destructive
    FROM commands
)
SELECT
    time, "user", host, session_id, source, action,
    gen_ai.tool.name AS tool, gen_ai.tool.call.id AS call_id,
    target.command AS command, destructive,
    message, blob, line
FROM matched
WHERE destructive <> ''
ORDER BY time, blob, line
