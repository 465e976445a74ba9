#!/usr/bin/env bash
# Raises nine hard-coded budgets of OpenClaw 2026.9.6 in the boot-test image only
# (rootfs/setup.sh; the Vagrant path never runs this). Software emulation runs the guest about
# 20-40 times slower than the host, and the gateway's first start misses five of them: the
# state-lease heartbeat worker must be up within 5 s, and four migration/maintenance locks are
# waited for 250 ms. It exits 78 ("startup migrations did not complete cleanly") and systemd restarts it into
# the same failure. The same happens natively on a slow machine: the unchanged gateway under a
# 5% CPU quota failed after 260 s, with these budgets raised it answered /health after 471 s.
# And four budgets of the sandbox's container engine: every `podman` call OpenClaw makes to probe
# the engine or inspect a sandbox gets 5 s (4.5 s to reap a sandboxed process), and under
# emulation the first `podman info` alone, which socket-activates the sandbox's Podman service,
# takes longer: the agent turn failed with SandboxProvisioningError ("Aborted") after 10 s.
# Every budget stays finite, and nothing the boot test checks (sandbox, files, token, gate)
# depends on them. The files are named exactly: a new OpenClaw version fails here, loudly.
# usage: openclaw-startup-budgets.sh DIST_DIR
set -euo pipefail
dist=$1
raise() { # FILE FROM TO (FROM is a sed pattern that must match)
  local file="$dist/$1"
  [ -f "$file" ] || { echo "openclaw-startup-budgets: $file is missing (OpenClaw version changed? update this list)" >&2; exit 1; }
  grep -q -- "$2" "$file" || { echo "openclaw-startup-budgets: '$2' not in $file (update this list)" >&2; exit 1; }
  # A new file, not an edit in place: the package store may hard-link the original.
  sed "s/$2/$3/g" "$file" >"$file.new"
  chmod --reference="$file" "$file.new"
  mv "$file.new" "$file"
  echo "$1: $2 -> $3"
}
raise openclaw-state-lease-heartbeat-shared-D-D6j71P.mjs 'const LEASE_HEARTBEAT_START_TIMEOUT_MS = 5e3;' 'const LEASE_HEARTBEAT_START_TIMEOUT_MS = 12e4;'
raise state-migrations.lock-CC3fInLn.mjs 'timeoutMs: 250$' 'timeoutMs: 3e4'
raise state-migrations.doctor-Bb26RMA2.mjs 'timeoutMs: 250$' 'timeoutMs: 3e4'
raise doctor-sqlite-maintenance-lock-7TRGuHpb.mjs 'const MAINTENANCE_LOCK_TIMEOUT_MS = 250;' 'const MAINTENANCE_LOCK_TIMEOUT_MS = 3e4;'
raise state-migrations.plugin-doctor-DlRpG3T4.mjs 'const PLUGIN_DOCTOR_MIGRATION_LOCK_TIMEOUT_MS = 250;' 'const PLUGIN_DOCTOR_MIGRATION_LOCK_TIMEOUT_MS = 3e4;'
raise docker-CX-KvCdd.mjs 'const SANDBOX_ENGINE_PROBE_TIMEOUT_MS = 5e3;' 'const SANDBOX_ENGINE_PROBE_TIMEOUT_MS = 12e4;'
raise docker-CX-KvCdd.mjs 'AbortSignal.timeout(5e3)' 'AbortSignal.timeout(12e4)'
raise fs-bridge-stat-parse-DNTvFl0T.mjs 'AbortSignal.timeout(5e3)' 'AbortSignal.timeout(12e4)'
raise fs-bridge-stat-parse-DNTvFl0T.mjs 'const SANDBOX_PROCESS_REAP_TIMEOUT_MS = 4500;' 'const SANDBOX_PROCESS_REAP_TIMEOUT_MS = 12e4;'
