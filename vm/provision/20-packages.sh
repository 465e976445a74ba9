#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Everything the VM runs, from apt: Node 24 and Fluent Bit at the versions pinned in
# versions.env (their signed repositories, 10-apt-repos), the rest from Debian.
set -euo pipefail
STEP=packages
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

debian=(
  nginx libnginx-mod-http-lua lua-cjson # the gate (vm/nginx); lua-cjson is not pulled in by the module
  podman uidmap catatonit               # rootless Podman for the tool sandbox; newuidmap for its id range;
                                        # catatonit for OpenClaw's `--init` (not pulled in without recommends)
  nftables                              # the egress record
  sqlite3 jq                            # looking at OpenClaw's state and the JSON logs by hand (task shell)
)
apt_install "${debian[@]}" "nodejs=$NODE_DEB_VERSION" "fluent-bit=$FLUENT_BIT_DEB_VERSION"

node_version="$(node --version)"
[ "$node_version" = "v$NODE_VERSION" ] || die "node is $node_version after the install, expected v$NODE_VERSION"
