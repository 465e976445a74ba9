#!/usr/bin/env bash
# Runs under openclaw.service's own sandbox (a copy of the unit with this as ExecStart): what
# the gateway's process can and cannot reach. One `probe <name> <value>` line each.
set -uo pipefail
try() { "$@" >/dev/null 2>&1 && echo readable || echo denied; }
printf 'probe uid %s\n' "$(id -un)"
printf 'probe home %s\n' "$(try cat /home/alice/notes.txt)"
printf 'probe sas-file %s\n' "$(try cat /etc/fluent-bit/oclog-sas.yaml)"
printf 'probe shadow %s\n' "$(try cat /etc/shadow)"
# ProtectProc=invisible: only its own processes are in /proc (PID 1 among them is not).
printf 'probe proc-pid1 %s\n' "$(try cat /proc/1/cmdline)"
others=0
for entry in /proc/[0-9]*; do
  owner="$(stat -c %U "$entry" 2>/dev/null)" || continue
  [ "$owner" = "$(id -un)" ] || others=$((others + 1))
done
printf 'probe proc-other-users %s\n' "$others"
printf 'probe write-etc %s\n' "$(touch /etc/oclog-probe 2>/dev/null && echo writable || echo denied)"
printf 'probe write-install %s\n' "$(touch /opt/openclaw/oclog-probe 2>/dev/null && echo writable || echo denied)"
printf 'probe write-state %s\n' "$(touch /var/lib/openclaw/.openclaw/oclog-probe 2>/dev/null && rm -f /var/lib/openclaw/.openclaw/oclog-probe && echo writable || echo denied)"
