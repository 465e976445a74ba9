#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# The oclog CLI (collector, guard, SAS install) into /opt/oclog/lib, from the bundle's install of
# the `oclog` npm package (`pnpm run pack:cli`, installed on the host by vm/bundle.sh with
# --ignore-scripts). Nothing is compiled here: on this Node (24) the collector reads SQLite
# through the built-in node:sqlite (packages/collect/src/sqlite-driver.ts), so the package's
# better-sqlite3 stays unbuilt and is never loaded, and no compiler comes onto the VM.
set -euo pipefail
STEP=oclog
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

TARBALL="$OCLOG_BUNDLE/oclog-cli.tar.gz"
[ -f "$TARBALL" ] || die "no $TARBALL in the bundle (task bundle makes it)"
want="$(sha256sum "$TARBALL" | cut -d' ' -f1)"
have="$(cat /opt/oclog/lib/.bundle-sha256 2>/dev/null || true)"

if [ "$want" != "$have" ]; then
  log "installing the oclog CLI ($want)"
  rm -rf /opt/oclog/lib.new
  install -d -m 0755 /opt/oclog/lib.new
  tar -xzf "$TARBALL" -C /opt/oclog/lib.new --no-same-owner
  # Installed without scripts on the host, so no addon was built for the host's Node; a build
  # left there by hand would be for the wrong Node: never carried over.
  rm -rf /opt/oclog/lib.new/node_modules/better-sqlite3/build
  node -e 'require("node:sqlite")' 2>/dev/null || die "this Node ($(node --version)) has no node:sqlite, which the collector needs here (vm/versions.env pins Node 24)"
  printf '%s\n' "$want" >/opt/oclog/lib.new/.bundle-sha256
  chown -R root:root /opt/oclog/lib.new
  chmod -R go-w /opt/oclog/lib.new
  rm -rf /opt/oclog/lib.old
  [ ! -d /opt/oclog/lib ] || mv /opt/oclog/lib /opt/oclog/lib.old
  mv /opt/oclog/lib.new /opt/oclog/lib
  rm -rf /opt/oclog/lib.old
  mark_changed /opt/oclog/lib
fi

install_text /opt/oclog/bin/oclog 0755 root root <<'WRAPPER'
#!/bin/sh
exec /usr/bin/node /opt/oclog/lib/bin/oclog.js "$@"
WRAPPER
/opt/oclog/bin/oclog --version >/dev/null || die "the installed oclog CLI does not run"
install_file "$VM_DIR/README.md" /opt/oclog/vm/README.md 0644 root root
install_file "$VM_DIR/bin/oclog-vm-status" /opt/oclog/bin/oclog-vm-status 0755 root root
install_file "$VM_DIR/bin/oclog-vm-logs-dump" /opt/oclog/bin/oclog-vm-logs-dump 0700 root root
