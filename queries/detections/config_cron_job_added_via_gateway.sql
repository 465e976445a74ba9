-- id: 6f0b2d7e-93a4-4c1e-b8d5-2a7e41c9f053
-- title: Automation job added or changed through the gateway API
-- status: experimental
-- severity: medium
-- tags: [attack.t1053.003, attack.t1053]
-- description: A client (the CLI, a paired device, the control UI) added or changed an OpenClaw cron job
--   through the gateway API. A job runs an agent message or a shell command (`--command`, run as sh -lc on
--   the gateway host) on a schedule, unattended, so it is the gateway's own persistence mechanism. The
--   API's handlers log "cron: job added" / "cron: job updated" under the `gateway` subsystem on every call;
--   the jobs OpenClaw manages itself (heartbeat, dreaming, skill review) log "cron: job added" under the
--   `cron` module and do not match. The "⇄ res ✓ cron.add" line is not used: OpenClaw writes it only when
--   the call took 50 ms or more (ws-log.ts, without --verbose), so a fast call would leave no match.
-- falsepositives:
--   - The user scheduling a reminder or a report
-- author: oclog
-- date: 2026-12-03
-- match_count: 2

SELECT
    time, "user", host, subsystem, level,
    CASE message WHEN 'cron: job added' THEN 'cron.add' ELSE 'cron.update' END AS method,
    message, blob, line
FROM events
WHERE source = 'gateway-log'
  AND subsystem = 'gateway'
  AND message IN ('cron: job added', 'cron: job updated')
ORDER BY time, blob, line
