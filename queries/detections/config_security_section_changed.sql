-- id: ef4dc9c5-be07-4985-9ccd-b04b75dce8f0
-- title: Gateway picked up a change to a security-relevant config section
-- status: experimental
-- severity: medium
-- tags: [attack.t1562.001, attack.t1562.006]
-- description: The running gateway reported a config change touching tools, sandbox, plugins, channels,
--   gateway (auth, bind, proxies), hooks, browser, nodes, skills, secrets, mcp, approvals, logging or an
--   agent's sandbox/tools/elevated settings - either its reload watcher ("config change detected; evaluating
--   reload (...)") or the CLI's "Updated <path>." line in the same log. The log names the changed paths but
--   not the values, so read this with config_security_weakened and the config-audit record.
-- falsepositives:
--   - Planned configuration changes by the administrator
-- author: oclog
-- date: 2026-11-25
-- match_count: 3

WITH changes AS (
    SELECT *,
        coalesce(
            nullif(regexp_extract(message, '^config change detected; evaluating reload \(([^)]*)\)', 1), ''),
            nullif(regexp_extract(message, '^Updated ([A-Za-z0-9_.*\[\]-]+)\.(?:\s|$)', 1), '')
        ) AS changed
    FROM events
    WHERE source = 'gateway-log'
      AND regexp_matches(message, '^(config change detected; evaluating reload \(|Updated [A-Za-z0-9_.*\[\]-]+\.(\s|$))')
)
SELECT
    time, "user", host, subsystem, changed AS changed_paths,
    list_filter(string_split(changed, ', '), p -> regexp_matches(p,
        '^(tools|sandbox|plugins|channels|gateway|hooks|browser|nodes|skills|secrets|mcp|approvals|logging|commands)(\.|$)|^agents\.(defaults|list|entries\.[^.]+)\.(sandbox|tools|elevated[A-Za-z]*)(\.|$)'
    )) AS security_paths,
    message, blob, line
FROM changes
WHERE len(security_paths) > 0
ORDER BY time, blob, line
