#!/usr/bin/env bash
# A diagnostic in the boot-test image only (rootfs/setup.sh; the Vagrant path never runs this):
# when a legacy state migration of OpenClaw 2026.9.6 cannot take its SQLite maintenance lock,
# OpenClaw reports "the Gateway or another SQLite maintenance command owns this state directory"
# for EVERY GatewayLockError, whatever its cause (SQLITE_BUSY on the coordinator database,
# a lock file, a real second owner). This makes it also write the error with its cause chain to
# stderr (the journal), one line, prefixed "oclog-image: migration lock refused". Behaviour is
# unchanged. The file is named exactly and the patched text must match: a new OpenClaw version
# fails here, loudly.
# usage: openclaw-lock-cause-log.sh DIST_DIR
set -euo pipefail
dist=$1
file="$dist/state-migrations.lock-CC3fInLn.mjs"
anchor='		const detail = error instanceof GatewayLockError ? "the Gateway or another SQLite maintenance command owns this state directory"'
[ -f "$file" ] || { echo "openclaw-lock-cause-log: $file is missing (OpenClaw version changed? update this script)" >&2; exit 1; }
[ "$(grep -cF -- "$anchor" "$file")" = 1 ] || { echo "openclaw-lock-cause-log: the catch of withLegacyMigrationStateLock is not in $file as expected (update this script)" >&2; exit 1; }
grep -q '^import ' "$file" || { echo "openclaw-lock-cause-log: no import line in $file" >&2; exit 1; }
# shellcheck disable=SC2016 # JavaScript source: the ${...} are template literals for Node, not shell.
log_line='		process.stderr.write(`oclog-image: migration lock refused (${options.label}): ${__oclogInspect(error, { depth: 10, breakLength: Infinity }).replace(/\\n\\s*/g, " | ")}\\n`);'
# A new file, not an edit in place: the package store may hard-link the original.
awk -v anchor="$anchor" -v line="$log_line" '
  NR == 1 { print "import { inspect as __oclogInspect } from \"node:util\";" }
  index($0, anchor) == 1 { print line }
  { print }
' "$file" >"$file.new"
chmod --reference="$file" "$file.new"
mv "$file.new" "$file"
node --check "$file" || { echo "openclaw-lock-cause-log: the patched $file does not load" >&2; exit 1; }
echo "state-migrations.lock-CC3fInLn.mjs: logs the cause of a refused migration lock"
