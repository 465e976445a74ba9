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
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    log "installing ${missing[*]} from Debian's repositories"
    $sudo apt-get update -qq >&2 || log "apt-get update failed; trying the install with the current package lists"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
  else
    log "apt-get not found: install ${missing[*]} yourself (the browser test of report.html needs it)"
  fi
fi

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
