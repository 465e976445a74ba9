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
vm_build_log="$(mktemp)"
vm_image_dir="$(mktemp)"
vm_build_pid=""
trap 'rm -f "$ledger" "$tap" "$vm_tap" "$vm_build_log" "$vm_image_dir"; [ -z "$vm_build_pid" ] || kill "$vm_build_pid" 2>/dev/null' EXIT

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

# The VM image boot test (`pnpm test:vm`) runs after the main suite. A run given test files, or
# OCLOG_SKIP_VM_BOOT=1, leaves it out and lists it as skipped; CI does neither.
boot_vm=1
[ "$#" -gt 0 ] || [ "${OCLOG_SKIP_VM_BOOT:-0}" = 1 ] && boot_vm=0
# Its image (vm/image/build.sh: a cached one, or about 2.5 minutes of bundling, Debian packages
# and provisioning, which any change to the repository makes again) is built while the main suite
# runs; the boot itself waits for the suite, so the two do not share this machine's cores.
# Bounded: a mirror that stops answering would otherwise hold the whole command until CI gives up
# (it takes 2-6 minutes; timeout ends the build's whole process group, mmdebstrap included).
vm_build_limit_s="${OCLOG_VM_BUILD_TIMEOUT_S:-1500}"
if [ "$boot_vm" = 1 ]; then
  timeout --kill-after=30 "$vm_build_limit_s" bash vm/image/build.sh >"$vm_image_dir" 2>"$vm_build_log" &
  vm_build_pid=$!
fi

# TAP gives countable results per test; it is also echoed so failures are readable in CI logs.
pnpm exec ava --tap "$@" 2>&1 | tee "$tap"
bash scripts/tap-count.sh "$tap" "${PIPESTATUS[0]}" >>"$ledger"

if [ "$boot_vm" = 0 ]; then
  why="test files given"
  [ "${OCLOG_SKIP_VM_BOOT:-0}" = 1 ] && why="OCLOG_SKIP_VM_BOOT=1"
  printf 'skip\tVM image boot test (not run: %s; pnpm test:vm runs it)\n' "$why" >>"$ledger"
else
  wait "$vm_build_pid"
  vm_build_status=$?
  vm_build_pid=""
  cat "$vm_build_log" >&2
  # A failed build is not counted here: the boot test runs the build again and fails by name.
  if [ "$vm_build_status" = 0 ]; then
    OCLOG_VM_IMAGE="$(tail -n 1 "$vm_image_dir")"
    export OCLOG_VM_IMAGE
  elif [ "$vm_build_status" = 124 ] || [ "$vm_build_status" = 137 ]; then
    echo "the VM image build beside the suite did not finish in ${vm_build_limit_s} s (a package mirror not answering?); the boot test builds it again" >&2
  else
    echo "the VM image build beside the suite failed (exit $vm_build_status); the boot test builds it again" >&2
  fi
  bash scripts/test-vm.sh --tap 2>&1 | tee "$vm_tap"
  bash scripts/tap-count.sh "$vm_tap" "${PIPESTATUS[0]}" >>"$ledger"
fi

bash scripts/tap-summary.sh "$ledger"
