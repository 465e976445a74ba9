-- id: a4e59cc7-2434-4ec0-bd46-896ec8036d48
-- title: Config write that weakens the agent's boundaries
-- status: experimental
-- severity: high
-- tags: [attack.t1562.001, attack.t1548, atlas.aml.t0053]
-- description: An `openclaw config set|patch|unset` recorded in config-audit.jsonl whose argv turns a guard
--   off - sandbox mode off, elevated exec enabled or defaulted on, tools.fs.workspaceOnly false, an SSRF
--   allowlist or private-network opt-in (tools.web.fetch, browser, webhooks, model providers), exec security
--   full / ask off / host override, gateway auth none or a non-loopback bind, plugins or channels enabled,
--   tool allow/deny lists changed. config-audit keeps changedPaths, but the normalized event only carries the
--   argv (target.command), so writes made without the CLI (an editor, a patch file) are not judged here.
-- falsepositives:
--   - An administrator loosening a setting on purpose (check the ticket)
-- author: oclog
-- date: 2026-11-25
-- match_count: 4

WITH writes AS (
    SELECT *,
        regexp_extract(target.command,
            '(?i)(sandbox\.mode\s+"?off\b|"mode"\s*:\s*"off"|tools\.elevated\.enabled\s+"?true\b|elevated\.enabled\s+"?true\b|elevatedDefault\s+"?(on|ask|full)\b|workspaceOnly\s+"?false\b|ssrfPolicy\.(allowedHostnames|hostnameAllowlist|dangerouslyAllowPrivateNetwork|allowPrivateNetwork)\b|webhookSsrfPolicy\b|allowPrivateNetwork\s+"?true\b|tools\.exec\.(security\s+"?full|ask\s+"?off|host\s+"?(gateway|node))\b|gateway\.auth\.mode\s+"?none\b|gateway\.bind\s+"?(lan|tailnet|custom|0\.0\.0\.0)\b|plugins\.entries\.\S+\.enabled\s+"?true\b|channels\.\S+\.enabled\s+"?true\b|\b(tools|agents\.\S+\.tools)\.(allow|deny|alsoAllow|profile)\b)',
            0) AS weakening
    FROM events
    WHERE source = 'config-audit'
      AND starts_with(action, 'config.')
      AND regexp_matches(coalesce(target.command, ''), '(?i)\bconfig\s+(set|patch|unset)\b')
)
SELECT
    time, "user", host, subsystem, action, outcome,
    target.path AS config_path, target.command AS argv, weakening,
    message, blob, line
FROM writes
WHERE weakening <> ''
ORDER BY time, blob, line
