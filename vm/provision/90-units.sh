#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# The units (vm/systemd/), enabled; services whose files changed in this run are restarted.
set -euo pipefail
STEP=units
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

for unit in openclaw.service oclog-collect.service oclog-guard.service oclog-guard.timer \
  openclaw-sandbox-podman.service openclaw-sandbox-podman.socket; do
  install_file "$VM_DIR/systemd/$unit" "/etc/systemd/system/$unit" 0644 root root
done
systemctl_now daemon-reload

systemctl_now enable nftables.service openclaw-sandbox-podman.socket openclaw.service \
  nginx.service oclog-collect.service oclog-guard.timer
# list-unit-files reads the unit directories, so it also answers in an image root, where
# `systemctl cat` needs a running systemd and says no.
fluent_bit_installed() { systemctl list-unit-files --no-legend fluent-bit.service 2>/dev/null | grep -q .; }
if fluent_bit_installed; then
  systemctl_now enable fluent-bit.service
else
  log "fluent-bit.service does not exist (Fluent Bit not installed): nothing ships until it is"
fi

# Order matters: the record and the pipeline before the gateway, the gate last.
restart_if() { # restart_if UNIT GLOB...
  local unit=$1 glob
  shift
  for glob in "$@"; do
    if changed "$glob"; then
      systemctl_now restart "$unit"
      return 0
    fi
  done
  systemctl_now start "$unit"
}
restart_if nftables.service "/etc/nftables.d/*" "/etc/oclog/egress-*"
if fluent_bit_installed; then
  restart_if fluent-bit.service "/etc/fluent-bit/*" "/etc/systemd/system/fluent-bit.service.d/*"
fi
restart_if openclaw-sandbox-podman.socket "/etc/systemd/system/openclaw-sandbox-podman.*"
restart_if openclaw.service "/etc/systemd/system/openclaw.service" "/opt/openclaw/*" "/var/lib/openclaw/*" "/opt/oclog/libexec/*"
restart_if oclog-collect.service "/etc/systemd/system/oclog-collect.service" /opt/oclog/lib
restart_if oclog-guard.timer "/etc/systemd/system/oclog-guard.*"
restart_if nginx.service "/etc/nginx/*" "/usr/share/oclog/nginx/*" "/etc/systemd/system/nginx.service.d/*"
