#!/usr/bin/env bash
# The boot test's checks, run inside the booted image as root by oclog-boot-check.service
# (copied into the 9p share as check.sh by test/vm-boot/qemu.ts, with the two SAS state files
# the host made with the real contract: state-valid.json, state-expired.json; and what the
# host serves through QEMU for the pipeline and the agent: shipping.env, azurite-ca.pem,
# sas-url, agent-message).
# Prints one line per fact, `fact <name> <value...>`; the host test asserts them. Never exits
# early: every fact is printed, so one failure shows the whole picture.
set -uo pipefail
share="$(cd "$(dirname "$0")" && pwd)"
fact() { printf 'fact %s %s\n' "$1" "${*:2}"; }
# The guest's uptime as each part of the checks begins: where a boot's time goes (the test logs them).
section() { fact "section-$1" "$(cut -d' ' -f1 /proc/uptime)"; }
# wait_for SECONDS COMMAND...: polls a condition (the guest is slow under emulation).
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 1
  done
}
gate() { curl -s -o /dev/null -D - --max-time 20 "http://127.0.0.1:8080$1" | tr -d '\r'; }
install_state() { install -m 0644 -o root -g oclog-state "$share/$1" /run/oclog/sas-state.json; }

fact boot-seconds "$(cut -d' ' -f1 /proc/uptime)"
# Booted with maxcpus=1; a unit brings the second vCPU online (vm/image/rootfs/oclog-online-cpus.service).
fact cpus-online "$(cat /sys/devices/system/cpu/online)"

section pipeline
# --- Fluent Bit as its package installs it (vm/image/rootfs/install-fluent-bit.sh), with
# oclog's drop-in, now shipping to the test's Azurite -----------------------------------------
fact fluent-bit-unit "$(systemctl show -p FragmentPath --value fluent-bit.service)"
fact fluent-bit-dropins "$(systemctl show -p DropInPaths --value fluent-bit.service)"
fact fluent-bit-version "$(/opt/fluent-bit/bin/fluent-bit --version 2>&1 | head -1)"
# The blob service is the host's Azurite, which QEMU forwards from an address of its user
# network (the only place the guest can reach): its endpoint, account and CA replace the
# production values of the params include; every other value stays as provisioning wrote it.
# shellcheck source=/dev/null # written by the host test
. "$share/shipping.env"
install -m 0644 "$share/azurite-ca.pem" /etc/fluent-bit/oclog-test-ca.pem
sed -i -e "s|^  OCLOG_STORAGE_ACCOUNT: .*|  OCLOG_STORAGE_ACCOUNT: \"$OCLOG_TEST_STORAGE_ACCOUNT\"|" \
  -e "s|^  OCLOG_BLOB_ENDPOINT: .*|  OCLOG_BLOB_ENDPOINT: \"$OCLOG_TEST_BLOB_ENDPOINT\"|" \
  -e 's|^  OCLOG_BLOB_EMULATOR: .*|  OCLOG_BLOB_EMULATOR: "on"|' \
  -e 's|^  OCLOG_TLS_CA_FILE: .*|  OCLOG_TLS_CA_FILE: /etc/fluent-bit/oclog-test-ca.pem|' /etc/fluent-bit/oclog-params.yaml
fact params-changed "$(grep -c -e oclog-test-ca -e "$OCLOG_TEST_BLOB_ENDPOINT" -e '"on"' -e "\"$OCLOG_TEST_STORAGE_ACCOUNT\"" /etc/fluent-bit/oclog-params.yaml)"
# The first SAS, as `oclog sas rotate` delivers it to a VM: on stdin to `oclog sas install`,
# which writes the include and hot-reloads Fluent Bit; what the boot buffered until now ships.
wait_for 180 curl -sf --max-time 5 http://127.0.0.1:2020/api/v1/health
fact sas-install "$(/opt/oclog/bin/oclog sas install --container "$OCLOG_TEST_CONTAINER" <"$share/sas-url" 2>&1 | tail -1 | cut -c1-300)"
rm -f "$share/sas-url"
# Provisioning builds nothing on the VM: no compiler, no node-gyp output.
fact compilers "$(for c in cc gcc g++ make; do command -v "$c"; done | paste -sd, -)"
fact native-addons-built "$(find /opt/oclog/lib -path '*/build/Release/*.node' 2>/dev/null | wc -l)"
# The image's one change to OpenClaw (vm/image/rootfs/openclaw-startup-budgets.sh): how many
# start-up budgets were raised for emulation.
fact openclaw-budgets-raised "$(grep -c ' -> ' /opt/oclog/image/openclaw-startup-budgets.txt 2>/dev/null || echo 0)"

