#!/usr/bin/env bash
# `pnpm test:vm`: builds the VM image (or reuses the cached one) and boots it under QEMU with the
# checks of test/vm-boot/. Extra arguments go to ava (the test command passes --tap).
set -euo pipefail
cd "$(dirname "$0")/.." || exit
# shellcheck source=scripts/env.sh
. scripts/env.sh
exec pnpm exec ava --config ava.vm.config.js "$@"
