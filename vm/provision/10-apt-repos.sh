#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Node 24 (NodeSource) and Fluent Bit from their signed apt repositories: each key is fetched
# over HTTPS, accepted only with the fingerprint pinned in versions.env, and bound to its own
# repository with signed-by (never trusted for Debian's). Both packages are pinned at the
# version in versions.env, so an apt upgrade cannot move them.
set -euo pipefail
STEP=apt-repos
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# An image built where the third-party repositories are out of reach (vm/image/build.sh) takes
# Node from the bundle and goes without Fluent Bit: see 20-packages.
if [ "${OCLOG_THIRD_PARTY_APT:-1}" = 0 ]; then
  log "OCLOG_THIRD_PARTY_APT=0: no NodeSource or Fluent Bit repository"
  exit 0
fi

apt_install ca-certificates curl gpg

KEYRINGS=/etc/apt/keyrings
install -d -m 0755 "$KEYRINGS"

# add_key NAME URL FINGERPRINT: the keyring /etc/apt/keyrings/NAME.gpg, if the key is the one pinned.
add_key() {
  local name=$1 url=$2 want=$3 tmp got
  tmp="$(mktemp -d)"
  curl -fsSL --proto '=https' --tlsv1.2 "$url" -o "$tmp/key.asc"
  gpg --batch --quiet --dearmor <"$tmp/key.asc" >"$tmp/key.gpg"
  got="$(gpg --batch --with-colons --show-keys "$tmp/key.gpg" | awk -F: '$1 == "fpr" { print $10; exit }')"
  [ "$got" = "$want" ] || die "$url has key fingerprint '${got:-none}', expected $want: not trusting it"
  install_file "$tmp/key.gpg" "$KEYRINGS/$name.gpg" 0644 root root
  rm -rf "$tmp"
}

add_key nodesource https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key "$NODESOURCE_KEY_FINGERPRINT"
add_key fluent-bit https://packages.fluentbit.io/fluentbit.key "$FLUENT_BIT_KEY_FINGERPRINT"

codename="$(. /etc/os-release && printf '%s' "$VERSION_CODENAME")"
install_text /etc/apt/sources.list.d/oclog-thirdparty.sources 0644 root root <<SOURCES
Types: deb
URIs: https://deb.nodesource.com/node_${NODE_MAJOR}.x
Suites: nodistro
Components: main
Signed-By: $KEYRINGS/nodesource.gpg

Types: deb
URIs: https://packages.fluentbit.io/debian/$codename
Suites: $codename
Components: main
Signed-By: $KEYRINGS/fluent-bit.gpg
SOURCES

# Pins: nothing from those repositories but these two packages, at exactly these versions
# (one Pin per stanza; a package-specific stanza wins over the catch-all).
install_text /etc/apt/preferences.d/oclog-pins 0644 root root <<PINS
Package: *
Pin: origin deb.nodesource.com
Pin-Priority: -1

Package: nodejs
Pin: version $NODE_DEB_VERSION
Pin-Priority: 1001

Package: *
Pin: origin packages.fluentbit.io
Pin-Priority: -1

Package: fluent-bit
Pin: version $FLUENT_BIT_DEB_VERSION
Pin-Priority: 1001
PINS

if changed "/etc/apt/*"; then
  apt-get update -qq
fi
