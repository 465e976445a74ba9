#!/usr/bin/env bash
# The main job on the embedded demo: `oclog demo` starts Azurite, writes alice's container with
# a realistic incident (real OpenClaw records + a prompt-injection chain) in Fluent Bit's blob
# layout, runs `oclog investigate --user alice` against it and prints where the report is.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# shellcheck source=scripts/env.sh
. scripts/env.sh

pnpm exec oclog demo "$@"
