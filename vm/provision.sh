#!/usr/bin/env bash
# Provisions the oclog VM: runs vm/provision/NN-*.sh in order, as root, inside the VM (Vagrant's
# shell provisioner) or inside an image root at build time (OCLOG_IMAGE_BUILD=1). Every step
# can run again: it changes only what differs and restarts only what it changed.
#   OCLOG_BUNDLE=/tmp/oclog-bundle OCLOG_USER=alice OCLOG_STORAGE_ACCOUNT=acmelogs vm/provision.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
OCLOG_CHANGES="$(mktemp)"
export OCLOG_CHANGES
trap 'rm -f "$OCLOG_CHANGES"' EXIT
for step in "$here"/provision/[0-9][0-9]-*.sh; do
  printf 'provision: == %s\n' "$(basename "$step")" >&2
  bash "$step"
done
printf 'provision: done (%s files changed)\n' "$(wc -l <"$OCLOG_CHANGES")" >&2
