#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# The egress record (vm/nftables/): every new outbound connection of the gateway's and the
# sandbox's users is logged to the journal, which the pipeline ships. OCLOG_EGRESS_MODE=allowlist
# also rejects (and logs) whatever is not in vm/nftables/egress-allow.hosts.
set -euo pipefail
STEP=nftables
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

MODE="${OCLOG_EGRESS_MODE:-record}"
case "$MODE" in record | allowlist) ;; *) die "OCLOG_EGRESS_MODE must be record or allowlist, not '$MODE'" ;; esac

install -d -m 0755 /etc/oclog /etc/nftables.d
printf 'define OCLOG_EGRESS_UIDS = { %s, %s }\n' "$(id -u openclaw)" "$(id -u openclaw-sandbox)" |
  install_text /etc/oclog/egress-uids.nft 0644 root root
install_file "$VM_DIR/nftables/egress-allow.hosts" /etc/oclog/egress-allow.hosts 0644 root root
install_file "$VM_DIR/bin/oclog-egress-allowlist" /opt/oclog/bin/oclog-egress-allowlist 0755 root root
rm -f /etc/nftables.d/oclog-egress.nft /etc/nftables.d/oclog-egress-allowlist.nft
if [ "$MODE" = allowlist ]; then
  install_file "$VM_DIR/nftables/oclog-egress-allowlist.nft" /etc/nftables.d/oclog-egress-allowlist.nft 0644 root root
else
  install_file "$VM_DIR/nftables/oclog-egress.nft" /etc/nftables.d/oclog-egress.nft 0644 root root
fi
grep -qx 'include "/etc/nftables.d/\*.nft"' /etc/nftables.conf ||
  printf '\n# oclog: the egress record (vm/nftables/)\ninclude "/etc/nftables.d/*.nft"\n' >>/etc/nftables.conf
nft -c -f /etc/nftables.conf || die "the nftables ruleset does not load (nft -c -f /etc/nftables.conf)"
