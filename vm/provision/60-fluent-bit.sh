#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# The pipeline oclog generates (fluent-bit/ in the repository, checked in CI), the per-VM
# values it reads from its params include, and a SAS include until the first rotation.
set -euo pipefail
STEP=fluent-bit
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

: "${OCLOG_USER:?set OCLOG_USER (the person this VM belongs to: lowercase letters, digits, dashes)}"
[[ $OCLOG_USER =~ ^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$ ]] || die "OCLOG_USER '$OCLOG_USER' is not a valid oclog user id (lowercase letters, digits and inner dashes, 1-63 chars)"
: "${OCLOG_STORAGE_ACCOUNT:?set OCLOG_STORAGE_ACCOUNT (the Azure storage account the logs go to)}"
[[ $OCLOG_STORAGE_ACCOUNT =~ ^[a-z0-9]{3,24}$ ]] || die "OCLOG_STORAGE_ACCOUNT '$OCLOG_STORAGE_ACCOUNT' is not a storage account name (3-24 lowercase letters and digits)"
container="${OCLOG_CONTAINER:-oclog-$OCLOG_USER}"

FB=/etc/fluent-bit
install_file "$OCLOG_BUNDLE/fluent-bit/openclaw-vm.yaml" "$FB/fluent-bit.yaml" 0640 root fluent-bit
install_file "$OCLOG_BUNDLE/fluent-bit/redact.lua" "$FB/oclog/redact.lua" 0644 root root
# Every ${OCLOG_*} the pipeline reads is defined here, and only here: the file is the same on
# every VM and in the tests (test/pipeline/ loads it with local values for each variable).
install_text "$FB/oclog-params.yaml" 0640 root fluent-bit <<PARAMS
# Written by the VM provisioning (vm/provision/60-fluent-bit.sh). Per-VM values of the pipeline.
env:
  OCLOG_USER: "$OCLOG_USER"
  OCLOG_STORAGE_ACCOUNT: "$OCLOG_STORAGE_ACCOUNT"
  OCLOG_CONTAINER: "$container"
  OCLOG_BLOB_ENDPOINT: "https://$OCLOG_STORAGE_ACCOUNT.blob.core.windows.net"
  OCLOG_BLOB_EMULATOR: "off"
  OCLOG_TLS_CA_FILE: /etc/ssl/certs/ca-certificates.crt
  OCLOG_LUA_DIR: $FB/oclog
  OCLOG_GATEWAY_LOGS: /var/log/openclaw
  OCLOG_CONFIG_AUDIT: /var/lib/openclaw/.openclaw/logs/config-audit.jsonl
  OCLOG_NGINX_ACCESS_LOG: /var/log/nginx/oclog-access.json
  OCLOG_FORWARD_SOCKET: /run/fluent-bit/forward.sock
  OCLOG_STATE_DIR: /var/lib/fluent-bit
  # Empty: both journal inputs read the system journal, runtime and persistent, as journald keeps it.
  OCLOG_JOURNAL_DIR: ""
  OCLOG_HTTP_PORT: "2020"
PARAMS
# Until `oclog sas rotate` installs a real one: a token Azure refuses. Fluent Bit starts, keeps
# every record in its filesystem buffer and retries; the first rotation's hot reload ships them.
# (An empty token stops Fluent Bit at start-up: "'sas_token' has not been set", exit 255.) The
# gate refuses the UI meanwhile (no state file) with the command to run.
if [ ! -f "$FB/oclog-sas.yaml" ]; then
  install_text "$FB/oclog-sas.yaml" 0640 root fluent-bit <<'SAS'
# Placeholder written by the VM provisioning; `oclog sas install` replaces it.
env:
  OCLOG_SAS_TOKEN: "oclog-placeholder-no-sas-installed-yet"
SAS
fi
install_file "$VM_DIR/systemd/fluent-bit.service.d/oclog.conf" /etc/systemd/system/fluent-bit.service.d/oclog.conf 0644 root root
