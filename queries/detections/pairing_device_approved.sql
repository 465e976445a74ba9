-- id: f26b77a9-2886-4d7e-9365-10a0e6584dc4
-- title: Device or node pairing approved
-- status: experimental
-- severity: medium
-- tags: [attack.t1098.005, attack.t1078]
-- description: The gateway approved a device or node - by an operator ("device pairing approved"), silently
--   ("device pairing auto-approved", trusted-proxy operator auto-approval) or by auto-approving a node's
--   capability surface, or answered a node.pair.approve request (device approvals already log their own
--   line). A paired device can drive the agent and, for nodes, run commands; every new one should be one
--   the user set up.
-- falsepositives:
--   - The user pairing their own phone, CLI or node host
-- author: oclog
-- date: 2026-11-25
-- match_count: 4

SELECT
    time, "user", host, subsystem, level,
    regexp_extract(message, '\b(?:device|node)=([0-9A-Za-z._:-]+)', 1) AS device,
    regexp_extract(message, '\brole=([a-z]+)', 1) AS role,
    regexp_extract(message, '(auto-approved|auto-approve|approved|approve)', 1) AS approval,
    message, blob, line
FROM events
WHERE source = 'gateway-log'
  AND regexp_matches(message,
      '^(device pairing (auto-)?approved device=|security audit: node capability surface \S+ auto-approve node=|security audit: trusted-proxy operator device auto-approved|node pairing \S+ approved|⇄ res ✓ node\.pair\.approve\b)')
ORDER BY time, blob, line
