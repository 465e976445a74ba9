-- id: 51b701d6-2a22-4c7e-a559-485f912cfd2d
-- title: Agent tool touched secret material
-- status: experimental
-- severity: high
-- tags: [attack.t1552.001, attack.t1552.004, attack.t1555, atlas.aml.t0055]
-- description: A read-style tool call (read, exec, browser, web_fetch, ...) named a file that holds
--   credentials - SSH keys, .env files, cloud CLI credentials (.aws, .azure, .config/gcloud), .kube/config,
--   .netrc, .git-credentials, docker and package registry tokens, /etc/shadow - or OpenClaw's own secrets
--   (openclaw.json with the gateway token, gateway.token, .openclaw/.env, credentials/, identity/,
--   secrets.json, auth-profiles.json). Writes are left to the persistence rule.
-- falsepositives:
--   - A developer asking the agent to load a project's .env on purpose
--   - Listing ~/.ssh while debugging an SSH setup
-- author: oclog
-- date: 2026-11-25
-- match_count: 5

WITH calls AS (
    SELECT *, concat_ws(' ', target.path, target.url, target.command) AS subject
    FROM events
    WHERE action IN ('tool.call', 'tool.result')
      AND coalesce(gen_ai.tool.name, '') NOT IN ('write', 'edit', 'apply_patch')
      AND (target.path IS NOT NULL OR target.url IS NOT NULL OR target.command IS NOT NULL)
    -- One tool call is recorded by the transcript, the trajectory and the runtime trajectory.
    QUALIFY row_number() OVER (
        PARTITION BY "user", host, gen_ai.tool.name, coalesce(gen_ai.tool.call.id, blob || ':' || line)
        ORDER BY session_id IS NULL, source <> 'transcript', time, blob, line
    ) = 1
),
matched AS (
    SELECT *,
        regexp_extract(subject,
            '(?i)(\.ssh/[^\s"'';|&]*|\bid_(rsa|dsa|ecdsa|ed25519)\b|(?:^|[\s/"''=~:])\.env(\.[a-z0-9_-]+)?(\s|$|["'';|&)])|\.aws/(credentials|config)|\.azure/[^\s"'';|&]*|\.config/gcloud[^\s"'';|&]*|\.kube/config|\.netrc|\.git-credentials|\.docker/config\.json|\.pgpass|\.npmrc|\.pypirc|\.gnupg/|/etc/shadow|\.openclaw/(\.env|gateway\.token|secrets\.json|credentials|identity)[^\s"'';|&]*|auth-profiles\.json|openclaw\.json)',
            0) AS secret
    FROM calls
)
SELECT
    time, "user", host, session_id, source, action,
    gen_ai.tool.name AS tool, gen_ai.tool.call.id AS call_id,
    target.path AS path, target.url AS url, target.command AS command, trim(secret) AS secret,
    message, blob, line
FROM matched
WHERE secret <> ''
  AND NOT regexp_matches(secret, '(?i)\.env\.(example|sample|template|dist)')
ORDER BY time, blob, line
