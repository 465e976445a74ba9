#!/usr/bin/env bash
# Idempotent set-up for a fresh machine that has only Node (>= 20) and npm:
# pnpm at the pinned version, dependencies from the lockfile, and a build.
# It prints one line per step on stderr (what it installs, how long it took) and writes the
# tools' own output (apt, npm, pnpm, tsc: about 1,000 lines on a fresh machine) to SETUP_LOG,
# so that the answer of `npm run demo` or `npm test` stays the last thing on the screen.
# A failed step prints the last 40 lines of that log and its path.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION="12.4.2"
# shellcheck source=scripts/env.sh
. scripts/env.sh
TOOLS_DIR="$OCLOG_TOOLS_DIR"
# Under the repository's ignored temp dir; rewritten on every run.
SETUP_LOG="$PWD/.oclog-tmp/setup.log"
mkdir -p "$(dirname "$SETUP_LOG")"
: >"$SETUP_LOG"

log() { printf 'setup: %s\n' "$*" >&2; }

# step LABEL COMMAND...: prints "setup: LABEL ... " (so a long step does not look hung), runs
# COMMAND with its output in the log, then ends the line with "ok N s"; on failure prints the
# log's tail and path and exits with COMMAND's status.
# COMMAND runs in an `if`, where `set -e` is off: the functions it calls return their failures.
step() {
  local label="$1" start="$SECONDS" status
  shift
  printf 'setup: %s ... ' "$label" >&2
  printf '\n== %s (%s)\n' "$label" "$*" >>"$SETUP_LOG"
  if "$@" >>"$SETUP_LOG" 2>&1; then
    printf 'ok %d s\n' "$((SECONDS - start))" >&2
    return 0
  else
    status=$?
  fi
  printf 'FAILED after %d s (exit %d)\n' "$((SECONDS - start))" "$status" >&2
  log "the last 40 lines of $SETUP_LOG:"
  tail -n 40 "$SETUP_LOG" | sed 's/^/  | /' >&2
  log "the whole log: $SETUP_LOG"
  exit "$status"
}

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  log "Node $(node --version) is too old: oclog needs Node >= 20 (install it from nodejs.org or your package manager)."
  exit 3
fi

have_pnpm() { command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]; }
install_pnpm() {
  # Global first (so `pnpm exec oclog` works in any shell); a private prefix when that is not allowed.
  if ! npm install --global --no-audit --no-fund "pnpm@$PNPM_VERSION"; then
    echo "global install refused; installing pnpm into $TOOLS_DIR (env.sh puts $TOOLS_DIR/node_modules/.bin on PATH)"
    mkdir -p "$TOOLS_DIR" || return
    npm install --prefix "$TOOLS_DIR" --no-audit --no-fund "pnpm@$PNPM_VERSION" || return
  fi
  hash -r
  have_pnpm || { echo "pnpm $PNPM_VERSION is still not on PATH after installing it"; return 3; }
}
if have_pnpm; then
  log "pnpm $PNPM_VERSION already there"
else
  step "pnpm $PNPM_VERSION (npm install)" install_pnpm
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
apt_install() { # apt_install [apt-get options...] -- packages...: the step's command, output in the log
  local options=() sudo=""
  while [ "$1" != "--" ]; do options+=("$1"); shift; done
  shift
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ -z "$apt_updated" ]; then
    $sudo apt-get update -qq || echo "apt-get update failed; trying the install with the current package lists"
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${options[@]}" "$@"
}
apt_step() { # apt_step LABEL [apt-get options...] -- packages...: installs the missing ones, one line
  local label="$1" options=() missing=()
  shift
  while [ "$1" != "--" ]; do options+=("$1"); shift; done
  shift
  mapfile -t missing < <(apt_missing "$@")
  if [ "${#missing[@]}" -eq 0 ]; then
    log "$label: all $# already installed"
  elif ! command -v apt-get >/dev/null 2>&1; then
    log "$label: apt-get not found: install ${missing[*]} yourself (the tests drive them for real)"
  else
    step "$label (${missing[*]})" apt_install "${options[@]}" -- "${missing[@]}"
  fi
}
apt_step "apt packages" -- "${APT_PACKAGES[@]}"
apt_step "apt packages without recommends" --no-install-recommends -- "${APT_PACKAGES_NO_RECOMMENDS[@]}"

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
step "pnpm install" pnpm install --frozen-lockfile --reporter=append-only
step "build" pnpm run --silent build
log "ready (node $(node --version), pnpm $(pnpm --version)); details in ${SETUP_LOG#"$PWD"/}"
