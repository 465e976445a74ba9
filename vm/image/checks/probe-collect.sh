#!/usr/bin/env bash
# Runs under oclog-collect.service's sandbox: the collector reads OpenClaw's state (0700/0600,
# owned by openclaw) through CAP_DAC_READ_SEARCH alone, and cannot write it.
set -uo pipefail
printf 'probe uid %s\n' "$(id -un)"
printf 'probe cap-eff %s\n' "$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status)"
printf 'probe cap-amb %s\n' "$(sed -n 's/^CapAmb:[[:space:]]*//p' /proc/self/status)"
state=/var/lib/openclaw/.openclaw
printf 'probe state-stat %s\n' "$(stat -c '%a %U:%G' "$state" 2>&1 | tr '\n' ' ')"
# The same test the collector makes, through the same interpreter.
printf 'probe state-node %s\n' "$(/usr/bin/node -e 'try { console.log(require("fs").statSync(process.argv[1]).isDirectory() ? "directory" : "not-a-directory") } catch (e) { console.log(e.code) }' "$state" 2>&1)"
printf 'probe state-list %s\n' "$(ls "$state" >/dev/null 2>&1 && echo readable || echo denied)"
printf 'probe state-write %s\n' "$(touch "$state/oclog-probe" 2>/dev/null && rm -f "$state/oclog-probe" && echo writable || echo denied)"
# What the collector itself sees, with its own code: the stores it finds and whether it reads them
# (a private cursor directory; the forward socket is absent here, so nothing is sent).
once="$(/opt/oclog/bin/oclog collect --once --json --state-dir "$state" --socket /run/oclog-probe-none.sock --collector-state "$(mktemp -d)" --ack-timeout-ms 500 2>&1)"
printf 'probe once-stores %s\n' "$(printf '%s\n' "$once" | grep -c '"event":"store.found"')"
printf 'probe once-result %s\n' "$(printf '%s\n' "$once" | tail -n 2 | tr '\n' ' ' | cut -c1-400)"
