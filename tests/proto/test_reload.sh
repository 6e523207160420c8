#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Reload of l2tpd.conf itself (vpnctl reload, SIGHUP), as far as it goes
# now: the [global] limits apply at once without touching the sessions up;
# what needs a restart (listen address, port, added/removed/changed [lns]
# and [lac] sections) is named in the reply and the log; a file with an
# error is refused with file:line and what was in force stays.
# Usage: tests/proto/test_reload.sh BUILD_DIR
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
proto_init test_reload "${1:-build}"
command -v jq >/dev/null || proto_abort "jq is needed"

p_lns=$(free_port) p_lac=$(free_port 127.0.0.2) p_new=$(free_port)
lns_conf() { # MAX_TUNNELS PORT [MORE...]
	printf '[global]\nlisten-addr = 127.0.0.1\nport = %s\ndataplane = none\n' "$2"
	printf 'max tunnels = %s\n[lns default]\nhostname = lns\n' "$1"
	shift 2
	[ $# -eq 0 ] || printf '%s\n' "$@"
}
lns_conf 10 "$p_lns" >"$tmp/lns.conf"
{
	printf '[global]\nlisten-addr = 127.0.0.2\nport = %s\ndataplane = none\n' "$p_lac"
	for n in a b; do
		printf '[lac %s]\nlns = 127.0.0.1:%s\nautodial = yes\nredial = no\n' "$n" "$p_lns"
	done
	printf '[lac c]\nlns = 127.0.0.1:%s\nautodial = no\nredial = no\n' "$p_lns"
} >"$tmp/lac.conf"
start_l2tpd lns "$tmp/lns.conf" || proto_abort "LNS started" "$(log_tail lns)"
start_l2tpd lac "$tmp/lac.conf" || proto_abort "LAC started" "$(log_tail lac)"
up() { [ "$(ctl_q lns '[.sessions[]|select(.state=="established")]|length' sessions)" = "$1" ]; }
check "two sessions up" wait_for 10 up 2
ids_before=$(ctl_q lns '[.sessions[].id]|sort|@csv' sessions)

section "limits apply at once; restart-only changes are named"
lns_conf 2 "$p_new" "[lns other]" "lac = 192.0.2.1" >"$tmp/lns.conf"
reply=$(ctl lns reload)
check_eq "reload answers ok" "$(jq .ok <<<"$reply")" true
check_eq "the reply names what needs a restart" "$(jq -r .restart_needed <<<"$reply")" \
	"port, [lns other] added"
check "the log names it too" log_has lns "reloaded the limits; a restart applies: port, \[lns other\] added"
check_eq "the sessions up stay, the same ones" "$(ctl_q lns '[.sessions[].id]|sort|@csv' sessions)" "$ids_before"
check "still listening on the old port" eval "ctl_q lns .tunnels status | grep -qx 2"
# 'max tunnels = 2' is in force: a third tunnel is refused for the limit.
ctl_ok lac lac connect c
limited() { [ "$(ctl_q lns .since_start.tunnels_refused_limit stats)" -ge 1 ]; }
check "max tunnels lowered to 2: the third tunnel is refused (limit)" wait_for 10 limited
check "... and the two sessions are still up" up 2

section "a file with an error is refused, the configuration in force stays"
lns_conf "many" "$p_new" >"$tmp/lns.conf"
out=$("$build/vpnctl" -s "$tmp/lns.ctl" reload 2>&1)
rc=$?
check_eq "reload with a bad value exits 1" "$rc" 1
check "... naming file, line and key" grep -q "lns.conf:5: 'max tunnels'" <<<"$out"
check "... the sessions stay" up 2

section "SIGHUP does the same"
lns_conf 10 "$p_lns" >"$tmp/lns.conf"
sed -i '/^\[lac b\]/,$d' "$tmp/lac.conf"
printf '[lac gone]\nlns = 127.0.0.1:%s\n' "$p_lns" >>"$tmp/lac.conf"
kill -HUP "${PROTO_PID[lac]}"
check "SIGHUP on the LAC: the removed [lac b] and [lac c] are named" \
	wait_log lac "a restart applies: .*\[lac b\] removed, \[lac c\] removed" 5
check "... the added [lac gone] too" log_has lac "\[lac gone\] added"
check "... and the LAC's sessions stay" eval \
	"[ \"\$(ctl_q lac '[.sessions[]|select(.state==\"established\")]|length' sessions)\" = 2 ]"
reply=$(ctl lns reload)
check_eq "back to the file of the start: nothing waits for a restart" \
	"$(jq -r '.restart_needed // "none"' <<<"$reply")" none

proto_finish