section while-gateway-starts
# --- while the gateway starts: the checks that do not need it running ---------------------
# (the guest has two CPUs and the gateway's start keeps mostly one busy)
# The sandbox image into openclaw-sandbox's Podman store, as provisioning would build it there
# (vm/image/rootfs/oclog-import-sandbox-image); the agent turn below needs it.
(
  started=$SECONDS
  /usr/local/libexec/oclog-import-sandbox-image >"$share/sandbox-import.out" 2>&1
  echo "$? $((SECONDS - started))" >/run/oclog-sandbox-import.result
) &
sandbox_import=$!
# Probe units: each copies a real unit's sandbox and swaps its ExecStart for a probe script,
# so the probe runs exactly as that service would.
probe_unit() { # probe_unit NAME SOURCE-UNIT-OR-DROPIN SCRIPT
  local name=$1 source=$2 script=$3
  install -m 0755 "$share/$script" "/usr/local/libexec/oclog-$script"
  {
    printf '[Unit]\nDescription=oclog boot-check probe (%s)\n\n' "$name"
    # Not RuntimeDirectory=: systemd removes a unit's runtime directory when it stops, and the
    # real service's is the same one. A probe carrying fluent-bit.service's removed
    # /run/fluent-bit, forward socket and all, and the collector's every send failed after it.
    sed -n '/^\[Service\]/,/^\[Install\]/p' "$source" | grep -v '^\[Install\]' |
      grep -Ev '^(ExecStart|ExecStop|ExecReload|Restart|RestartSec|Type|PIDFile|TimeoutStopSec|RuntimeDirectory[A-Za-z]*)='
    # Opened by systemd before the sandbox applies, so the probe's answers always get out.
    printf 'Type=oneshot\nExecStart=/usr/local/libexec/oclog-%s\nStandardOutput=truncate:/run/oclog-probe/%s.out\n' "$script" "$name"
  } >"/run/systemd/system/$name.service"
  systemctl daemon-reload
  systemctl start "$name.service" || fact "probe-failed-$name" "$(systemctl show -p Result --value "$name.service")"
  grep '^probe ' "/run/oclog-probe/$name.out"
}
mkdir -p /run/oclog-probe
# What the gateway must not reach.
mkdir -p /home/alice && printf 'alice-secret\n' >/home/alice/notes.txt && chmod 0644 /home/alice/notes.txt
probe_unit oclog-probe-gateway /etc/systemd/system/openclaw.service probe-gateway.sh | sed 's/^probe /fact gateway-/'
# What the collector must reach: OpenClaw's state, read-only.
probe_unit oclog-probe-collect /etc/systemd/system/oclog-collect.service probe-collect.sh | sed 's/^probe /fact collect-/'


section exposure
# --- the same exposure as the offline check -----------------------------------------------
for unit in openclaw.service oclog-collect.service oclog-guard.service nginx.service openclaw-sandbox-podman.service fluent-bit.service; do
  systemd-analyze security --no-pager "$unit" >"$share/security-$unit.txt" 2>&1
  fact "exposure-$unit" "$(sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p' "$share/security-$unit.txt")"
done

