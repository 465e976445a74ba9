#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Service users and groups (vm/sysusers.d/oclog.conf, by systemd-sysusers) and the runtime
# directories (vm/tmpfiles.d/oclog.conf). sysusers only adds what is missing.
set -euo pipefail
STEP=users
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

install_file "$VM_DIR/sysusers.d/oclog.conf" /etc/sysusers.d/oclog.conf 0644 root root
install_file "$VM_DIR/tmpfiles.d/oclog.conf" /etc/tmpfiles.d/oclog.conf 0644 root root
systemd-sysusers /etc/sysusers.d/oclog.conf
systemd-tmpfiles --create /etc/tmpfiles.d/oclog.conf

# Rootless Podman with a single-uid mapping (see openclaw-sandbox-podman.service): the sandbox
# user gets no subordinate id range, so no setuid newuidmap runs for it.
for file in /etc/subuid /etc/subgid; do
  if [ -f "$file" ] && grep -q '^openclaw-sandbox:' "$file"; then
    sed -i '/^openclaw-sandbox:/d' "$file"
    log "removed openclaw-sandbox's range from $file"
  fi
done

# The docker group is root on the host; nobody of ours may be in it (there is no Docker here,
# but a later install of it must not quietly hand it to the gateway).
for user in openclaw openclaw-sandbox fluent-bit oclog-collect oclog-guard; do
  if id -nG "$user" | tr ' ' '\n' | grep -qx docker; then
    gpasswd -d "$user" docker
    log "removed $user from the docker group"
  fi
done
