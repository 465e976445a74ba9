#!/usr/bin/env bash
# The whole test suite, after its own set-up. Ends with one plain line
# `tests: N passed, N failed` and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.." || exit

if ! bash scripts/setup.sh; then
  echo "tests: 0 passed, 1 failed"
  exit 1
fi
# shellcheck source=scripts/env.sh
. scripts/env.sh

# Tests run through tsx, which strips types without checking them: check them here.
typecheck_failed=0
if ! pnpm run --silent typecheck; then
  echo "typecheck failed (counted as one failed test)" >&2
  typecheck_failed=1
fi

# The checked-in pipeline must be what the generator makes now (counted as one test).
pipeline_check_failed=0
pipeline_check_passed=0
if pnpm exec oclog fluent-bit check; then
  pipeline_check_passed=1
else
  echo "fluent-bit/ is stale: run \`pnpm exec oclog fluent-bit check --write\` and commit (counted as one failed test)" >&2
  pipeline_check_failed=1
fi

tap="$(mktemp)"
trap 'rm -f "$tap"' EXIT
# TAP gives countable totals; it is also echoed so failures are readable in CI logs.
pnpm exec ava --tap "$@" 2>&1 | tee "$tap"
status=${PIPESTATUS[0]}

passed="$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tap" | tail -n 1)"
failed="$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tap" | tail -n 1)"
passed="${passed:-0}"
failed="${failed:-0}"
# A crash before the summary (or a non-zero exit with no failed test) still counts as a failure.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi

# The VM image boot test (`pnpm test:vm`) is not part of this run yet: under emulation the
# gateway does not become ready (vm/image/README.md, "Status"), and a suite that is always red
# hides every other failure.

failed=$((failed + typecheck_failed + pipeline_check_failed))
passed=$((passed + pipeline_check_passed))
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "no test ran" >&2; fi
echo "tests: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
