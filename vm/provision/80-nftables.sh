#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# The egress record (vm/nftables/, whose README is the contract followed here): every new
# outbound connection of the gateway's and the sandbox's users is logged to the kernel log,
# which the pipeline reads from the journal. OCLOG_EGRESS_MODE=allowlist also rejects (and
# logs) what is not in /etc/oclog/egress-allow.hosts, refreshed by a timer.
set -euo pipefail
STEP=nftables
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

MODE="${OCLOG_EGRESS_MODE:-record}"
case "$MODE" in record | allowlist) ;; *) die "OCLOG_EGRESS_MODE must be record or allowlist, not '$MODE'" ;; esac

# Numbers, not names: the rulesets are checked (nft -c) where these users do not exist.
printf 'define OCLOG_EGRESS_UIDS = { %s, %s }\n' "$(id -u openclaw)" "$(id -u openclaw-sandbox)" |
  install_text /etc/oclog/egress-uids.nft 0644 root root
install -d -m 0755 /etc/oclog/egress-allow.d
install_file "$VM_DIR/nftables/egress-allow.hosts" /etc/oclog/egress-allow.hosts 0644 root root
for ruleset in oclog-egress.nft oclog-egress-allowlist.nft; do
  install_file "$VM_DIR/nftables/$ruleset" "/opt/oclog/vm/nftables/$ruleset" 0644 root root
done
install_file "$VM_DIR/bin/oclog-egress-allowlist" /opt/oclog/vm/bin/oclog-egress-allowlist 0755 root root
for unit in oclog-egress-allowlist.service oclog-egress-allowlist.timer; do
  install_file "$VM_DIR/systemd/$unit" "/etc/systemd/system/$unit" 0644 root root
done

ruleset=/opt/oclog/vm/nftables/oclog-egress.nft
[ "$MODE" = record ] || ruleset=/opt/oclog/vm/nftables/oclog-egress-allowlist.nft
want="include \"$ruleset\""
if ! grep -qxF "$want" /etc/nftables.conf; then
  # One include of ours, replaced when the mode changes; Debian's own rules stay above it.
  sed -i '\#^include "/opt/oclog/vm/nftables/#d' /etc/nftables.conf
  printf '%s\n' "$want" >>/etc/nftables.conf
  mark_changed /etc/nftables.conf
  log "egress record mode: $MODE"
fi
nft -c -f /etc/nftables.conf || die "the nftables ruleset does not load (nft -c -f /etc/nftables.conf)"

systemctl_now enable nftables.service
if [ "$MODE" = allowlist ]; then
  systemctl_now enable oclog-egress-allowlist.timer
else
  systemctl_now disable oclog-egress-allowlist.timer
fi
