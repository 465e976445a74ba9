#!/usr/bin/env bash
# Turns one ava run's TAP output (ava 7 with --tap) into ledger lines, one per test:
# "pass<TAB>title", "fail<TAB>title", "skip<TAB>title", "todo<TAB>title" or "known<TAB>title".
# Usage: bash scripts/tap-count.sh TAP-FILE EXIT-STATUS >> LEDGER (scripts/tap-summary.sh reads it).
#
# Counted from the test lines, not from ava's closing "# fail N": that figure adds todos to the
# failures (supertap's finish()) and never gives a todo count. What ava 7 writes:
#   ok N - title            passed
#   ok N - title # SKIP     test.skip: skipped, neither passed nor failed
#   not ok N - title # TODO test.todo: todo, neither passed nor failed
#   not ok N - title        failed (also an uncaught exception, or a worker that exited)
# ava's TAP writes a test.failing that failed as expected as a plain "ok": by this project's
# convention its title says "(known failure", and it is counted as known, not as passed (a
# test.failing that starts passing is a failure: ava reports it "not ok").
# A run that stops before its plan line ("1..N", written with the summary) crashed: one more
# failure. So is a non-zero exit status with no failed test.
set -uo pipefail

tap="${1:?usage: tap-count.sh TAP-FILE EXIT-STATUS}"
status="${2:?usage: tap-count.sh TAP-FILE EXIT-STATUS}"

awk -v status="$status" '
  function title(line) { sub(/^(not )?ok [0-9]+( - )?/, "", line); return line }
  /^ok [0-9]+.* # SKIP$/        { t = title($0); sub(/ # SKIP$/, "", t); print "skip\t" t; next }
  /^(not )?ok [0-9]+.* # TODO$/ { t = title($0); sub(/ # TODO$/, "", t); print "todo\t" t; next }
  /^ok [0-9]+.*\(known failure/ { print "known\t" title($0); next }
  /^ok [0-9]+/                  { print "pass\t" title($0); next }
  /^not ok [0-9]+/              { print "fail\t" title($0); failed++; next }
  /^1\.\.[0-9]+$/               { planned = 1 }
  END {
    if (!planned) print "fail\tava stopped before its summary (crashed or was killed)"
    else if (status != 0 && failed == 0) print "fail\tava exited with status " status " but reported no failed test"
  }
' "$tap"
