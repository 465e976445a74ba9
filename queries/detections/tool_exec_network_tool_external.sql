-- id: 20c1abee-da16-451a-a9ba-be3e27f1915a
-- title: Network tool executed against an external host
-- status: experimental
-- severity: high
-- tags: [attack.t1105, attack.t1041, attack.t1048, atlas.aml.t0051]
-- description: The agent ran curl, wget, nc/ncat, scp, sftp, ssh, rsync, socat or telnet with a destination
--   that is neither loopback, private, link-local nor a single-label name. Downloads tooling or sends data
--   out of the VM outside the gateway's SSRF guard, which only covers web_fetch and the browser.
-- falsepositives:
--   - Package or repository downloads the user asked for
--   - SSH or rsync to a host the user works on
-- author: oclog
-- date: 2026-11-25
-- match_count: 4

-- Destinations come from the command text: scheme URLs, user@host, `nc host port`, socat
-- TCP:host:port, `curl host` right after the tool, scp/rsync `host:path` and bare IPv4
-- addresses. `curl -o out.html example.com` (a bare name after an option) is not recognized.
WITH commands AS (
    -- tool_commands: one row per tool call with a command (see events-table.ts).
    SELECT *, lower(target.command) AS cmd
    FROM tool_commands
),
parsed AS (
    SELECT *,
        regexp_extract(cmd, '(?:^|[\s;|&(`/])(curl|wget|ncat|netcat|nc|scp|sftp|ssh|rsync|socat|telnet)(?:\s|$)', 1) AS network_tool,
        list_distinct(list_concat(
            regexp_extract_all(cmd, '\b(?:https?|ftps?|sftp|scp|rsync|ssh|telnet|wss?)://(?:[^@/\s]*@)?(\[[0-9a-f:.]+\]|[a-z0-9._-]+)', 1),
            regexp_extract_all(cmd, '(?:^|\s)[a-z0-9._-]+@([a-z0-9-]+(?:\.[a-z0-9-]+)+)', 1),
            regexp_extract_all(cmd, '\b(?:nc|ncat|netcat|telnet)\s+(?:-[a-z0-9]+\s+(?:/\S+\s+)?)*([a-z0-9-]+(?:\.[a-z0-9-]+)+)\s+\d+', 1),
            regexp_extract_all(cmd, '\b(?:tcp|udp|tcp4|tcp6|udp4|udp6|ssl|openssl|openssl-connect):([a-z0-9-]+(?:\.[a-z0-9-]+)+):\d+', 1),
            regexp_extract_all(cmd, '\b(?:curl|wget|ssh)\s+([a-z0-9-]+(?:\.[a-z0-9-]+)+)(?:[:/\s]|$)', 1),
            regexp_extract_all(cmd, '(?:^|\s)(?:[a-z0-9._-]+@)?([a-z0-9-]+(?:\.[a-z0-9-]+)+):[~/a-z0-9_]', 1),
            regexp_extract_all(cmd, '\b(\d{1,3}(?:\.\d{1,3}){3})\b', 1)
        )) AS destinations
    FROM commands
),
classified AS (
    SELECT *,
        list_filter(destinations, d -> NOT regexp_matches(d,
            '^(localhost|[a-z0-9.-]*\.(localhost|local|internal|lan|home\.arpa)|[a-z0-9-]+|127(\.\d+){3}|10(\.\d+){3}|192\.168(\.\d+){2}|172\.(1[6-9]|2\d|3[01])(\.\d+){2}|169\.254(\.\d+){2}|100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])(\.\d+){2}|0\.0\.0\.0|\[?::1?\]?|\[?f[cd][0-9a-f]{2}:[0-9a-f:]*\]?|\[?fe80:[0-9a-f:]*\]?)$'
        )) AS external_hosts
    FROM parsed
    WHERE network_tool <> ''
)
SELECT
    time, "user", host, session_id, source, action,
    gen_ai.tool.name AS tool, gen_ai.tool.call.id AS call_id,
    target.command AS command, network_tool, external_hosts,
    message, blob, line
FROM classified
WHERE len(external_hosts) > 0
ORDER BY time, blob, line
