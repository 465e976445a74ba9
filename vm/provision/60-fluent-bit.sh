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
install_text "$FB/oclog-params.yaml" 0640 root fluent-bit <<PARAMS
# Written by the VM provisioning (vm/provision/60-fluent-bit.sh). Per-VM values of the pipeline.
env:
  OCLOG_USER: "$OCLOG_USER"
  OCLOG_STORAGE_ACCOUNT: "$OCLOG_STORAGE_ACCOUNT"
  OCLOG_CONTAINER: "$container"
PARAMS
# Until `task sas:rotate` installs a real one: an empty token, so Fluent Bit starts, buffers
# to disk and ships nothing, and the gate refuses the UI (no state file) with the command to run.
if [ ! -f "$FB/oclog-sas.yaml" ]; then
  install_text "$FB/oclog-sas.yaml" 0640 root fluent-bit <<'SAS'
# Placeholder written by the VM provisioning; `oclog sas install` replaces it.
env:
  OCLOG_SAS_TOKEN: ""
SAS
fi
install_file "$VM_DIR/systemd/fluent-bit.service.d/oclog.conf" /etc/systemd/system/fluent-bit.service.d/oclog.conf 0644 root root
