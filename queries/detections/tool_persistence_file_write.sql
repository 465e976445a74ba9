-- id: 365ef76c-bed9-4d30-9789-49f298795a71
-- title: Agent wrote to a persistence location
-- status: experimental
-- severity: high
-- tags: [attack.t1546.004, attack.t1098.004, attack.t1053.003, attack.t1543.002]
-- description: A write, edit or apply_patch call, or an exec command redirecting, tee-ing, copying or
--   linking into a place that runs code or grants access later - shell startup files (.bashrc, .profile,
--   .zshrc), ~/.ssh/authorized_keys, cron (crontab, /etc/cron*), systemd units, XDG autostart,
--   /etc/profile.d, /etc/rc.local, /etc/ld.so.preload - or into OpenClaw's own hooks, extensions or
--   skills directories, which the gateway loads on start. Also `crontab <file>` and `systemctl enable`.
-- falsepositives:
--   - Adding an alias or PATH entry to .bashrc at the user's request
-- author: oclog
-- date: 2026-11-25
-- match_count: 4

WITH calls AS (
    SELECT *
    FROM events
    WHERE action IN ('tool.call', 'tool.result')
      AND (target.path IS NOT NULL OR target.command IS NOT NULL)
    -- One tool call is recorded by the transcript, the trajectory and the runtime trajectory.
    QUALIFY row_number() OVER (
        PARTITION BY "user", host, gen_ai.tool.name, coalesce(gen_ai.tool.call.id, blob || ':' || line)
        ORDER BY session_id IS NULL, source <> 'transcript', time, blob, line
    ) = 1
),
matched AS (
    SELECT *,
        CASE
            WHEN gen_ai.tool.name IN ('write', 'edit', 'apply_patch') THEN regexp_extract(coalesce(target.path, ''),
                '(?i)(\.(bashrc|bash_profile|bash_login|bash_logout|profile|zshrc|zprofile|zshenv|zlogin)$|\.ssh/authorized_keys2?$|^/etc/cron|/var/spool/cron|\.config/systemd/user/|^/etc/systemd/|\.config/autostart/|^/etc/profile\.d/|^/etc/rc\.local$|^/etc/ld\.so\.preload$|\.openclaw/(hooks|extensions|skills)/)',
                0)
            ELSE regexp_extract(coalesce(target.command, ''),
                '(?i)((>>?|\btee\b(\s+-a)?|\bcp\b|\bmv\b|\binstall\b|\bln\s+-s\S*)[^;&|]*(\.(bashrc|bash_profile|bash_login|profile|zshrc|zprofile|zshenv)\b|\.ssh/authorized_keys2?\b|/etc/cron\S*|/var/spool/cron|\.config/systemd/user/|/etc/systemd/system/|\.config/autostart/|/etc/profile\.d/|/etc/rc\.local|/etc/ld\.so\.preload|\.openclaw/(hooks|extensions|skills)/)|\bcrontab\s+(-u\s+\S+\s+)?(-|[^-\s]\S*)(\s|$)|\bsystemctl\s+(--user\s+)?enable\b)',
                0)
        END AS persistence
    FROM calls
)
SELECT
    time, "user", host, session_id, source, action,
    gen_ai.tool.name AS tool, gen_ai.tool.call.id AS call_id,
    target.path AS path, target.command AS command, persistence,
    message, blob, line
FROM matched
WHERE persistence <> ''
ORDER BY time, blob, line
