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
