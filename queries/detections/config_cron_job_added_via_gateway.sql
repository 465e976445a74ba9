-- id: 6f0b2d7e-93a4-4c1e-b8d5-2a7e41c9f053
-- title: Automation job added or changed through the gateway API
-- status: experimental
-- severity: medium
-- tags: [attack.t1053.003, attack.t1053]
-- description: A client (the CLI, a paired device, the control UI) added or changed an OpenClaw cron job
--   through the gateway API ("⇄ res ✓ cron.add" or "cron.update"). A job runs an agent message or a shell
--   command (`--command`, run as sh -lc on the gateway host) on a schedule, unattended, so it is the
--   gateway's own persistence mechanism. The jobs OpenClaw manages itself (heartbeat, dreaming, skill
--   review) are added in-process and log only "cron: job added", so they do not match.
-- falsepositives:
--   - The user scheduling a reminder or a report
-- author: oclog
-- date: 2026-12-03
-- match_count: 2

SELECT
    time, "user", host, subsystem, level,
    regexp_extract(message, '^⇄ res ✓ (cron\.(add|update))\b', 1) AS method,
    regexp_extract(message, '\bconn=(\S+)', 1) AS conn,
    message, blob, line
FROM events
WHERE source = 'gateway-log'
  AND regexp_matches(message, '^⇄ res ✓ cron\.(add|update)\b')
ORDER BY time, blob, line
