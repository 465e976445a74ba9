#!/usr/bin/env bash
# Runs under the Fluent Bit drop-in's sandbox: the pipeline's user reads what it ships.
set -uo pipefail
try() { "$@" >/dev/null 2>&1 && echo readable || echo denied; }
printf 'probe uid %s\n' "$(id -un)"
printf 'probe gateway-log %s\n' "$(try head -c1 /var/log/openclaw/openclaw.log)"
printf 'probe sas-file %s\n' "$(try head -c1 /etc/fluent-bit/oclog-sas.yaml)"
printf 'probe shadow %s\n' "$(try cat /etc/shadow)"
