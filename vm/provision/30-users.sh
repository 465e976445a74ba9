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

# Rootless Podman needs a subordinate id range for the sandbox user (OpenClaw starts its
# sandboxes with --userns=keep-id). 65536 ids after every range already handed out.
for file in /etc/subuid /etc/subgid; do
  touch "$file"
  if ! grep -q '^openclaw-sandbox:' "$file"; then
    start="$(awk -F: 'BEGIN { end = 100000 } { if ($2 + $3 > end) end = $2 + $3 } END { print end }' "$file")"
    printf 'openclaw-sandbox:%s:65536\n' "$start" >>"$file"
    log "gave openclaw-sandbox the ids $start-$((start + 65535)) in $file"
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
