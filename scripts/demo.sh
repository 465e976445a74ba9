#!/usr/bin/env bash
# The main job on the embedded demo data. Until `oclog investigate` lands, that is validating
# everything a real OpenClaw gateway wrote (captured by the test harness) against @oclog/schema.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# shellcheck source=scripts/env.sh
. scripts/env.sh

fixtures="test/fixtures/openclaw-2026.9.6"
pnpm exec oclog schema validate --source auto \
  "$fixtures/gateway.log" "$fixtures/transcripts.jsonl" "$fixtures/trajectory.jsonl" \
  "$fixtures/audit-ledger.jsonl" "$fixtures/config-audit.jsonl"
