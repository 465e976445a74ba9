-- id: e04a1d3f-ebc0-434d-ae9d-3f36d8c144c2
-- title: Agent kept calling tools while the gate refused the UI
-- status: experimental
-- severity: medium
-- tags: [attack.t1562.006, attack.t1078]
-- description: The nginx gate answered 503 (gate.refused - the shipping SAS expired or is about to, Fluent Bit's
--   shipping is failing, or the SAS state file is missing or odd), so the record was not leaving the VM and
--   the UI was locked, yet the agent called tools within 10 minutes before or after that refusal on the same
--   user and host. Something other than the locked UI drove it. Medium, not high, because ordinary drivers
--   remain: a chat channel, a cron job or heartbeat, or a UI websocket opened before the gate closed (the gate
--   checks each new request; an open websocket keeps working). The tool calls still reach the blobs once
--   shipping works again. One row per tool call (however many sources recorded it), paired with the
--   nearest refusal.
-- falsepositives:
--   - A chat channel message, cron job or heartbeat run while shipping was failing (an Azure outage, a laptop offline)
--   - A turn in progress in a UI tab whose websocket was open before the gate closed
-- author: oclog
-- date: 2026-12-05
-- match_count: 4

WITH calls AS (
    SELECT *
    FROM events
    WHERE action = 'tool.call'
    -- One tool call is recorded by the transcript, the trajectory and the runtime trajectory.
    QUALIFY row_number() OVER (
        PARTITION BY "user", host, gen_ai.tool.name, coalesce(gen_ai.tool.call.id, blob || ':' || line)
        ORDER BY session_id IS NULL, source <> 'transcript', time, blob, line
    ) = 1
),
refusals AS (
    SELECT *, regexp_extract(message, '\bgate=([a-z0-9-]+)', 1) AS gate
    FROM events
    WHERE action = 'gate.refused'
)
SELECT
    c.time, c."user", c.host, c.session_id, c.source, c.action,
    c.gen_ai.tool.name AS tool, c.gen_ai.tool.call.id AS call_id,
    c.target.command AS command, c.target.path AS path, c.target.url AS url,
    g.time AS refused_at, g.gate, g.target.host AS refused_client, g.target.url AS refused_path,
    c.message, c.blob, c.line
FROM calls c
JOIN refusals g
  ON c."user" IS NOT DISTINCT FROM g."user"
 AND c.host IS NOT DISTINCT FROM g.host
 AND c.time BETWEEN g.time - INTERVAL 10 MINUTE AND g.time + INTERVAL 10 MINUTE
QUALIFY row_number() OVER (
    PARTITION BY c.blob, c.line
    ORDER BY abs(epoch_ms(c.time) - epoch_ms(g.time)), g.time, g.blob, g.line
) = 1
ORDER BY c.time, c.blob, c.line
