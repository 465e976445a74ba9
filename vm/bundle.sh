#!/usr/bin/env bash
# Builds vm/.bundle, everything the VM installs, for the Vagrantfile to upload (and the image
# build to copy): this vm/ directory, the generated pipeline in fluent-bit/ (checked first, so a
# stale pipeline never ships) and the oclog CLI: the same `oclog` npm package a user installs
# (`pnpm run pack:cli`), installed here into a staging prefix so the VM needs no registry.
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
log "packing the oclog CLI and installing it into a staging prefix (npm registry)"
# Packed in the staging folder, not the repository's: the test suite may pack at the same time.
tarball="$(OCLOG_PACK_DIR="$staging/pack" pnpm run --silent pack:cli | tail -1)"
# --ignore-scripts: nothing is built for the host's Node, so no native module compiled for Node 20
# reaches the VM's Node 24 (the one addon with a build step is better-sqlite3, which the VM never
# loads: the collector reads SQLite through node:sqlite there). --prefer-offline: npm's cache.
npm install -g --prefix "$staging/prefix" --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel error \
  --cache "$repo/.oclog-tmp/npm-cache" "$tarball" >/dev/null
# The package's own folder becomes /opt/oclog/lib: its bin/oclog.js, dist/, data and node_modules/.
mv "$staging/prefix/lib/node_modules/oclog" "$staging/cli"
# Sorted, owner-free and dated by the last commit, so the same tree gives the same tarball and
# the VM skips reinstalling it.
mtime="$(git -C "$repo" log -1 --format=%cI 2>/dev/null || echo 2026-01-01T00:00:00Z)"
tar -C "$staging/cli" --sort=name --owner=0 --group=0 --numeric-owner --mtime="$mtime" -cf - . | gzip -n >"$staging/bundle/oclog-cli.tar.gz"
rm -rf "$out"
mkdir -p "$(dirname "$out")"
mv "$staging/bundle" "$out"
log "ready: $out ($(du -sh "$out" | cut -f1))"
