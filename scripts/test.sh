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

# count TAP-FILE STATUS: "passed failed" of one ava run; a crash before the summary (or a
# non-zero exit with no failed test) still counts as a failure.
count() {
  local p f
  p="$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$1" | tail -n 1)"
  f="$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$1" | tail -n 1)"
  p="${p:-0}"
  f="${f:-0}"
  if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  echo "$p $f"
}
read -r passed failed < <(count "$tap" "$status")

# The VM image booted under QEMU (`pnpm test:vm`: image build or cache, then one boot of
# minutes), after the main suite so the two do not share this machine's cores.
# A run given test files, or OCLOG_SKIP_VM_BOOT=1, leaves it out and says so; CI does neither.
if [ "$#" -gt 0 ] || [ "${OCLOG_SKIP_VM_BOOT:-0}" = 1 ]; then
  echo "VM image boot test not run (test files given, or OCLOG_SKIP_VM_BOOT=1); \`pnpm test:vm\` runs it" >&2
else
  vm_tap="$(mktemp)"
  trap 'rm -f "$tap" "$vm_tap"' EXIT
  bash scripts/test-vm.sh --tap 2>&1 | tee "$vm_tap"
  vm_status=${PIPESTATUS[0]}
  read -r vm_passed vm_failed < <(count "$vm_tap" "$vm_status")
  passed=$((passed + vm_passed))
  failed=$((failed + vm_failed))
fi

failed=$((failed + typecheck_failed + pipeline_check_failed))
passed=$((passed + pipeline_check_passed))
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "no test ran" >&2; fi
echo "tests: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
