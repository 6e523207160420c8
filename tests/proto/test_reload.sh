#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Reload of l2tpd.conf itself (vpnctl reload, SIGHUP): the [global] limits
# apply at once; [lac] and [lns] sections added, removed and changed take
# effect while the tunnels and sessions of the sections that did not change
# stay (same tunnel and session IDs); a changed dialler dials again with
# its new settings; what needs a restart (listen address, port) is named in
# the reply and the log; a file with an error is refused with file:line
# and what was in force stays.
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
lac_section() { # NAME AUTODIAL [MORE...]
	printf '[lac %s]\nlns = 127.0.0.1:%s\nautodial = %s\nredial = no\n' \
		"$1" "$p_lns" "$2"
	shift 2
	[ $# -eq 0 ] || printf '%s\n' "$@"
}
lac_global() {
	printf '[global]\nlisten-addr = 127.0.0.2\nport = %s\ndataplane = none\n' "$p_lac"
}
lns_conf 10 "$p_lns" >"$tmp/lns.conf"
{
	lac_global
	lac_section a yes
	lac_section b yes
	lac_section c no
} >"$tmp/lac.conf"
start_l2tpd lns "$tmp/lns.conf" || proto_abort "LNS started" "$(log_tail lns)"
start_l2tpd lac "$tmp/lac.conf" || proto_abort "LAC started" "$(log_tail lac)"
up() { # NAME COUNT: sessions established
	[ "$(ctl_q "$1" '[.sessions[]|select(.state=="established")]|length' sessions)" = "$2" ]
}
# tunnel_of NAME SECTION: "ID" of the section's established tunnel
tunnel_of() {
	ctl_q "$1" "[.tunnels[]|select(.section==\"$2\" and .state==\"established\")|.id]|join(\",\")" tunnels
}
# session_of NAME TUNNEL_ID: "ID" of the established session in it
session_of() {
	ctl_q "$1" "[.sessions[]|select(.tunnel==$2 and .state==\"established\")|.id]|join(\",\")" sessions
}
# tunnel_up NAME SECTION [NOT_ID]: an established tunnel of the section
# with a session up in it, other than NOT_ID
tunnel_up() {
	local id
	id=$(tunnel_of "$1" "$2")
	[[ "$id" =~ ^[0-9]+$ ]] && [ "$id" != "${3:-}" ] && [ -n "$(session_of "$1" "$id")" ]
}
check "two sessions up" wait_for 10 up lns 2
ids_before=$(ctl_q lns '[.sessions[].id]|sort|@csv' sessions)

section "limits apply at once; restart-only changes are named"
lns_conf 2 "$p_new" >"$tmp/lns.conf"
reply=$(ctl lns reload)
check_eq "reload answers ok" "$(jq .ok <<<"$reply")" true
check_eq "the reply names what needs a restart" "$(jq -c .restart_needed <<<"$reply")" '["port"]'
check_eq "... and no section added, removed or changed" \
	"$(jq -c '[.added,.removed,.changed]' <<<"$reply")" '[[],[],[]]'
check "the log names it too" log_has lns "reloaded; a restart applies: port"
check_eq "the sessions up stay, the same ones" "$(ctl_q lns '[.sessions[].id]|sort|@csv' sessions)" "$ids_before"
check "still listening on the old port" eval "ctl_q lns .tunnels status | grep -qx 2"
# 'max tunnels = 2' is in force: a third tunnel is refused for the limit.
ctl_ok lac lac connect c
limited() { [ "$(ctl_q lns .since_start.tunnels_refused_limit stats)" -ge 1 ]; }
check "max tunnels lowered to 2: the third tunnel is refused (limit)" wait_for 10 limited
check "... and the two sessions are still up" up lns 2
ctl_ok lac lac disconnect c
lns_conf 10 "$p_lns" >"$tmp/lns.conf"
sed -i 's/^listen-addr = 127.0.0.1$/listen-addr = 127.0.0.3/' "$tmp/lns.conf"
check_eq "a changed listen-addr is named for a restart" \
	"$(ctl_q lns '.restart_needed|tojson' reload)" '["listen-addr"]'
check "... and the log says so" log_has lns "reloaded; a restart applies: listen-addr$"
lns_conf 10 "$p_lns" >"$tmp/lns.conf"
check_eq "back to the port of the start: nothing waits for a restart" \
	"$(ctl_q lns '.restart_needed|length' reload)" 0

section "a changed [lac] redials with its new settings, the other stays"
ta=$(tunnel_of lac a) tb=$(tunnel_of lac b)
sb=$(session_of lac "$tb")
# The LNS's side of b's tunnel: its peer is the LAC's tunnel ID.
lns_tb=$(ctl_q lns "[.tunnels[]|select(.peer_id==$tb)|.id][0]" tunnels)
lns_sb=$(session_of lns "$lns_tb")
check "[lac a] and [lac b] have a tunnel and a session each, on the LNS too" \
	eval "[[ '$ta' =~ ^[0-9]+$ && '$tb' =~ ^[0-9]+$ && '$sb' =~ ^[0-9]+$ && '$lns_sb' =~ ^[0-9]+$ ]]"
{
	lac_global
	lac_section a yes "hostname = a2"
	lac_section b yes
	lac_section c no
} >"$tmp/lac.conf"
t0=$(now_ms)
out=$("$build/vpnctl" -s "$tmp/lac.ctl" reload)
check_eq "vpnctl reload says [lac a] changed, nothing else" "$out" "changed: [lac a]"
check "the log says so" log_has lac "reloaded; changed \[lac a\]"
check "[lac a]'s tunnel was closed, the reason in its StopCCN" \
	wait_log lns "StopCCN.*\[lac a\] changed by a reload" 5
check "[lac a] dialled again: a new tunnel with a session" wait_for 10 tunnel_up lac a "$ta"
echo "# [lac a]: session up again $(($(now_ms) - t0)) ms after the reload (polled every 0.1 s)"
check "... which the LNS sees with the new host name" \
	wait_for 5 eval "[ \"\$(ctl_q lns '[.tunnels[]|select(.host==\"a2\" and .state==\"established\")]|length' tunnels)\" = 1 ]"
check_eq "[lac b] keeps its tunnel ID" "$(tunnel_of lac b)" "$tb"
check_eq "... and its session ID" "$(session_of lac "$tb")" "$sb"
check_eq "the LNS keeps b's tunnel and session (same IDs)" \
	"$(ctl_q lns "[.tunnels[]|select(.peer_id==$tb)|.id][0]" tunnels)/$(session_of lns "$lns_tb")" \
	"$lns_tb/$lns_sb"
check "two sessions up on the LNS" wait_for 5 up lns 2

section "SIGHUP: a removed [lac] closes, an added one dials"
ta=$(tunnel_of lac a)
sa=$(session_of lac "$ta")
{
	lac_global
	lac_section a yes "hostname = a2"
	lac_section c no
	lac_section d yes
} >"$tmp/lac.conf"
kill -HUP "${PROTO_PID[lac]}"
check "the log names [lac d] added and [lac b] removed" \
	wait_log lac "reloaded; added \[lac d\]; removed \[lac b\]$" 5
check "[lac b]'s tunnel was closed, the reason in its StopCCN" \
	wait_log lns "StopCCN.*\[lac b\] removed by a reload" 5
check "[lac d] dialled: a tunnel with a session" wait_for 10 tunnel_up lac d
check_eq "[lac a] keeps its tunnel ID" "$(tunnel_of lac a)" "$ta"
check_eq "... and its session ID" "$(session_of lac "$ta")" "$sa"
check_eq "[lac b] has no tunnel" "$(ctl_q lac '[.tunnels[]|select(.section=="b" and .state=="established")]|length' tunnels)" 0
check "two sessions up on the LNS (a and d)" wait_for 5 up lns 2

section "LNS: an added [lns] admits the peers it matches, the others stay"
lns_sessions=$(ctl_q lns '[.sessions[]|[.tunnel,.id]]|sort|@csv' sessions)
lns_conf 10 "$p_lns" "[lns near]" "lac = 127.0.0.2" "hostname = near" "ip range = 10.9.0.10-10.9.0.20" >"$tmp/lns.conf"
reply=$(ctl lns reload)
check_eq "the reply names [lns near] added" \
	"$(jq -c '[.added,.removed,.changed,.restart_needed]' <<<"$reply")" '[["[lns near]"],[],[],[]]'
ctl_ok lac lac connect c
check "a new tunnel from the LAC is served by [lns near]" wait_for 10 tunnel_up lns near
check "... and the LAC sees its host name" wait_for 5 eval \
	"[ \"\$(ctl_q lac '[.tunnels[]|select(.section==\"c\" and .state==\"established\")|.host][0]' tunnels)\" = near ]"
check_eq "the tunnels of [lns default] stay, with their sessions" \
	"$(ctl_q lns '[.sessions[]|select(.tunnel!=('"$(tunnel_of lns near)"'))|[.tunnel,.id]]|sort|@csv' sessions)" \
	"$lns_sessions"

section "LNS: a changed [lns] closes its tunnels only"
lns_conf 10 "$p_lns" "[lns near]" "lac = 127.0.0.2" "hostname = nearer" "ip range = 10.9.0.10-10.9.0.20" >"$tmp/lns.conf"
reply=$(ctl lns reload)
check_eq "the reply names [lns near] changed" "$(jq -c .changed <<<"$reply")" '["[lns near]"]'
check "the LAC hears why" wait_log lac "StopCCN.*\[lns near\] changed by a reload" 5
check "[lac c]'s tunnel is gone" wait_for 5 eval \
	"[ \"\$(ctl_q lac '[.tunnels[]|select(.section==\"c\" and .state==\"established\")]|length' tunnels)\" = 0 ]"
check_eq "the tunnels of [lns default] stay, with their sessions" \
	"$(ctl_q lns '[.sessions[]|[.tunnel,.id]]|sort|@csv' sessions)" "$lns_sessions"
lns_conf 10 "$p_lns" >"$tmp/lns.conf"
check_eq "removing [lns near] is named" "$(ctl_q lns '.removed|tojson' reload)" '["[lns near]"]'
check_eq "... and the sessions of [lns default] stay" \
	"$(ctl_q lns '[.sessions[]|[.tunnel,.id]]|sort|@csv' sessions)" "$lns_sessions"

section "a changed [lac] that was connected by hand dials again; one down stays down"
{
	lac_global
	lac_section a yes "hostname = a2"
	lac_section c no "hostname = c2"
	lac_section d yes
} >"$tmp/lac.conf"
ctl_ok lac lac connect c
check "[lac c] connected by hand" wait_for 10 tunnel_up lac c
tc=$(tunnel_of lac c)
check_eq "the reply names [lac c] changed" "$(ctl_q lac '.changed|tojson' reload)" '["[lac c]"]'
check "[lac c] dialled again, the LNS sees its new host name" wait_for 10 eval \
	"[ \"\$(ctl_q lns '[.tunnels[]|select(.host==\"c2\" and .state==\"established\")]|length' tunnels)\" = 1 ]"
check "... with a session" wait_for 5 tunnel_up lac c "$tc"
ctl_ok lac lac disconnect c
sed -i 's/^hostname = c2$/hostname = c3/' "$tmp/lac.conf"
check_eq "[lac c] changed again while down" "$(ctl_q lac '.changed|tojson' reload)" '["[lac c]"]'
sleep 1
check_eq "... and it stays down (autodial = no)" \
	"$(ctl_q lac '[.tunnels[]|select(.section=="c" and .state!="closing")]|length' tunnels)" 0

section "a file with an error is refused, the configuration in force stays"
lns_conf "many" "$p_new" >"$tmp/lns.conf"
out=$("$build/vpnctl" -s "$tmp/lns.ctl" reload 2>&1)
rc=$?
check_eq "reload with a bad value exits 1" "$rc" 1
check "... naming file, line and key" grep -q "lns.conf:5: 'max tunnels'" <<<"$out"
check "... the sessions stay" up lns 2
lns_conf 10 "$p_lns" "[lns x]" "ip range = 10.0.0.9-10.0.0.2" >"$tmp/lns.conf"
out=$("$build/vpnctl" -s "$tmp/lns.ctl" reload 2>&1)
check "a bad pool in an added section is refused" grep -q "lns.conf:.*'ip range'" <<<"$out"
check_eq "... and nothing was added" "$(ctl_q lns '[.tunnels[]|select(.section=="x")]|length' tunnels)" 0
check "... the sessions stay" up lns 2

section "after the reloads both daemons stop clean"
# (with sanitizers, a leak of what reloads retired fails the exit status)
stop_daemon lac TERM 10
check_eq "the LAC exits 0" "$?" 0
stop_daemon lns TERM 10
check_eq "the LNS exits 0" "$?" 0

proto_finish
