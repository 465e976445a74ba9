#!/usr/bin/env bash
# The whole test suite, after its own set-up. Ends with the accounting of what did not simply
# pass (scripts/tap-summary.sh: failures, then every skip, todo and known failure by name) and, as its last line,
# one plain `tests: N passed, N failed`; exits non-zero on any failure.
# How a skip counts: neither passed nor failed, and always listed by name on the line before the
# last, so a skip nobody sees cannot happen. The VM image boot test not run (test files given,
# or OCLOG_SKIP_VM_BOOT=1) is listed there as a skip too.
set -uo pipefail
cd "$(dirname "$0")/.." || exit

if ! bash scripts/setup.sh; then
  echo "skipped: 0, todo: 0"
  echo "tests: 0 passed, 1 failed"
  exit 1
fi
# shellcheck source=scripts/env.sh
. scripts/env.sh

# One line per test or check: "pass|fail|skip|todo<TAB>title" (scripts/tap-count.sh's format).
ledger="$(mktemp)"
tap="$(mktemp)"
vm_tap="$(mktemp)"
trap 'rm -f "$ledger" "$tap" "$vm_tap"' EXIT

# Tests run through tsx, which strips types without checking them: check them here.
if pnpm run --silent typecheck; then
  printf 'pass\ttypecheck\n' >>"$ledger"
else
  echo "typecheck failed (counted as one failed test)" >&2
  printf 'fail\ttypecheck\n' >>"$ledger"
fi

# The checked-in pipeline must be what the generator makes now (counted as one test).
if pnpm exec oclog fluent-bit check; then
  printf 'pass\tfluent-bit check\n' >>"$ledger"
else
  echo "fluent-bit/ is stale: run \`pnpm exec oclog fluent-bit check --write\` and commit (counted as one failed test)" >&2
  printf 'fail\tfluent-bit check (stale: run pnpm exec oclog fluent-bit check --write)\n' >>"$ledger"
fi

# TAP gives countable results per test; it is also echoed so failures are readable in CI logs.
pnpm exec ava --tap "$@" 2>&1 | tee "$tap"
bash scripts/tap-count.sh "$tap" "${PIPESTATUS[0]}" >>"$ledger"

# The VM image booted under QEMU (`pnpm test:vm`: image build or cache, then one boot of
# minutes), after the main suite so the two do not share this machine's cores.
# A run given test files, or OCLOG_SKIP_VM_BOOT=1, leaves it out and lists it as skipped; CI does neither.
if [ "$#" -gt 0 ] || [ "${OCLOG_SKIP_VM_BOOT:-0}" = 1 ]; then
  why="test files given"
  [ "${OCLOG_SKIP_VM_BOOT:-0}" = 1 ] && why="OCLOG_SKIP_VM_BOOT=1"
  printf 'skip\tVM image boot test (not run: %s; pnpm test:vm runs it)\n' "$why" >>"$ledger"
else
  bash scripts/test-vm.sh --tap 2>&1 | tee "$vm_tap"
  bash scripts/tap-count.sh "$vm_tap" "${PIPESTATUS[0]}" >>"$ledger"
fi

bash scripts/tap-summary.sh "$ledger"
