#!/usr/bin/env bash
# Idempotent set-up for a fresh machine that has only Node (>= 20) and npm:
# pnpm at the pinned version, dependencies from the lockfile, and a build.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION="12.4.2"
# shellcheck source=scripts/env.sh
. scripts/env.sh
TOOLS_DIR="$OCLOG_TOOLS_DIR"

log() { printf 'setup: %s\n' "$*" >&2; }

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  log "Node $(node --version) is too old: oclog needs Node >= 20 (install it from nodejs.org or your package manager)."
  exit 3
fi

have_pnpm() { command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]; }
if ! have_pnpm; then
  log "installing pnpm@$PNPM_VERSION"
  # Global first (so `pnpm exec oclog` works in any shell); a private prefix when that is not allowed.
  if ! npm install --global --no-audit --no-fund "pnpm@$PNPM_VERSION" >&2; then
    log "global install refused; installing pnpm into $TOOLS_DIR (add $TOOLS_DIR/node_modules/.bin to PATH)"
    mkdir -p "$TOOLS_DIR"
    npm install --prefix "$TOOLS_DIR" --no-audit --no-fund "pnpm@$PNPM_VERSION" >&2
  fi
  hash -r
  have_pnpm || { log "pnpm $PNPM_VERSION is still not on PATH after installing it"; exit 3; }
fi

# System packages the tests drive for real: Debian's Chromium (report.html is opened headless),
# LuaJIT with lua-cjson (the redaction filter runs under the same Lua engine Fluent Bit embeds;
# OpenResty's luajit2, because Debian's luajit conflicts with the nginx Lua module's libluajit2),
# zstd (the collector tests compress transcript rows the way OpenClaw stores them), nginx with
# the Lua module (the expiry gate runs in it) and wrk (the gate benchmark).
APT_PACKAGES=(chromium luajit2 lua-cjson zstd nginx libnginx-mod-http-lua wrk)
# The VM bundle's checks: shellcheck (provisioning scripts), nftables (`nft -c` on the egress
# ruleset), vagrant (`vagrant validate --ignore-provider`), mmdebstrap and QEMU (the image build
# and its boot test). Without their recommends: vagrant recommends vagrant-libvirt, which drags
# in libvirt, a desktop QEMU and a kernel (5 minutes).
APT_PACKAGES_NO_RECOMMENDS=(shellcheck nftables vagrant mmdebstrap qemu-system-x86 e2fsprogs)
# Real Fluent Bit (../shared/fluent-bit/bin/fluent-bit-5.1.1, its README lists these) runs the
# generated pipeline in test/pipeline/: its run-time libraries; openssl for the throw-away CA
# that Azurite's HTTPS and Fluent Bit's tls.ca_file share; systemd-journal-remote writes real
# journal files from export format for the pipeline's two systemd inputs (no journald runs here).
APT_PACKAGES_NO_RECOMMENDS+=(libyaml-0-2 libsqlite3-0 libssl3 libsystemd0 libstdc++6 libzstd1 liblz4-1 liblzma5 libgcrypt20 libcap2 openssl systemd-journal-remote)
# socat carries each connection of the booted image's guest to the test's Azurite and model on
# loopback (QEMU's guestfwd runs it per connection: test/vm-boot/qemu.ts).
APT_PACKAGES_NO_RECOMMENDS+=(socat)

apt_missing() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || printf '%s\n' "$pkg"
  done
}
apt_updated=""
apt_install() { # apt_install [apt-get options...] -- packages...
  local options=() missing=()
  while [ "$1" != "--" ]; do options+=("$1"); shift; done
  shift
  mapfile -t missing < <(apt_missing "$@")
  [ "${#missing[@]}" -gt 0 ] || return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    log "apt-get not found: install ${missing[*]} yourself (the tests drive them for real)"
    return 0
  fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log "installing ${missing[*]} from Debian's repositories"
  if [ -z "$apt_updated" ]; then
    $sudo apt-get update -qq >&2 || log "apt-get update failed; trying the install with the current package lists"
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${options[@]}" "${missing[@]}" >&2
}
apt_install -- "${APT_PACKAGES[@]}"
apt_install --no-install-recommends -- "${APT_PACKAGES_NO_RECOMMENDS[@]}"

# better-sqlite3 (the collector's SQLite reader) is compiled by node-gyp: no prebuilt binary is
# reachable, and node-gyp must use the Node headers on this machine instead of downloading them.
# npm's own `nodedir` setting says where they are; pnpm does not pass it on by itself.
if [ -z "${npm_config_nodedir:-}" ]; then
  nodedir="$(npm config get nodedir 2>/dev/null || true)"
  if [ -n "$nodedir" ] && [ "$nodedir" != "undefined" ] && [ "$nodedir" != "null" ]; then
    export npm_config_nodedir="$nodedir"
  elif [ -f /usr/include/node/node.h ]; then
    export npm_config_nodedir=/usr
  fi
fi

# The lockfile is the truth: a package.json that disagrees with it fails here, not later.
pnpm install --frozen-lockfile --reporter=append-only >&2
pnpm run --silent build >&2
log "ready (node $(node --version), pnpm $(pnpm --version))"