section gateway
# --- the gateway starts under its sandbox and answers through nginx and the gate -------------
install_state state-valid.json
# Ready, or a start failed (systemd restarts it, NRestarts counts it): either ends the wait.
gateway_settled() {
  curl -sf --max-time 10 http://127.0.0.1:18789/health || [ "$(systemctl show -p NRestarts --value openclaw.service)" -gt 0 ]
}
wait_for 1200 gateway_settled
if curl -sf --max-time 10 http://127.0.0.1:18789/health >/dev/null; then fact gateway-ready yes; else fact gateway-ready no; fi
ready_at="$(cut -d' ' -f1 /proc/uptime)"
fact gateway-ready-seconds "$ready_at"
# From the start of the gateway's process to its first /health answer, in guest seconds.
started_us="$(systemctl show -p ExecMainStartTimestampMonotonic --value openclaw.service)"
fact gateway-start-to-ready-seconds "$(awk -v r="$ready_at" -v s="$started_us" 'BEGIN { printf "%.0f", r - s / 1e6 }')"
fact gateway-start-cpu-seconds "$(systemctl show -p CPUUsageNSec --value openclaw.service | awk '{ printf "%.0f", $1 / 1e9 }')"
up_pid="$(systemctl show -p MainPID --value openclaw.service)"
# The gateway's first start was done at image build time (vm/image/rootfs/setup.sh): what of its
# state the image kept and what it removed, and that the device identity the gateway uses now
# was made in this VM, during this boot (not baked into the image).
first_start=/opt/oclog/image/openclaw-first-start.txt
fact image-first-start-kept "$(sed -n 's/^kept \([^ ]*\) .*/\1/p' "$first_start" 2>/dev/null | paste -sd, -)"
fact image-first-start-removed "$(sed -n 's/^removed \([^ ]*\) [0-9][0-9]*$/\1/p' "$first_start" 2>/dev/null | paste -sd, -)"
# shellcheck disable=SC2016 # JavaScript for Node in single quotes: nothing to expand.
fact gateway-identity-made-this-boot "$(/usr/bin/node --no-warnings --input-type=module -e '
  import { DatabaseSync } from "node:sqlite";
  const db = new DatabaseSync("/var/lib/openclaw/.openclaw/state/openclaw.sqlite", { readOnly: true });
  const rows = db.prepare("SELECT created_at_ms FROM device_identities").all();
  const bootedAt = Date.now() - Number(process.argv[1]) * 1000;
  console.log(rows.length === 1 && Number(rows[0].created_at_ms) > bootedAt ? "yes" : `no (${rows.length} rows, ${rows.map((r) => new Date(Number(r.created_at_ms)).toISOString()).join(" ")})`);
' "$(cut -d' ' -f1 /proc/uptime)" 2>&1 | tail -1)"
# Why a start failed, in OpenClaw's words (its first reason line), if one did.
fact gateway-failed-starts "$(journalctl --no-pager -o cat -u openclaw.service | grep -c 'Gateway failed to start')"
fact gateway-first-failure "$(journalctl --no-pager -o cat -u openclaw.service | grep -A1 -m1 'Gateway failed to start' | sed -n 2p | cut -c1-300)"
# The cause OpenClaw's message hides when a migration lock is refused (the image's diagnostic,
# vm/image/rootfs/openclaw-lock-cause-log.sh), if one was. It was openat2 returning ENOSYS:
# RestrictSUIDSGID= makes systemd block openat2 so that callers fall back to openat, and
# @openclaw/fs-safe's native lock-file create does not (vm/image/README.md).
fact gateway-lock-cause "$(journalctl --no-pager -o cat -u openclaw.service | grep -m1 -o 'oclog-image: migration lock refused.*' | cut -c1-2000)"
# The gateway's own answer, through nginx and the gate (a valid state file is installed).
fact gate-valid-body "$(curl -s --max-time 20 http://127.0.0.1:8080/health | tr -d '\n' | cut -c1-200)"
fact gate-valid "$(gate /health | awk 'NR == 1 { print $2 }')"
install_state state-expired.json
# The gate caches the parsed file for up to 5 s per worker: reload nginx to drop that cache.
systemctl reload nginx.service
wait_for 30 sh -c "curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8080/health | grep -qx 503"
expired="$(gate /health)"
fact gate-expired "$(printf '%s\n' "$expired" | awk 'NR == 1 { print $2 }') $(printf '%s\n' "$expired" | sed -n 's/^[Xx]-[Oo]clog-[Gg]ate-[Bb]lock: //p')"
install_state state-valid.json
systemctl reload nginx.service
wait_for 30 sh -c "curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8080/health | grep -qx 200"
fact gate-valid-again "$(gate /health | awk 'NR == 1 { print $2 }')"

pid="$(systemctl show -p MainPID --value openclaw.service)"
fact gateway-active "$(systemctl is-active openclaw.service)"
fact gateway-user "$(ps -o user= -p "$pid")"
fact gateway-groups "$(ps -o supgrp= -p "$pid")"

section file-log
# --- its file log: in the logs directory, 0600 openclaw; the pipeline reads it, others do not --
log=/var/log/openclaw/openclaw.log
wait_for 60 test -s "$log"
tail -c 20000 "$log" >"$share/openclaw-log-tail.txt" 2>&1
fact log-file "$(stat -c '%a %U:%G %s' "$log" 2>/dev/null || echo missing)"
fact log-other-user "$(runuser -u nobody -- head -c1 "$log" >/dev/null 2>&1 && echo readable || echo denied)"

