#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# The sandbox image, built into the rootless Podman store of user openclaw-sandbox (the store
# openclaw-sandbox-podman.service serves). Built here, with network, because the API service
# itself runs without one. Rebuilt only when the Containerfile or the base changes.
set -euo pipefail
STEP=sandbox
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

home=/var/lib/openclaw-sandbox
install -d -o openclaw-sandbox -g openclaw-sandbox -m 0700 "$home"
install_file "$VM_DIR/podman/sandbox.Containerfile" /usr/share/oclog/podman/sandbox.Containerfile 0644 root root

if in_image; then
  log "image build: the sandbox image is built on first boot's provisioning, not in the image root"
  exit 0
fi
as_sandbox() {
  local runtime
  runtime="$(mktemp -d)"
  chown openclaw-sandbox: "$runtime"
  (cd "$home" && runuser -u openclaw-sandbox -- env HOME="$home" XDG_RUNTIME_DIR="$runtime" PATH=/usr/bin:/bin \
    podman --cgroup-manager=cgroupfs --events-backend=file "$@")
  local rc=$?
  rm -rf "$runtime"
  return "$rc"
}
label="$(sha256sum /usr/share/oclog/podman/sandbox.Containerfile | cut -c1-16)-$SANDBOX_BASE_IMAGE"
have="$(as_sandbox image inspect --format '{{ index .Labels "oclog.recipe" }}' "$SANDBOX_IMAGE" 2>/dev/null || true)"
if [ "$have" != "$label" ]; then
  log "building $SANDBOX_IMAGE from $SANDBOX_BASE_IMAGE"
  as_sandbox build --pull=always --build-arg "BASE=$SANDBOX_BASE_IMAGE" --label "oclog.recipe=$label" \
    -t "$SANDBOX_IMAGE" -f /usr/share/oclog/podman/sandbox.Containerfile /usr/share/oclog/podman
fi
