# shellcheck shell=bash
# shellcheck source-path=SCRIPTDIR
# Shared by the provisioning steps (vm/provision/NN-*.sh): logging, pinned versions, and
# installs that change nothing when the target is already right, so every step can run again.

# The bundle: this vm/ directory plus fluent-bit/ and the oclog CLI, uploaded by Vagrant (or
# copied into an image root). Steps read only from here, never from the network, except apt
# and the pnpm install of OpenClaw (both checked by signatures or integrity hashes).
OCLOG_BUNDLE="${OCLOG_BUNDLE:-/tmp/oclog-bundle}"
VM_DIR="$OCLOG_BUNDLE/vm"

# shellcheck source=../versions.env
. "$VM_DIR/versions.env"

log() { printf 'provision[%s]: %s\n' "${STEP:-?}" "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "provisioning runs as root (Vagrant's shell provisioner does; in an image build, chroot as root)"
[ -d "$VM_DIR" ] || die "no bundle at $OCLOG_BUNDLE (set OCLOG_BUNDLE to the directory holding vm/ and fluent-bit/)"

# Files installed by this step; with OCLOG_CHANGES (set by provision.sh) also by the steps
# before it, so 90-units restarts only the services whose files changed.
CHANGED=()
OCLOG_CHANGES="${OCLOG_CHANGES:-/dev/null}"
mark_changed() {
  CHANGED+=("$1")
  printf '%s\n' "$1" >>"$OCLOG_CHANGES"
}

# install_file SRC DEST MODE OWNER GROUP: copies when content, mode or owner differ.
install_file() {
  local src=$1 dest=$2 mode=$3 owner=$4 group=$5
  [ -f "$src" ] || die "missing in the bundle: $src"
  if [ -f "$dest" ] && cmp -s "$src" "$dest" && [ "$(stat -c '%a %U %G' "$dest")" = "${mode#0} $owner $group" ]; then
    return 0
  fi
  install -D -m "$mode" -o "$owner" -g "$group" "$src" "$dest"
  mark_changed "$dest"
  log "installed $dest ($mode $owner:$group)"
}

# install_text DEST MODE OWNER GROUP < content: install_file for generated content.
install_text() {
  local tmp
  tmp="$(mktemp)"
  cat >"$tmp"
  install_file "$tmp" "$@"
  rm -f "$tmp"
}

# changed PATTERN: true when a file matching the glob PATTERN was installed by this run.
changed() {
  local path all=("${CHANGED[@]}")
  [ "$OCLOG_CHANGES" = /dev/null ] || mapfile -t -O "${#all[@]}" all <"$OCLOG_CHANGES"
  for path in "${all[@]}"; do
    # shellcheck disable=SC2053 # the pattern is a glob on purpose
    [[ $path == $1 ]] && return 0
  done
  return 1
}

apt_updated=""
# apt_install PKG[=VERSION]...: installs what is missing or at another version, no recommends.
apt_install() {
  local spec name version missing=()
  for spec in "$@"; do
    name="${spec%%=*}"
    version=""
    [ "$name" = "$spec" ] || version="${spec#*=}"
    if [ -n "$version" ]; then
      [ "$(dpkg-query -W -f='${Version}' "$name" 2>/dev/null || true)" = "$version" ] || missing+=("$spec")
    else
      dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q "install ok installed" || missing+=("$spec")
    fi
  done
  [ "${#missing[@]}" -gt 0 ] || return 0
  if [ -z "$apt_updated" ]; then
    apt-get update -qq
    apt_updated=1
  fi
  log "apt: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# in_image: true when provisioning an image root at build time (no running systemd to talk to).
in_image() { [ "${OCLOG_IMAGE_BUILD:-0}" = 1 ] || ! [ -d /run/systemd/system ]; }

# systemctl_now ARGS...: systemctl when systemd runs; in an image only enable/disable apply.
systemctl_now() {
  if in_image; then
    case "$1" in
      enable | disable | mask) systemctl "$@" ;;
      *) log "image build: skipping systemctl $*" ;;
    esac
  else
    systemctl "$@"
  fi
}
