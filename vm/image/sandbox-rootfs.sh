#!/usr/bin/env bash
# The sandbox image's root filesystem for the boot-test image, as a tarball, made from Debian's
# packages by mmdebstrap with vm/podman/sandbox.Containerfile's recipe: a VM builds that file
# with `podman build` from docker.io (vm/provision/45-sandbox.sh), which is out of reach here,
# so the base is Debian 13 `minbase` without documentation, manuals and locales (what
# debian:trixie-slim is), the packages are the ones its `apt-get install` names and its other
# RUN lines run in the root. USER, WORKDIR and CMD are
# applied when the tarball is imported (rootfs/setup.sh). Run by vm/image/build.sh.
#   bash vm/image/sandbox-rootfs.sh CONTAINERFILE OUT.tar
set -euo pipefail
containerfile="${1:?usage: sandbox-rootfs.sh CONTAINERFILE OUT.tar}"
out="${2:?usage: sandbox-rootfs.sh CONTAINERFILE OUT.tar}"

# The RUN lines, continuation lines joined.
runs="$(sed -e ':a' -e '/\\$/{N;s/\\\n//;ba' -e '}' "$containerfile" | sed -n 's/^RUN[[:space:]]\+//p')"
packages="$(printf '%s\n' "$runs" | sed -n 's/.*apt-get install\([^&]*\).*/\1/p' | tr -s ' \t' '\n' | grep -v -e '^-' -e '^$' | paste -sd, -)"
[ -n "$packages" ] || { echo "sandbox-rootfs: no apt-get install in $containerfile" >&2; exit 1; }
hooks=()
while IFS= read -r command; do
  # The apt line is mmdebstrap's --include; the rest run in the root as the Containerfile says.
  case "$command" in *apt-get*) continue ;; esac
  # shellcheck disable=SC2016 # $1 is mmdebstrap's root, expanded by the hook's shell
  hooks+=(--customize-hook='chroot "$1" sh -c '"$(printf '%q' "$command")")
done <<<"$runs"
slim=(--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' --dpkgopt='path-exclude=/usr/share/locale/*')
mmdebstrap --mode=root --variant=minbase --include="$packages" "${slim[@]}" "${hooks[@]}" \
  trixie "$out" http://deb.debian.org/debian >&2
# The image must carry no setuid or setgid bit (see the Containerfile): Podman could create no
# sandbox from it on the VM, and that shows only minutes into a boot.
marked="$(tar -tvf "$out" | awk '$1 ~ /[sS]/')"
[ -z "$marked" ] || { printf 'sandbox-rootfs: setuid/setgid entries left in %s:\n%s\n' "$out" "$marked" >&2; exit 1; }
