#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# OpenClaw into /opt/openclaw (root-owned, read-only to the gateway) by pnpm from the
# checked-in vm/openclaw/ project: one exact version, every package checked against the
# lockfile's sha512, nothing younger than minimumReleaseAge, build scripts decided in
# pnpm-workspace.yaml. Then the hardened config and the gateway's start script.
set -euo pipefail
STEP=openclaw
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

TOOLS=/opt/oclog/tools
PNPM="$TOOLS/node_modules/.bin/pnpm"
if [ "$("$PNPM" --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  log "installing pnpm@$PNPM_VERSION into $TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund --ignore-scripts "pnpm@$PNPM_VERSION"
fi

for file in package.json pnpm-lock.yaml pnpm-workspace.yaml; do
  install_file "$VM_DIR/openclaw/$file" "/opt/openclaw/$file" 0644 root root
done
installed="$(node -p 'require("/opt/openclaw/node_modules/openclaw/package.json").version' 2>/dev/null || true)"
if changed "/opt/openclaw/*" || [ "$installed" != "$OPENCLAW_VERSION" ]; then
  log "installing openclaw@$OPENCLAW_VERSION from the lockfile"
  (cd /opt/openclaw && "$PNPM" install --frozen-lockfile --prod --reporter=append-only)
  installed="$(node -p 'require("/opt/openclaw/node_modules/openclaw/package.json").version')"
fi
[ "$installed" = "$OPENCLAW_VERSION" ] || die "/opt/openclaw holds openclaw $installed, expected $OPENCLAW_VERSION"

# State (0750: oclog-collect and Fluent Bit read it through group openclaw) and the config.
install -d -o openclaw -g openclaw -m 0750 /var/lib/openclaw /var/lib/openclaw/.openclaw
install_file "$VM_DIR/openclaw/openclaw.json5" /var/lib/openclaw/.openclaw/openclaw.json 0600 openclaw openclaw

install_file "$VM_DIR/bin/openclaw-gateway-start" /opt/oclog/libexec/openclaw-gateway-start 0755 root root
install_file "$VM_DIR/bin/openclaw-as-gateway" /opt/oclog/bin/openclaw-as-gateway 0700 root root
