#!/usr/bin/env bash
# Clears what image builds that died without cleaning up left in TMPDIR: their work directories
# (oclog-vm-image.*), with the chroot's /proc, /sys, /dev/pts and /dev/shm that mmdebstrap had
# mounted in them. A build killed outright (SIGKILL, a CI timeout, a machine reset) runs no trap.
# A running build holds an flock on its directory's .builder.lock for its whole life, so only
# directories whose lock is free are touched; one without a lock file (a build from before the
# lock, or one that is just starting) is left unless it is over an hour old.
# Usage: bash vm/image/clear-stale-builds.sh [TMPDIR]   (prints each directory it clears)
set -euo pipefail
tmp="${1:-${TMPDIR:-/tmp}}"

unmount_under() { # everything mounted at or below $1, deepest first; never follows into another mount
  awk -v w="$1" '$2 == w || index($2, w "/") == 1 { print $2 }' /proc/mounts | sort -r | while read -r mnt; do umount -l "$mnt" || true; done
}

for dir in "$tmp"/oclog-vm-image.*; do
  if [ ! -d "$dir" ] || [ -L "$dir" ]; then continue; fi
  if [ -e "$dir/.builder.lock" ]; then
    flock -n "$dir/.builder.lock" true 2>/dev/null || continue # its build is still running
  elif [ -z "$(find "$dir" -maxdepth 0 -mmin +60)" ]; then
    continue
  fi
  unmount_under "$dir"
  rm -rf --one-file-system "$dir"
  echo "$dir"
done
