#!/usr/bin/env bash
# Prints the end of a test run from its ledger (lines "pass|fail|skip|todo<TAB>title", written by
# scripts/tap-count.sh and by scripts/test.sh for its own checks) and exits non-zero on a failure:
#   failed: 1 (title; ...)                    only when something failed
#   skipped: 1 (title; ...), todo: 0          always, so no skip or todo can go unseen; with
#     ", known failures: N (title; ...)"      appended when a test.failing failed as expected
#   tests: N passed, N failed                 always last: CI reads exactly this line
# A skip or a todo is neither passed nor failed; it is always listed by name on the line above
# the last. A ledger with nothing passed and nothing failed counts as one failure ("no test ran").
# Usage: bash scripts/tap-summary.sh LEDGER
set -uo pipefail

ledger="${1:?usage: tap-summary.sh LEDGER}"

awk -F '\t' '
  function add(list, t) { return list == "" ? t : list "; " t }
  $1 == "pass" { passed++ }
  $1 == "fail" { failed++; fails = add(fails, $2) }
  $1 == "skip" { skipped++; skips = add(skips, $2) }
  $1 == "todo" { todo++; todos = add(todos, $2) }
  $1 == "known" { known++; knowns = add(knowns, $2) }
  END {
    if (passed + failed == 0) { failed = 1; fails = "no test ran" }
    if (failed) printf "failed: %d (%s)\n", failed, fails
    printf "skipped: %d%s, todo: %d%s%s\n", skipped, skipped ? " (" skips ")" : "", todo, todo ? " (" todos ")" : "", known ? sprintf(", known failures: %d (%s)", known, knowns) : ""
    printf "tests: %d passed, %d failed\n", passed, failed
    exit failed ? 1 : 0
  }
' "$ledger"