# What the pipeline must reach, tried under its drop-in's sandbox (a probe unit made of it).
{
  printf '[Service]\nUser=fluent-bit\nGroup=fluent-bit\n'
  sed -n '/^\[Service\]/,$p' /etc/systemd/system/fluent-bit.service.d/oclog.conf | grep -v '^\[Service\]'
} >/run/oclog-fluent-bit-sandbox.conf
probe_unit oclog-probe-pipeline /run/oclog-fluent-bit-sandbox.conf probe-pipeline.sh | sed 's/^probe /fact pipeline-/'
section agent-turn
# --- an agent turn with real tools: the host's scripted model (forwarded like the blob
# service) asks for an exec and a write, which OpenClaw runs in its Podman sandbox -----------
# The model provider goes into OpenClaw's config, which the gateway watches and hot-reloads (an
# operator would run `openclaw config set`; each CLI start costs a minute under emulation).
wait "$sandbox_import"
read -r import_rc import_seconds </run/oclog-sandbox-import.result
fact sandbox-import "$import_rc $(tail -1 "$share/sandbox-import.out" | cut -c1-200)"
fact sandbox-import-seconds "$import_seconds"
config_from=$SECONDS
reloads() { grep -c 'config hot reload applied' /var/log/openclaw/openclaw.log 2>/dev/null || true; }
reloads_before="$(reloads)"
config=/var/lib/openclaw/.openclaw/openclaw.json
# shellcheck disable=SC2016 # JavaScript for Node in single quotes: nothing to expand.
OCLOG_TEST_MODEL_URL="$OCLOG_TEST_MODEL_URL" /usr/bin/node --no-warnings --input-type=module -e '
  import { createRequire } from "node:module";
  import { readFileSync, realpathSync, writeFileSync } from "node:fs";
  // OpenClaw reads its config as JSON5: parse it with the json5 it depends on.
  const JSON5 = createRequire(realpathSync("/opt/openclaw/node_modules/openclaw/package.json"))("json5");
  const [path, out] = process.argv.slice(1);
  const config = JSON5.parse(readFileSync(path, "utf8"));
  config.models.providers = { oclog: { baseUrl: process.env.OCLOG_TEST_MODEL_URL, apiKey: "oclog-scripted-model-not-a-secret", api: "openai-completions",
    models: [{ id: "oclog-scripted", name: "oclog scripted model", contextWindow: 200000, maxTokens: 4096 }] } };
  config.agents.defaults.model = { primary: "oclog/oclog-scripted" };
  writeFileSync(out, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
' "$config" "$config.oclog-boot" && chown openclaw:openclaw "$config.oclog-boot" && mv "$config.oclog-boot" "$config"
wait_for 240 sh -c "[ \"\$(grep -c 'config hot reload applied' /var/log/openclaw/openclaw.log)\" -gt $reloads_before ]"
fact model-config-reloaded "$([ "$(reloads)" -gt "$reloads_before" ] && echo yes || echo no)"
fact model-config-seconds "$((SECONDS - config_from))"
turn_started=$SECONDS
turn_from="$(date +%s.%N)"
/opt/oclog/bin/openclaw-as-gateway agent --message "$(cat "$share/agent-message")" --json --timeout 900 >"$share/agent-turn.json" 2>"$share/agent-turn.err"
fact agent-turn-exit "$?"
fact agent-turn-seconds "$((SECONDS - turn_started))"
# The turn's window (epoch seconds) and the gateway's log after it: the host shows where the minutes went.
fact agent-turn-window "$turn_from $(date +%s.%N)"
tail -c 1000000 /var/log/openclaw/openclaw.log >"$share/openclaw-log-after-turn.txt" 2>&1
podman_as_gateway() { runuser -u openclaw -- env CONTAINER_HOST=unix:///run/openclaw-sandbox/podman.sock HOME=/var/lib/openclaw PATH=/usr/bin:/bin podman "$@"; }
fact sandbox-containers "$(podman_as_gateway ps -a --format '{{.Image}} {{.State}}' 2>&1 | sort | uniq -c | tr -s ' ' | paste -sd, -)"
# Where the write landed: the sandbox's own workspace on the VM (workspaceAccess none).
fact sandbox-written "$(find /var/lib/openclaw-workspaces -path '*/.config/systemd/user/oclog-vm-boot.service' -printf '%P %s\n' 2>/dev/null | head -1)"
# The host now watches its Azurite for the records of the turn (the guest cannot list blobs:
# its SAS is write-only) and answers in the share; until then nothing here powers off.
touch "$share/shipping-wanted"
shipping_asked=$SECONDS
wait_for 480 test -e "$share/shipping-seen"
fact shipping-wait-seconds "$((SECONDS - shipping_asked))"
fact shipping-seen "$(cat "$share/shipping-seen" 2>/dev/null || echo "not within 480 s")"

section token
# --- the token: in the gateway's environment, nowhere else -------------------------------
token="$(tr '\0' '\n' <"/proc/$pid/environ" | sed -n 's/^OPENCLAW_GATEWAY_TOKEN=//p')"
fact token-shape "$(printf '%s' "$token" | grep -Eqx 'ocgw_[A-Za-z0-9_-]{43}' && echo ok || echo bad)"
# One grep over every process's argv (NUL-separated; the token holds no NUL, so a match is within
# one argument), not a tr and a grep per process: 400 process starts took about 20 s under
# emulation. The list is made here, before grep exists: a glob in the command substitution is
# expanded in the forked child that becomes grep, so grep's own argv (which holds the token) was
# in it, and a boot failed with 1.
argv_files=(/proc/[0-9]*/cmdline)
fact token-in-argv "$(grep -alF -- "$token" "${argv_files[@]}" 2>/dev/null | wc -l)"
# Everywhere anything can be written at run time (the rest is the read-only install).
files="$(grep -rlsF --exclude-dir=oclog-check -- "$token" /etc /var /tmp /run /root /home /srv 2>/dev/null | wc -l)"
fact token-in-files "$files"
fact token-in-journal "$(journalctl --no-pager -o cat | grep -cF -- "$token")"

section units
# --- the rest of the VM's units ------------------------------------------------------------
for unit in oclog-collect.service oclog-guard.timer nginx.service nftables.service openclaw-sandbox-podman.socket fluent-bit.service; do
  fact "active-$unit" "$(systemctl is-active "$unit")"
done
# Fluent Bit's process as the unit runs it: the package's binary, its own user, one capability.
fb_pid="$(systemctl show -p MainPID --value fluent-bit.service)"
fact fluent-bit-exe "$(readlink "/proc/$fb_pid/exe" 2>/dev/null)"
fact fluent-bit-user "$(ps -o user= -p "$fb_pid" 2>/dev/null)"
fact fluent-bit-cap-eff "$(sed -n 's/^CapEff:[[:space:]]*//p' "/proc/$fb_pid/status" 2>/dev/null)"
fact fluent-bit-cmdline "$(tr '\0' ' ' <"/proc/$fb_pid/cmdline" 2>/dev/null)"
fact fluent-bit-restarts "$(systemctl show -p NRestarts --value fluent-bit.service)"
section gateway-stays-up
# --- the gateway stays up: the same process, no restart, answering through the gate ----------
# Polled here in the guest from its first answer until at least $stay_up seconds have passed
# (the checks above already took most of them) and at least $min_polls times: on a slow host the
# checks above can take longer than $stay_up, and one poll would not show it staying up.
stay_up=60
min_polls=3
polls=0
failed_polls=0
while :; do
  polls=$((polls + 1))
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 http://127.0.0.1:8080/health)" = 200 ] || failed_polls=$((failed_polls + 1))
  [ "$polls" -ge "$min_polls" ] &&
    awk -v n="$(cut -d' ' -f1 /proc/uptime)" -v r="$ready_at" -v m="$stay_up" 'BEGIN { exit !(n - r >= m) }' && break
  sleep 5
done
fact gateway-up-seconds "$(awk -v n="$(cut -d' ' -f1 /proc/uptime)" -v r="$ready_at" 'BEGIN { printf "%.0f", n - r }')"
fact gateway-up-polls "$polls"
fact gateway-up-failed-polls "$failed_polls"
fact gateway-same-process "$([ -n "$up_pid" ] && [ "$up_pid" != 0 ] && [ "$(systemctl show -p MainPID --value openclaw.service)" = "$up_pid" ] && echo yes || echo no)"
fact gateway-restarts "$(systemctl show -p NRestarts --value openclaw.service)"
# "active" alone passes a unit caught between restarts: count them too.
fact collect-restarts "$(systemctl show -p NRestarts --value oclog-collect.service)"
# The collector service as it ran this boot: which SQLite binding, what it read, whether a store failed.
collect_log="$(journalctl --no-pager -o cat -u oclog-collect.service)"
fact collect-sqlite "$(printf '%s\n' "$collect_log" | sed -n 's/^collect: start .*sqlite=\([^ ]*\).*/\1/p' | head -1)"
fact collect-stores "$(printf '%s\n' "$collect_log" | grep -c '^collect: store.found')"
fact collect-store-kinds "$(printf '%s\n' "$collect_log" | sed -n 's/^collect: store.found .*kind=\([a-z-]*\).*/\1/p' | sort -u | paste -sd, -)"
fact collect-read "$(printf '%s\n' "$collect_log" | sed -n 's/^collect: cycle read=\([0-9]*\).*/\1/p' | awk '{ n += $1 } END { print n + 0 }')"
fact collect-sent "$(printf '%s\n' "$collect_log" | sed -n 's/^collect: cycle .*sent=\([0-9]*\).*/\1/p' | awk '{ n += $1 } END { print n + 0 }')"
fact collect-store-errors "$(printf '%s\n' "$collect_log" | grep -c 'cannot read \|E_STORE_READ')"
fact collect-send-failures "$(printf '%s\n' "$collect_log" | grep -c '^collect: send.failed')"
fact collect-first-send-failure "$(printf '%s\n' "$collect_log" | grep -m1 '^collect: send.failed' | cut -c1-300)"
# Fluent Bit's forward input as the collector reaches it: the socket, and one message with a
# chunk id sent as the collector's user and groups, answered by an ack or not (tag oclog-probe:
# no output matches it, so it goes nowhere).
fact forward-socket "$(stat -c '%a %U:%G %F' /run/fluent-bit/forward.sock 2>&1)"
# shellcheck disable=SC2016 # JavaScript for Node in single quotes
fact forward-probe "$(runuser -u oclog-collect -g oclog-collect -G fluent-bit -- /usr/bin/node -e '
  const net = require("node:net");
  const str = (s) => Buffer.concat([Buffer.from([0xa0 | s.length]), Buffer.from(s)]);
  const time = Buffer.alloc(5); time[0] = 0xce; time.writeUInt32BE(Math.floor(Date.now() / 1000), 1);
  const msg = Buffer.concat([Buffer.from([0x94]), str("oclog-probe"), time, Buffer.from([0x81]), str("probe"), str("1"), Buffer.from([0x81]), str("chunk"), str("oclogprobe1")]);
  const started = Date.now();
  const socket = net.connect("/run/fluent-bit/forward.sock", () => socket.write(msg));
  socket.on("data", (d) => { console.log(`ack after ${Date.now() - started} ms: ${d.toString("latin1").replace(/[^ -~]/g, ".")}`); process.exit(0); });
  socket.on("error", (e) => { console.log(`error: ${e.code} ${e.message}`); process.exit(0); });
  setTimeout(() => { console.log("no ack within 30 s"); process.exit(0); }, 30000);
' 2>&1 | tail -1)"
curl -s --max-time 10 http://127.0.0.1:2020/api/v1/metrics >"$share/fluent-bit-metrics.json" 2>&1
fact gateway-still-active "$(systemctl is-active openclaw.service)"
fact failed-units "$(systemctl list-units --failed --no-legend --plain | awk '{ print $1 }' | paste -sd, -)"

# The journal of the units the pipeline ships (its in_journal input's filter: each unit's own
# output and systemd's messages about it), in journald's export format, for the host to keep
# a scrubbed copy of (test/fixtures/vm-sources/journal-guest.export).
matches=()
for unit in openclaw nginx oclog-collect oclog-guard fluent-bit openclaw-sandbox-podman; do
  matches+=("_SYSTEMD_UNIT=$unit.service" + "UNIT=$unit.service" +)
done
journalctl --no-pager -o export "${matches[@]:0:${#matches[@]}-1}" >"$share/journal-guest.export"
fact journal-export-entries "$(grep -c '^__CURSOR=' "$share/journal-guest.export")"
fact token-in-journal-export "$(grep -caF -- "$token" "$share/journal-guest.export")"

# For the host's failure output: the journal of the units under test.
journalctl --no-pager -o short-monotonic -n 300 -u openclaw -u nginx -u oclog-collect -u oclog-guard \
  -u openclaw-sandbox-podman -u fluent-bit -u 'oclog-probe-*' >"$share/journal.txt" 2>&1
section end
