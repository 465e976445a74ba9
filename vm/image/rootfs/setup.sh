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
install -m 0644 "$here/oclog-online-cpus.service" /etc/systemd/system/oclog-online-cpus.service
systemctl enable oclog-online-cpus.service
systemctl enable oclog-boot-check.service

# The boot test's one change to OpenClaw: its start-up budgets, raised for emulation (see the
# script). The list of what changed stays in the image, and the guest reports it.
install -d -m 0755 /opt/oclog/image
bash "$here/openclaw-startup-budgets.sh" "$(readlink -f /opt/openclaw/node_modules/openclaw)/dist" >/opt/oclog/image/openclaw-startup-budgets.txt
# And a diagnostic: the cause of a refused migration lock goes to the journal (see the script).
bash "$here/openclaw-lock-cause-log.sh" "$(readlink -f /opt/openclaw/node_modules/openclaw)/dist" >/opt/oclog/image/openclaw-diagnostics.txt

# The script that imports the sandbox image's root (/opt/oclog/image/sandbox-rootfs.tar, made
# from the Containerfile's recipe by ../sandbox-rootfs.sh) into openclaw-sandbox's rootless
# store: the boot check runs it in the guest while the gateway starts. Not here: no user
# namespace can be made in a chroot, and rootless Podman needs one.
install -m 0755 "$here/oclog-import-sandbox-image" /usr/local/libexec/oclog-import-sandbox-image
sed -n 's/^SANDBOX_IMAGE=//p' /tmp/oclog-bundle/vm/versions.env >/opt/oclog/image/sandbox-image-name

# The gateway's first start, done here at build time (the Packer way: natively, at host speed):
# start it once in a network namespace of its own, as its user, with its unit's directories and
# environment, until it answers /health; then stop it. What that start did once for every VM
# stays in the image: Node's compile cache (a cold start parses OpenClaw's modules for minutes
# under emulation) and the state it migrated and created (schema, migration receipts, machine
# state; on a fresh state directory every start first runs OpenClaw's legacy-state migrations).
# What belongs to one machine goes, as an image build removes SSH host keys: the device identity
# and the config revision key (rootfs/openclaw-scrub-state.mjs), the config journal's
# fingerprint key, lock files, logs. OpenClaw creates each of them again at its first start in
# a VM (the guest reports that its identity is its own). The list of what was kept and removed
# stays in the image (/opt/oclog/image/openclaw-first-start.txt) and the guest reports it.
install -d -o openclaw -g openclaw -m 0700 /var/cache/openclaw /var/cache/openclaw/tmp
install -d -o openclaw -g openclaw -m 0750 /var/log/openclaw
state=/var/lib/openclaw/.openclaw
cp -a "$state/openclaw.json" /tmp/openclaw.json.keep
warm="$(mktemp -d)"
chown openclaw: "$warm"
# The inner script gets the work directory as $1: single quotes on purpose.
# shellcheck disable=SC2016
unshare -n bash -c '
  ip link set lo up
  runuser -u openclaw -- env -i HOME=/var/lib/openclaw OPENCLAW_STATE_DIR=/var/lib/openclaw/.openclaw \
    TMPDIR=/var/cache/openclaw/tmp XDG_CACHE_HOME=/var/cache/openclaw NODE_ENV=production PATH=/usr/bin:/bin \
    OPENCLAW_GATEWAY_TOKEN="ocgw_image-build-first-start-only-not-a-secret" \
    /opt/openclaw/node_modules/.bin/openclaw gateway run --port 18789 --bind loopback >"$1/gateway.log" 2>&1 &
  gateway=$!
  for _ in $(seq 1 180); do
    curl -sf --max-time 2 http://127.0.0.1:18789/health >/dev/null && break
    sleep 1
  done
  answered=0
  curl -sf --max-time 2 http://127.0.0.1:18789/health >/dev/null && answered=1
  kill "$gateway"
  wait "$gateway" || true
  # runuser returns when its child does, but a process of the gateway may still be closing the
  # state database: the scrub below is only clean once it is the last to open it (SQLite removes
  # the WAL file on the last close; a build once failed on a -wal left by a gateway still shutting
  # down). Matched by the file, not by the user: the host may run processes with the same uid.
  db=/var/lib/openclaw/.openclaw/state/openclaw.sqlite
  holders() { for p in $(pgrep -u openclaw); do for fd in /proc/"$p"/fd/*; do [ "$(readlink "$fd" 2>/dev/null)" = "$db" ] && { echo "$p"; break; }; done; done; }
  for _ in $(seq 1 60); do [ -z "$(holders)" ] && break; sleep 1; done
  if [ -n "$(holders)" ]; then echo "first start: the state database is still open 60 s after the stop, by: $(holders | xargs)" >&2; exit 1; fi
  if [ "$answered" = 1 ]; then echo "first start: the gateway answered /health" >&2; else echo "first start: the gateway did not answer in 180 s" >&2; tail -40 "$1/gateway.log" >&2; exit 1; fi
' first-start "$warm"
rm -rf "$warm"
{
  echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) by OpenClaw $(runuser -u openclaw -- /usr/bin/node -p 'require("/opt/openclaw/node_modules/openclaw/package.json").version')"
  runuser -u openclaw -- /usr/bin/node --no-warnings "$here/openclaw-scrub-state.mjs" "$state/state/openclaw.sqlite"
} >/opt/oclog/image/openclaw-first-start.txt
# openclaw.json.last-good: the gateway's copy of a config that has run well for a while, written
# only when the first start lasts long enough (a build failed on it once): the config is
# reinstalled below, so its copy goes.
rm -rf "$state/config-journal-fingerprint.key" "$state/openclaw.json.last-good" "$state/tmp" "$state/cache" /var/cache/openclaw/openclaw-sqlite-* /var/log/openclaw/* /var/lib/openclaw/.cache
echo "removed config-journal-fingerprint.key, openclaw.json.last-good, lock files, caches, logs" >>/opt/oclog/image/openclaw-first-start.txt
install -m 0600 -o openclaw -g openclaw /tmp/openclaw.json.keep "$state/openclaw.json"
rm -f /tmp/openclaw.json.keep
# Nothing but what is listed stays: the state directory holds the config and the state database.
unexpected="$(find "$state" -mindepth 1 ! -path "$state/openclaw.json" ! -path "$state/state" ! -path "$state/state/openclaw.sqlite")"
[ -z "$unexpected" ] || { echo "first start: unexpected files left in $state: $unexpected" >&2; exit 1; }
cat /opt/oclog/image/openclaw-first-start.txt >&2
du -sh /var/cache/openclaw/tmp >&2
