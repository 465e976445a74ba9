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
# The sandboxes' workspaces (agents.defaults.sandbox.workspaceRoot in openclaw.json5). The
# gateway creates a workspace per session and Podman, as openclaw-sandbox, bind-mounts it into
# the container, whose tools write there as openclaw-sandbox (keep-id). OpenClaw assumes one user
# for both; here they are two, so the root is the gateway's with group openclaw-sandbox and
# setgid: what the gateway creates under it (UMask 0007) is the group's to read and write. By
# default it would be under the gateway's 0700 state directory, and Podman could not even stat
# it: every sandboxed session failed ("statfs .../skills: permission denied").
install -d -o openclaw -g openclaw-sandbox -m 2770 /var/lib/openclaw-workspaces
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
