#!/usr/bin/env bash
# Builds vm/.bundle, everything the VM installs, for the Vagrantfile to upload (and the image
# build to copy): this vm/ directory, the generated pipeline in fluent-bit/ (checked first, so a
# stale pipeline never ships) and the oclog CLI as a `pnpm deploy` of @oclog/cli.
#   bash vm/bundle.sh [--out DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
out="$here/.bundle"
if [ "${1:-}" = --out ]; then out="${2:?--out needs a directory}"; fi
log() { printf 'bundle: %s\n' "$*" >&2; }

cd "$repo"
command -v pnpm >/dev/null || { log "pnpm not found: run npm run setup (or npm test) in $repo first"; exit 3; }
pnpm run build >/dev/null
pnpm exec oclog fluent-bit check --dir fluent-bit

staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
mkdir -p "$staging/bundle"
# vm/image is the image build and its boot checks: they run on the host, not in the VM.
tar -C "$repo" --exclude=vm/.bundle --exclude=vm/.vagrant --exclude=vm/image -cf - vm fluent-bit | tar -C "$staging/bundle" -xf -
log "deploying @oclog/cli"
pnpm --filter @oclog/cli deploy --prod "$staging/cli" >/dev/null
# Sorted, owner-free and dated by the last commit, so the same tree gives the same tarball and
# the VM skips reinstalling it.
mtime="$(git -C "$repo" log -1 --format=%cI 2>/dev/null || echo 2026-01-01T00:00:00Z)"
tar -C "$staging/cli" --sort=name --owner=0 --group=0 --numeric-owner --mtime="$mtime" -cf - . | gzip -n >"$staging/bundle/oclog-cli.tar.gz"
rm -rf "$out"
mkdir -p "$(dirname "$out")"
mv "$staging/bundle" "$out"
log "ready: $out ($(du -sh "$out" | cut -f1))"
