#!/usr/bin/env bash
# Runs inside the image root after vm/provision.sh: what makes the root a bootable machine
# rather than a provisioned directory (fstab, host name, network), and the boot-check hook.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

printf '/dev/vda / ext4 rw,errors=remount-ro 0 1\n' >/etc/fstab
printf 'oclog-image\n' >/etc/hostname
printf '127.0.1.1 oclog-image\n' >>/etc/hosts

# DHCP on the first Ethernet interface, by systemd-networkd (no ifupdown).
mkdir -p /etc/systemd/network
cat >/etc/systemd/network/10-dhcp.network <<'NETWORK'
[Match]
Name=en* eth*

[Network]
DHCP=yes
NETWORK
systemctl enable systemd-networkd.service

# The boot check: runs only when the kernel command line says oclog.check (the test harness),
# so the same image boots normally everywhere else.
install -m 0755 "$here/oclog-boot-check" /usr/local/libexec/oclog-boot-check
install -m 0644 "$here/oclog-boot-check.service" /etc/systemd/system/oclog-boot-check.service
systemctl enable oclog-boot-check.service

# The boot test's one change to OpenClaw: its start-up budgets, raised for emulation (see the
# script). The list of what changed stays in the image, and the guest reports it.
install -d -m 0755 /opt/oclog/image
bash "$here/openclaw-startup-budgets.sh" "$(readlink -f /opt/openclaw/node_modules/openclaw)/dist" >/opt/oclog/image/openclaw-startup-budgets.txt
# And a diagnostic: the cause of a refused migration lock goes to the journal (see the script).
bash "$here/openclaw-lock-cause-log.sh" "$(readlink -f /opt/openclaw/node_modules/openclaw)/dist" >/opt/oclog/image/openclaw-diagnostics.txt

# Warm the gateway's compile cache: start it once here, natively, in a network namespace of its
# own, as its user and with its unit's directories. Under software emulation a cold start parses
# OpenClaw's modules for minutes, and its state-lease worker must come up within 5 s
# (hard-coded), which it cannot do cold. Only the cache is kept: the state it made (identity
# included) is removed, so every VM made from this image creates its own.
install -d -o openclaw -g openclaw -m 0700 /var/cache/openclaw /var/cache/openclaw/tmp
install -d -o openclaw -g openclaw -m 0750 /var/log/openclaw
cp -a /var/lib/openclaw/.openclaw/openclaw.json /tmp/openclaw.json.keep
warm="$(mktemp -d)"
chown openclaw: "$warm"
# The inner script gets the work directory as $1: single quotes on purpose.
# shellcheck disable=SC2016
unshare -n bash -c '
  ip link set lo up
  runuser -u openclaw -- env -i HOME=/var/lib/openclaw OPENCLAW_STATE_DIR=/var/lib/openclaw/.openclaw \
    TMPDIR=/var/cache/openclaw/tmp XDG_CACHE_HOME=/var/cache/openclaw NODE_ENV=production PATH=/usr/bin:/bin \
    OPENCLAW_GATEWAY_TOKEN="ocgw_image-build-warm-up-only-not-a-secret-0000" \
    /opt/openclaw/node_modules/.bin/openclaw gateway run --port 18789 --bind loopback >"$1/gateway.log" 2>&1 &
  gateway=$!
  for _ in $(seq 1 120); do
    curl -sf --max-time 2 http://127.0.0.1:18789/health >/dev/null && break
    sleep 1
  done
  curl -sf --max-time 2 http://127.0.0.1:18789/health >/dev/null && echo "warm-up: the gateway answered" >&2 || { echo "warm-up: the gateway did not answer in 120 s" >&2; tail -20 "$1/gateway.log" >&2; }
  kill "$gateway"
  wait "$gateway" || true
' warm "$warm"
rm -rf "$warm" /var/lib/openclaw/.openclaw /var/log/openclaw/* /var/lib/openclaw/.cache
install -d -o openclaw -g openclaw -m 0750 /var/lib/openclaw/.openclaw
install -m 0600 -o openclaw -g openclaw /tmp/openclaw.json.keep /var/lib/openclaw/.openclaw/openclaw.json
rm -f /tmp/openclaw.json.keep
du -sh /var/cache/openclaw/tmp >&2
