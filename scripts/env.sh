# shellcheck shell=bash
# Sourced by the entry scripts: where set-up may have put pnpm (npm's global bin, or the
# private tools prefix when a global install was refused), so later commands find it.
OCLOG_TOOLS_DIR="${OCLOG_CACHE_DIR:-$HOME/.cache/oclog}/tools"
PATH="$OCLOG_TOOLS_DIR/node_modules/.bin:$(npm prefix --global 2>/dev/null)/bin:$PATH"
export PATH OCLOG_TOOLS_DIR
