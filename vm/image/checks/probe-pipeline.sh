#!/usr/bin/env bash
# Runs under the Fluent Bit drop-in's sandbox: the pipeline's user reads what it ships.
set -uo pipefail
# Readable means bytes came back: InaccessiblePaths= puts an empty 0000 inode in the file's
# place, which a read capability can open, but it holds nothing.
try() { [ "$(head -c16 "$1" 2>/dev/null | wc -c)" -gt 0 ] && echo readable || echo denied; }
printf 'probe uid %s\n' "$(id -un)"
printf 'probe gateway-log %s\n' "$(try /var/log/openclaw/openclaw.log)"
printf 'probe sas-file %s\n' "$(try /etc/fluent-bit/oclog-sas.yaml)"
printf 'probe shadow %s\n' "$(try /etc/shadow)"
