#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# nginx with the expiry gate (vm/nginx/) in front of the gateway: the only way in, on the
# port Vagrant forwards, with a JSON access log for the pipeline and the hardened drop-in.
set -euo pipefail
STEP=nginx
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

GATE_PORT="${OCLOG_GATE_PORT:-8080}"
VM_NAME="${OCLOG_VM_NAME:-$(hostname)}"

install_file "$VM_DIR/nginx/gate.lua" /usr/share/oclog/nginx/gate.lua 0644 root root
sed -e "s|@LISTEN@|$GATE_PORT|g" -e "s|@UPSTREAM@|127.0.0.1:18789|g" -e "s|@LUA_DIR@|/usr/share/oclog/nginx|g" \
  -e "s|@STATE_FILE@|/run/oclog/sas-state.json|g" -e "s|@VM_NAME@|$VM_NAME|g" \
  -e "s|@ACCESS_LOG@|/var/log/nginx/oclog-access.json|g" "$VM_DIR/nginx/oclog-gateway.conf" |
  install_text /etc/nginx/conf.d/oclog-gateway.conf 0644 root root

# The PID file moves into nginx's RuntimeDirectory (ProtectSystem=strict leaves /run read-only),
# and Debian's default site goes (port 80 would need CAP_NET_BIND_SERVICE, which the drop-in drops).
if grep -q '^pid /run/nginx.pid;' /etc/nginx/nginx.conf; then
  sed -i 's|^pid /run/nginx.pid;|pid /run/nginx/nginx.pid;|' /etc/nginx/nginx.conf
  mark_changed /etc/nginx/nginx.conf
fi
if [ -e /etc/nginx/sites-enabled/default ]; then
  rm -f /etc/nginx/sites-enabled/default
  mark_changed /etc/nginx/sites-enabled/default
fi

install_file "$VM_DIR/systemd/nginx.service.d/oclog.conf" /etc/systemd/system/nginx.service.d/oclog.conf 0644 root root
# Forwarded connections come from the VM's default gateway (VirtualBox NAT: 10.0.2.2), which
# the drop-in's localhost-only IPAddressAllow= would drop: allow exactly that address too.
gateway_ip=""
in_image || gateway_ip="$(ip -4 route show default | awk '{ print $3; exit }')"
if [ -n "$gateway_ip" ]; then
  install_text /etc/systemd/system/nginx.service.d/oclog-forward.conf 0644 root root <<FORWARD
# Written by vm/provision/70-nginx.sh: the host side of Vagrant's port forward.
[Service]
IPAddressAllow=$gateway_ip
FORWARD
fi
# nginx -t opens the PID file's directory, which systemd creates only when it starts nginx.
install -d -m 0755 /run/nginx
nginx -t -q || die "nginx -t failed on the installed configuration"
