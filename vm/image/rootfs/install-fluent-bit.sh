#!/usr/bin/env bash
# Runs inside the image root before vm/provision.sh: installs Fluent Bit the way its Debian
# package from packages.fluentbit.io does (that repository is out of reach where the image is
# built), from the upstream build the tests use ($1: vm/image/build.sh copies in
# ../shared/fluent-bit/bin/fluent-bit-5.1.1 from beside the repository; its README says how it
# was built): the program at the package's path, the unit the package ships
# (fluent-bit.service beside this script: upstream's init/systemd.in as the package renders
# it, running Fluent Bit as root with fluent-bit.conf), and the Debian libraries it links.
# Provisioning then treats it as installed: it enables the unit and adds oclog's drop-in, which
# replaces ExecStart and sandboxes it, as on a VM with the package.
#   bash install-fluent-bit.sh /tmp/oclog-image/fluent-bit-bin/fluent-bit
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
binary="${1:?usage: install-fluent-bit.sh PATH-OF-THE-FLUENT-BIT-BINARY}"
log() { printf 'install-fluent-bit: %s\n' "$*" >&2; }

# What the upstream build links (its README's list), by Debian 13's package names.
libraries=(libyaml-0-2 libsqlite3-0 libssl3t64 libsystemd0 libstdc++6 libzstd1 liblz4-1 liblzma5 libgcrypt20 libcap2)
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${libraries[@]}" >&2

install -D -m 0755 -o root -g root "$binary" /opt/fluent-bit/bin/fluent-bit
install -D -m 0644 -o root -g root "$here/fluent-bit.service" /usr/lib/systemd/system/fluent-bit.service
missing="$(ldd /opt/fluent-bit/bin/fluent-bit | awk '/not found/ { print $1 }' | paste -sd' ' -)"
[ -z "$missing" ] || { log "libraries still missing: $missing"; exit 1; }
log "installed $(/opt/fluent-bit/bin/fluent-bit --version | head -1) as /opt/fluent-bit/bin/fluent-bit with the package's fluent-bit.service"
