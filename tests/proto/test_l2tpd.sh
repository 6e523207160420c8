#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# l2tpd against l2tpd on loopback (dataplane none): tunnels and sessions up
# and down from either side, many tunnels and sessions, HELLO timeout,
# challenge and hidden AVPs, access list, limits, redial, configuration
# errors, and hostile input from tests/proto/l2tp_raw.py.
# Usage: tests/proto/test_l2tpd.sh BUILD_DIR
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
proto_init test_l2tpd "${1:-build}"
raw=$here/l2tp_raw.py

for f in "$build/l2tpd" "$build/vpnctl"; do
	[ -x "$f" ] || proto_abort "$f not built"
done
command -v jq >/dev/null || proto_abort "jq is needed"

echo "* * s3cret" >"$tmp/secrets"

# global_conf ADDR PORT [MORE...]: a [global] section for dataplane none;
# retries are few so that linger and peer-dead times stay short (7 s).
global_conf() {
	local a=$1 p=$2
	shift 2
	printf '[global]\nlisten-addr = %s\nport = %s\ndataplane = none\n' "$a" "$p"
	printf 'max retries = 2\n'
	[ $# -eq 0 ] || printf '%s\n' "$@"
}

# lac_section NAME LNS_PORT [MORE...]
lac_section() {
	local n=$1 p=$2
	shift 2
	printf '[lac %s]\nlns = 127.0.0.1:%s\nautodial = yes\n' "$n" "$p"
	[ $# -eq 0 ] || printf '%s\n' "$@"
}

n_tunnels() { # NAME [STATE]
	local f=true
	[ -z "${2:-}" ] || f=".state==\"$2\""
	ctl_q "$1" "[.tunnels[]|select($f)]|length" tunnels
}

n_sessions() { # NAME [STATE]
	local f=true
	[ -z "${2:-}" ] || f=".state==\"$2\""
	ctl_q "$1" "[.sessions[]|select($f)]|length" sessions
}

status_of() { # NAME FIELD
	ctl_q "$1" ".$2" status
}

tunnels_are() { # NAME STATE COUNT: exactly COUNT tunnels, all in STATE
	[ "$(n_tunnels "$1" "$2")" = "$3" ] && [ "$(n_tunnels "$1")" = "$3" ]
}

sessions_are() {
	[ "$(n_sessions "$1" "$2")" = "$3" ] && [ "$(n_sessions "$1")" = "$3" ]
}

no_established() { # NAME: no tunnel of NAME is established
	[ "$(n_tunnels "$1" established)" = 0 ]
}

# ---------------------------------------------------------------------------
section "1 LAC to 1 LNS"
p_lns=$(free_port) p_lac=$(free_port 127.0.0.2)
global_conf 127.0.0.1 "$p_lns" >"$tmp/lns.conf"
printf '[lns default]\nhostname = lns1\n' >>"$tmp/lns.conf"
{
	global_conf 127.0.0.2 "$p_lac"
	lac_section one "$p_lns" "hostname = lac1" "redial = no"
} >"$tmp/lac.conf"
start_l2tpd lns "$tmp/lns.conf" -s "$tmp/secrets" ||
	proto_abort "LNS started" "$(log_tail lns)"
start_l2tpd lac "$tmp/lac.conf" -s "$tmp/secrets" ||
	proto_abort "LAC started" "$(log_tail lac)"
if wait_for 5 sessions_are lns established 1 &&
	wait_for 5 sessions_are lac established 1; then
	ok "tunnel and session established on both sides"
else
	fail "tunnel and session established on both sides" \
		"lns: $(ctl lns sessions)" "lac: $(ctl lac sessions)"
fi
lt=$(ctl lns tunnels) ct=$(ctl lac tunnels)
ls=$(ctl lns sessions) cs=$(ctl lac sessions)
check_eq "tunnel states" "$(jq -r '.tunnels[0].state' <<<"$lt") $(jq -r '.tunnels[0].state' <<<"$ct")" \
	"established established"
check_eq "tunnel IDs match crosswise" \
	"$(jq '.tunnels[0].id' <<<"$lt")/$(jq '.tunnels[0].peer_id' <<<"$lt")" \
	"$(jq '.tunnels[0].peer_id' <<<"$ct")/$(jq '.tunnels[0].id' <<<"$ct")"
check_eq "session IDs match crosswise" \
	"$(jq '.sessions[0].id' <<<"$ls")/$(jq '.sessions[0].peer_id' <<<"$ls")" \
	"$(jq '.sessions[0].peer_id' <<<"$cs")/$(jq '.sessions[0].id' <<<"$cs")"
check_eq "sessions point at their tunnels" \
	"$(jq '.sessions[0].tunnel' <<<"$ls") $(jq '.sessions[0].tunnel' <<<"$cs")" \
	"$(jq '.tunnels[0].id' <<<"$lt") $(jq '.tunnels[0].id' <<<"$ct")"
check_eq "host names and roles" \
	"$(jq -r '.tunnels[0]|"\(.host) \(.role) \(.section)"' <<<"$lt"); $(jq -r '.tunnels[0]|"\(.host) \(.role) \(.section)"' <<<"$ct")" \
	"lac1 lns default; lns1 lac one"
check_eq "incoming call on both sides" \
	"$(jq -r '.sessions[0].call' <<<"$ls") $(jq -r '.sessions[0].call' <<<"$cs")" \
	"incoming incoming"
# [global] listen-addr applies to what the LAC sends too, as in xl2tpd.
check "LAC tunnel leaves from its listen-addr" \
	grep -q '^127\.0\.0\.2:' <<<"$(jq -r '.tunnels[0].peer' <<<"$lt")"
check_eq "LAC status counts" "$(ctl_q lac '"\(.tunnels) \(.sessions) \(.tunnels_created)"' status)" "1 1 1"
lns_tid=$(jq '.tunnels[0].id' <<<"$lt")
lac_tid=$(jq '.tunnels[0].id' <<<"$ct")

# ---------------------------------------------------------------------------
section "50 outgoing calls in one tunnel"
t0=$(now_ms)
errs=0
for i in $(seq 50); do
	ctl lns call "$lns_tid" "555$i" >/dev/null || errs=$((errs + 1))
done
check_eq "50 calls placed" "$errs" 0
if wait_for 10 sessions_are lns established 51 &&
	wait_for 5 sessions_are lac established 51; then
	ok "51 sessions established on both sides ($(($(now_ms) - t0)) ms)"
else
	fail "51 sessions established on both sides" \
		"lns: $(n_sessions lns established)/$(n_sessions lns)" \
		"lac: $(n_sessions lac established)/$(n_sessions lac)"
fi
check_eq "LAC sees 50 outgoing calls" \
	"$(ctl_q lac '[.sessions[]|select(.call=="outgoing")]|length' sessions)" 50
check_eq "all session IDs match crosswise" \
	"$(ctl_q lns '[.sessions[]|"\(.id)/\(.peer_id)"]|sort|join(" ")' sessions)" \
	"$(ctl_q lac '[.sessions[]|"\(.peer_id)/\(.id)"]|sort|join(" ")' sessions)"
check_eq "tunnel counts 51 sessions" "$(ctl_q lns '.tunnels[0].sessions' tunnels)" 51

section "teardown of sessions"
sid=$(ctl_q lns '[.sessions[]|select(.call=="outgoing")][0].id' sessions)
peer_sid=$(ctl_q lns "[.sessions[]|select(.id==$sid)][0].peer_id" sessions)
check "LNS session close $sid" ctl_ok lns session close "$sid" "tunnel=$lns_tid"
if wait_log lac "session $peer_sid .*CDN from peer: result 3/0" 3 &&
	wait_for 3 sessions_are lac established 50; then
	ok "LAC got the CDN and dropped the session"
else
	fail "LAC got the CDN and dropped the session" "$(log_tail lac 3)"
fi
check_eq "LNS has 50 sessions" "$(n_sessions lns)" 50
sid=$(ctl_q lac '[.sessions[]|select(.call=="incoming")][0].id' sessions)
peer_sid=$(ctl_q lac '[.sessions[]|select(.call=="incoming")][0].peer_id' sessions)
check "LAC session close $sid" ctl_ok lac session close "$sid"
if wait_log lns "session $peer_sid .*CDN from peer: result 3/0" 3 &&
	wait_for 3 sessions_are lns established 49; then
	ok "LNS got the CDN and dropped the session"
else
	fail "LNS got the CDN and dropped the session" "$(log_tail lns 3)"
fi
check "tunnel survives its sessions" tunnels_are lns established 1
check "session close of an unknown ID is an error" \
	eval "! ctl lns session close 65535 >/dev/null 2>&1"

section "teardown of tunnels"
check "LNS tunnel close" ctl_ok lns tunnel close "$lns_tid"
if wait_log lac "tunnel $lac_tid .*StopCCN from peer: result 1/0.*closed by the operator" 2; then
	ok "LAC got StopCCN result 1 with the reason"
else
	fail "LAC got StopCCN result 1 with the reason" "$(log_tail lac 3)"
fi
check "LAC dropped all 49 sessions" wait_for 2 eval '[ "$(n_sessions lac)" = 0 ]'
check_eq "LNS tunnel lingers as closing, without sessions" \
	"$(ctl_q lns '.tunnels[]|"\(.state) \(.sessions)"' tunnels)" "closing 0"
check "closing tunnel cannot be closed again" \
	eval "! ctl lns tunnel close $lns_tid >/dev/null 2>&1"
closed_at=$(now_ms)

check "lac connect redials" ctl_ok lac lac connect one
wait_for 5 sessions_are lac established 1
check_eq "LAC tunnel and session up again" \
	"$(n_tunnels lac established) $(n_sessions lac established)" "1 1"
check "lac connect of an unknown section is an error" \
	eval "! ctl lac lac connect nowhere >/dev/null 2>&1"
lac_tid=$(ctl_q lac '[.tunnels[]|select(.state=="established")][0].id' tunnels)
check "lac disconnect" ctl_ok lac lac disconnect one
if wait_log lns "StopCCN from peer: result 1/0.*disconnected by the operator" 2; then
	ok "LNS got StopCCN result 1 from lac disconnect"
else
	fail "LNS got StopCCN result 1 from lac disconnect" "$(log_tail lns 3)"
fi
check "LNS has no established tunnel" no_established lns
# The first closed tunnel is forgotten after the linger: one full
# retransmission cycle, 1+2+4 s with 'max retries = 2'.
if wait_for 9 eval "[ \"\$(ctl_q lns '[.tunnels[]|select(.id==$lns_tid)]|length' tunnels)\" = 0 ]"; then
	ok "closed tunnel forgotten after the linger ($(($(now_ms) - closed_at)) ms)"
else
	fail "closed tunnel forgotten after the linger" "$(ctl lns tunnels)"
fi

section "SIGTERM of either side"
ctl_ok lac lac connect one
wait_for 5 sessions_are lns established 1
t0=$(now_ms)
stop_daemon lac TERM 6
rc=$?
t1=$(now_ms)
check_eq "LAC exits 0 on SIGTERM" "$rc" 0
check "LNS got StopCCN result 6 from the stopping LAC" \
	log_has lns "StopCCN from peer: result 6/0"
check_le "LAC stopped within 3 s of its 7 s limit (StopCCN acknowledged)" $((t1 - t0)) 3000
check "LNS has no established tunnel" no_established lns

start_l2tpd lac "$tmp/lac.conf" -s "$tmp/secrets" || fail "LAC restarted"
wait_for 5 sessions_are lac established 1
t0=$(now_ms)
stop_daemon lns TERM 6
check_eq "LNS exits 0 on SIGTERM" "$?" 0
if wait_log lac "StopCCN from peer: result 6/0" 2; then
	ok "LAC got StopCCN result 6 within $(($(now_ms) - t0)) ms"
else
	fail "LAC got StopCCN result 6" "$(log_tail lac 3)"
fi
check "LAC has no established tunnel" no_established lac
check "LNS removed its pid file" eval "[ ! -e '$tmp/lns.pid' ]"
stop_daemon lac

# ---------------------------------------------------------------------------
section "redial after the LNS restarts"
{
	global_conf 127.0.0.2 "$p_lac"
	lac_section one "$p_lns" "redial = yes" "redial timeout = 1"
} >"$tmp/lacr.conf"
start_l2tpd lns "$tmp/lns.conf" -s "$tmp/secrets" || fail "LNS restarted"
start_l2tpd lacr "$tmp/lacr.conf" -s "$tmp/secrets" || fail "redial LAC started"
wait_for 5 sessions_are lacr established 1
first=$(ctl_q lacr '.tunnels[0].id' tunnels)
stop_daemon lns
sleep 1.5
start_l2tpd lns "$tmp/lns.conf" -s "$tmp/secrets" || fail "LNS restarted"
t0=$(now_ms)
if wait_for 12 sessions_are lns established 1 &&
	wait_for 2 eval "[ \"\$(n_sessions lacr established)\" = 1 ]"; then
	ok "LAC redialled the restarted LNS ($(($(now_ms) - t0)) ms)"
else
	fail "LAC redialled the restarted LNS" "$(log_tail lacr 5)"
fi
check "redial was logged" log_has lacr "\[lac one\]: redial 1 in 1 s"
check "the redial is a new tunnel" \
	eval "[ \"\$(ctl_q lacr '[.tunnels[]|select(.state==\"established\")][0].id' tunnels)\" != '$first' ]"
stop_daemon lacr

# ---------------------------------------------------------------------------
section "20 tunnels from one LAC daemon"
p_many=$(free_port 127.0.0.3)
{
	global_conf 127.0.0.3 "$p_many" "max half-open per peer = 32"
	for i in $(seq 20); do
		lac_section "t$i" "$p_lns" "hostname = many$i"
	done
} >"$tmp/many.conf"
# The LNS allows 8 half-open tunnels per peer address by default; 20
# simultaneous dials from one address need more.
sed -i 's/^max retries = 2$/max retries = 2\nmax half-open per peer = 32/' "$tmp/lns.conf"
stop_daemon lns
start_l2tpd lns20 "$tmp/lns.conf" -s "$tmp/secrets" || fail "LNS restarted"
t0=$(now_ms)
start_l2tpd many "$tmp/many.conf" -s "$tmp/secrets" || fail "20-tunnel LAC started"
if wait_for 10 sessions_are lns20 established 20; then
	ok "20 tunnels and sessions established ($(($(now_ms) - t0)) ms)"
else
	fail "20 tunnels and sessions established" "$(n_sessions lns20 established)"
fi
check "20 tunnels on the LAC side" tunnels_are many established 20
# dataplane none: the kernel's 4-tuple limit does not apply, so all 20 leave
# from the LAC daemon's 'port', as xl2tpd's do.
check_eq "all tunnels leave from the LAC's 'port'" \
	"$(ctl_q lns20 '[.tunnels[].peer]|unique' tunnels | jq -r '.[]')" "127.0.0.3:$p_many"
check_eq "each from the LAC's address" \
	"$(ctl_q lns20 '[.tunnels[].peer|select(startswith("127.0.0.3:"))]|length' tunnels)" 20
check_eq "host names of all 20" \
	"$(ctl_q lns20 '[.tunnels[].host]|unique|length' tunnels)" 20
t0=$(now_ms)
stop_daemon many
check_le "LAC with 20 tunnels stops within 3 s of its 7 s limit" $(($(now_ms) - t0)) 3000
check_eq "LNS got 20 StopCCNs" "$(log_count lns20 'StopCCN from peer: result 6/0')" 20
check "LNS has no established tunnel" no_established lns20
stop_daemon lns20

# ---------------------------------------------------------------------------
section "HELLO keepalive and peer timeout"
p_h=$(free_port) p_hl=$(free_port 127.0.0.2)
{
	global_conf 127.0.0.1 "$p_h"
	printf '[lns default]\nhello interval = 1\n'
} >"$tmp/lnsh.conf"
{
	global_conf 127.0.0.2 "$p_hl"
	lac_section one "$p_h" "hello interval = 1"
} >"$tmp/lach.conf"
start_l2tpd lnsh "$tmp/lnsh.conf" -s "$tmp/secrets" || fail "LNS started"
start_l2tpd lach "$tmp/lach.conf" -s "$tmp/secrets" || fail "LAC started"
wait_for 5 sessions_are lnsh established 1
sleep 2.5
check_eq "HELLOs keep the idle tunnel up without retransmissions" \
	"$(ctl_q lnsh '.tunnels[0]|"\(.state) \(.retransmits)"' tunnels)" "established 0"
stop_daemon lach KILL
t0=$(now_ms)
# Quiet 1 s, HELLO, retransmissions after 1 and 2 s, given up 4 s later:
# about 8 s.
if wait_for 12 eval '[ "$(n_tunnels lnsh)" = 0 ]'; then
	dt=$(($(now_ms) - t0))
	if [ "$dt" -ge 5000 ] && [ "$dt" -le 11000 ]; then
		ok "LNS dropped the dead peer's tunnel after $dt ms (5-11 s)"
	else
		fail "LNS dropped the dead peer's tunnel after $dt ms, want 5-11 s"
	fi
else
	fail "LNS dropped the dead peer's tunnel" "$(ctl lnsh tunnels)"
fi
check "peer timeout logged" log_has lnsh "peer stopped answering \(2 retransmissions"
check_eq "its session is gone" "$(n_sessions lnsh)" 0
stop_daemon lnsh

# ---------------------------------------------------------------------------
section "challenge and hidden AVPs"
p_c=$(free_port)
{
	global_conf 127.0.0.1 "$p_c"
	printf '[lns hidden]\nlac = 127.0.0.12\nchallenge = yes\nhidden bit = yes\n'
	printf '[lns default]\nchallenge = yes\n'
} >"$tmp/lnsc.conf"
echo "* * wrong" >"$tmp/wrong.secrets"
cp "$tmp/secrets" "$tmp/lnsc.secrets"
start_l2tpd lnsc "$tmp/lnsc.conf" -s "$tmp/lnsc.secrets" || fail "challenge LNS started"
# lac_daemon NAME ADDR SECRETS [LAC LINES...]
lac_daemon() {
	local n=$1 a=$2 s=$3 p
	shift 3
	p=$(free_port "$a")
	{
		global_conf "$a" "$p"
		lac_section one "$p_c" "redial = no" "$@"
	} >"$tmp/$n.conf"
	start_l2tpd "$n" "$tmp/$n.conf" ${s:+-s "$s"} || fail "$n started" "$(log_tail "$n")"
}
lac_daemon lacok 127.0.0.2 "$tmp/secrets" "challenge = yes"
check "matching secrets: session up" wait_for 5 sessions_are lacok established 1
check_eq "LNS section" "$(ctl_q lnsc '.tunnels[0].section' tunnels)" default
stop_daemon lacok

lac_daemon lacbad 127.0.0.2 "$tmp/wrong.secrets"
if wait_log lacbad "StopCCN from peer: result 4/0" 5; then
	ok "LAC with the wrong secret gets StopCCN result 4"
else
	fail "LAC with the wrong secret gets StopCCN result 4" "$(log_tail lacbad 3)"
fi
check "LNS logs the challenge mismatch" log_has lnsc "challenge response mismatch"
check "no established tunnel on the LNS" no_established lnsc
check "no established tunnel on the LAC" no_established lacbad
check_eq "no session on either side" "$(n_sessions lnsc) $(n_sessions lacbad)" "0 0"
stop_daemon lacbad KILL

# Our challenge answered with the wrong secret: the LAC refuses the LNS.
lac_daemon lacbad2 127.0.0.2 "$tmp/wrong.secrets" "challenge = yes"
if wait_log lacbad2 "closing: StopCCN result 4/0.*challenge response mismatch" 5; then
	ok "LAC refuses an LNS that answers its challenge wrongly"
else
	fail "LAC refuses an LNS that answers its challenge wrongly" "$(log_tail lacbad2 3)"
fi
check "LNS logs StopCCN result 4" wait_log lnsc "StopCCN from peer: result 4/0" 2
check "no established tunnel on the LAC" no_established lacbad2
stop_daemon lacbad2 KILL

lac_daemon lacnone 127.0.0.2 "" "challenge = yes"
if wait_log lacnone "closing: StopCCN result 4/0" 5 ||
	wait_log lacnone "no .*secret" 1; then
	ok "LAC with challenge but no secret does not connect"
else
	fail "LAC with challenge but no secret does not connect" "$(log_tail lacnone 3)"
fi
check "no established tunnel on the LAC" no_established lacnone
stop_daemon lacnone KILL

lac_daemon lachid 127.0.0.12 "$tmp/secrets" "challenge = yes" "hidden bit = yes"
check "hidden AVPs both ways with challenge: session up" \
	wait_for 5 sessions_are lachid established 1
check_eq "served by [lns hidden]" \
	"$(ctl_q lnsc '[.tunnels[]|select(.state=="established")][0].section' tunnels)" hidden
check_eq "no malformed messages either side" \
	"$(status_of lnsc rx_malformed) $(status_of lachid rx_malformed)" "0 0"
# Hidden AVPs really arrived and were unhidden, at both ends: the LNS's
# ICRQ/ICCN, the LAC's ICRP (vpnctl status: rx_hidden).
check_ge "the LNS unhid the LAC's AVPs (rx_hidden)" "$(status_of lnsc rx_hidden)" 3
check_ge "the LAC unhid the LNS's AVPs (rx_hidden)" "$(status_of lachid rx_hidden)" 1
stop_daemon lachid
# Without the secret the LAC reads the SCCRP (never hidden, for xl2tpd's
# sake) but cannot answer the challenge in it.
lac_daemon lacblind 127.0.0.12 ""
if wait_log lacblind "closing: StopCCN result 4/0.*challenge without a shared secret" 5; then
	ok "LAC without the secret refuses the challenge"
else
	fail "LAC without the secret refuses the challenge" "$(log_tail lacblind 3)"
fi
check_eq "the SCCRP was readable in clear" "$(status_of lacblind rx_malformed)" 0
check "and no tunnel comes up" no_established lacblind
stop_daemon lacblind KILL

# Reload: the new tunnel secret takes over from the old one; a file with an
# error is refused, named with its line, and the secrets in force stay.
echo "* * n3wer" >"$tmp/lnsc.secrets"
echo "* * n3wer" >"$tmp/new.secrets"
check "reload over the control socket" ctl_ok lnsc reload
check "reload logged" log_has lnsc "reloaded the tunnel secrets"
lac_daemon lacnew 127.0.0.2 "$tmp/new.secrets"
check "after reload the new secret opens a tunnel" \
	wait_for 5 sessions_are lacnew established 1
stop_daemon lacnew
lac_daemon lacold 127.0.0.2 "$tmp/secrets"
check "after reload the old secret is refused" \
	wait_log lacold "StopCCN from peer: result 4/0" 5
stop_daemon lacold KILL
printf '* * n3wer\nbroken\n' >"$tmp/lnsc.secrets"
out=$("$build/vpnctl" -s "$tmp/lnsc.ctl" -t 2 reload 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && grep -q "lnsc.secrets:2: .*old tunnel secrets stay" <<<"$out"; then
	ok "reload of a broken file fails, naming file and line (exit $rc)"
else
	fail "reload of a broken file fails, naming file and line" "rc $rc" "$out"
fi
kill -HUP "${PROTO_PID[lnsc]}"
check "SIGHUP with the broken file logs it" \
	wait_log lnsc "reload: .*lnsc.secrets:2" 3
lac_daemon lacnew2 127.0.0.2 "$tmp/new.secrets"
check "the secret in force stays after the failed reloads" \
	wait_for 5 sessions_are lacnew2 established 1
stop_daemon lacnew2
stop_daemon lnsc

# ---------------------------------------------------------------------------
section "access list"
p_a=$(free_port)
{
	global_conf 127.0.0.1 "$p_a" "access control = yes"
	printf '[lns default]\nlac = 127.0.0.9\n'
} >"$tmp/lnsa.conf"
start_l2tpd lnsa "$tmp/lnsa.conf" -s "$tmp/secrets" || fail "LNS started"
p_c=$p_a
lac_daemon lacno 127.0.0.2 "$tmp/secrets"
if wait_log lacno "StopCCN from peer: result 4/0" 5; then
	ok "127.0.0.2 refused with StopCCN result 4"
else
	fail "127.0.0.2 refused with StopCCN result 4" "$(log_tail lacno 3)"
fi
check "LNS logs the refusal" \
	log_has lnsa "peer 127\.0\.0\.2:[0-9]+: SCCRQ refused: not allowed by the configuration"
check_eq "LNS keeps no tunnel, counts the refusal" \
	"$(status_of lnsa tunnels) $(status_of lnsa refused_tunnels)" "0 1"
lac_daemon lacyes 127.0.0.9 "$tmp/secrets"
check "127.0.0.9 admitted" wait_for 5 sessions_are lacyes established 1
stop_daemon lacno KILL
stop_daemon lacyes
stop_daemon lnsa

# ---------------------------------------------------------------------------
section "limits"
p_l=$(free_port) p_ll=$(free_port 127.0.0.2)
{
	global_conf 127.0.0.1 "$p_l" "max tunnels = 2" "max sessions per tunnel = 2"
	printf '[lns default]\n'
} >"$tmp/lnsl.conf"
{
	global_conf 127.0.0.2 "$p_ll" "max sessions per tunnel = 1"
	for i in 1 2 3; do lac_section "l$i" "$p_l" "redial = no"; done
} >"$tmp/lacl.conf"
start_l2tpd lnsl "$tmp/lnsl.conf" -s "$tmp/secrets" || fail "LNS started"
start_l2tpd lacl "$tmp/lacl.conf" -s "$tmp/secrets" || fail "LAC started"
if wait_log lacl "StopCCN from peer: result 2/4" 5; then
	ok "third tunnel refused with result 2/4 (no resources)"
else
	fail "third tunnel refused with result 2/4" "$(log_tail lacl 4)"
fi
check "LNS logs 'max tunnels reached'" log_has lnsl "SCCRQ refused: max tunnels reached"
check "two tunnels up" wait_for 3 tunnels_are lnsl established 2
check_eq "one refused tunnel counted" "$(status_of lnsl refused_tunnels)" 1
tid=$(ctl_q lnsl '.tunnels[0].id' tunnels)
wait_for 3 sessions_are lnsl established 2
# The LAC takes one session per tunnel: it refuses our outgoing call.
check "call into a full LAC tunnel is sent" ctl_ok lnsl call "$tid" 123
if wait_log lnsl "CDN from peer: result 2/4.*session limit reached" 3; then
	ok "LAC refuses the call over its session limit with CDN 2/4"
else
	fail "LAC refuses the call over its session limit" "$(log_tail lnsl 3)"
fi
check_eq "LAC counted the refused session" "$(status_of lacl refused_sessions)" 1
check "LNS forgot the refused call" wait_for 2 sessions_are lnsl established 2
stop_daemon lacl
stop_daemon lnsl

# ---------------------------------------------------------------------------
section "configuration errors"
# run_l2tpd NAME CONF: runs l2tpd to its exit (5 s at most); rc in $rc.
run_l2tpd() {
	timeout 5 "$build/l2tpd" -D -c "$2" -S "$tmp/$1.ctl" -C "$tmp/$1.fifo" -p "$tmp/$1.pid" \
		-s "$tmp/secrets" >"$tmp/$1.out" 2>&1
	rc=$?
}
p_e=$(free_port)
{
	global_conf 127.0.0.1 "$p_e"
	printf 'max tunnels = lots\n'
} >"$tmp/bad.conf"
run_l2tpd bad "$tmp/bad.conf"
if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] &&
	grep -q "$tmp/bad.conf:6: 'max tunnels'" "$tmp/bad.out"; then
	ok "bad value: exit $rc, error names file:line and key"
else
	fail "bad value refused with file:line" "rc $rc" "$(cat "$tmp/bad.out")"
fi
check "bad value: no pid file, no control socket" \
	eval "[ ! -e '$tmp/bad.pid' ] && [ ! -e '$tmp/bad.ctl' ]"

global_conf 127.0.0.1 "$p_e" "frobnicate = 1" >"$tmp/unknown.conf"
start_l2tpd unknown "$tmp/unknown.conf" -s "$tmp/secrets"
check "unknown key: the daemon starts" ctl_up unknown
check "unknown key: warning names file:line" \
	log_has unknown "$tmp/unknown.conf:6: .*frobnicate"
stop_daemon unknown

global_conf 127.0.0.1 "$p_e" "debug state = yes" >"$tmp/debug.conf"
start_l2tpd dbg "$tmp/debug.conf" -s "$tmp/secrets"
check "xl2tpd's 'debug state = yes' turns debug lines on" \
	log_has dbg "l2tpd\[debug\]: .*debug.conf: 0 \[lns\] and 0 \[lac\]"
stop_daemon dbg
check "without it, no debug lines" eval "! log_has unknown 'l2tpd\[debug\]'"

global_conf 127.0.0.1 "$p_e" | sed 's/dataplane = none/dataplane = kernel/' \
	>"$tmp/kernel.conf"
run_l2tpd kernel "$tmp/kernel.conf"
# This host's kernel has no L2TP: the error must say what is missing.
if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] &&
	grep -Eq "^l2tpd: .*(L2TP|l2tp|dataplane)" "$tmp/kernel.out"; then
	ok "dataplane = kernel fails at start with a clear error (exit $rc)"
else
	fail "dataplane = kernel fails at start" "rc $rc" "$(cat "$tmp/kernel.out")"
fi
check "dataplane = kernel: no pid file left" eval "[ ! -e '$tmp/kernel.pid' ]"

timeout 5 "$build/l2tpd" -D -c "$tmp/unknown.conf" -S "$tmp/ns.ctl" -C "$tmp/ns.fifo" \
	-p "$tmp/ns.pid" -s "$tmp/no-such-secrets" >"$tmp/ns.out" 2>&1
rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && grep -q "no-such-secrets" "$tmp/ns.out"; then
	ok "missing secrets file named in the error (exit $rc)"
else
	fail "missing secrets file named in the error" "rc $rc" "$(cat "$tmp/ns.out")"
fi

start_l2tpd busy "$tmp/unknown.conf" -s "$tmp/secrets"
run_l2tpd busy2 "$tmp/unknown.conf"
if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && grep -q "port $p_e" "$tmp/busy2.out"; then
	ok "port in use: exit $rc naming the port"
else
	fail "port in use refused" "rc $rc" "$(cat "$tmp/busy2.out")"
fi
stop_daemon busy

# ---------------------------------------------------------------------------
section "IPv6: LAC and LNS over ::1"
p6l=$(free_port)
p6c=$(free_port)
{
	global_conf ::1 "$p6l"
	printf '[lns default]\nhostname = lns6\n'
} >"$tmp/lns6.conf"
{
	global_conf ::1 "$p6c"
	printf '[lac six]\nlns = [::1]:%s\nautodial = yes\nredial = no\n' "$p6l"
	printf 'hostname = lac6\n'
} >"$tmp/lac6.conf"
start_l2tpd lns6 "$tmp/lns6.conf" -s "$tmp/secrets"
start_l2tpd lac6 "$tmp/lac6.conf" -s "$tmp/secrets"
check "IPv6: tunnel and session established on both sides" \
	eval "wait_for 5 sessions_are lns6 established 1 && wait_for 5 sessions_are lac6 established 1"
check_eq "IPv6: the LNS sees the LAC at [::1] from the LAC's own 'port', as xl2tpd sends" \
	"$(ctl_q lns6 '.tunnels[0].peer' tunnels)" "[::1]:$p6c"
check_eq "IPv6: the LAC's tunnel is on the LNS's address and port" \
	"$(ctl_q lac6 '.tunnels[0].peer' tunnels)" "[::1]:$p6l"
stop_daemon lac6
check "IPv6: the LNS takes the LAC's StopCCN" \
	wait_for 5 eval '[ "$(n_tunnels lns6 established)" = 0 ]'

section "LAC source ports: port = 0, lac port per tunnel"
{
	global_conf ::1 0
	printf '[lac a]\nlns = [::1]:%s\nautodial = yes\nredial = no\nhostname = lac0\n' "$p6l"
} >"$tmp/lac0.conf"
start_l2tpd lac0 "$tmp/lac0.conf" -s "$tmp/secrets"
check "port = 0: the daemon starts and dials" \
	eval "wait_for 5 sessions_are lac0 established 1"
p0=$(ctl_q lns6 '.tunnels[]|select(.state=="established")|.peer' tunnels | sed 's/.*://')
check "port = 0: the LAC sends from the port its listener got" \
	eval "ss -Huln | grep -q '\[::1\]:$p0 '"
stop_daemon lac0
{
	global_conf ::1 "$p6c" "lac port per tunnel = yes"
	printf '[lac a]\nlns = [::1]:%s\nautodial = yes\nredial = no\nhostname = laca\n' "$p6l"
	printf '[lac b]\nlns = [::1]:%s\nautodial = yes\nredial = no\nhostname = lacb\n' "$p6l"
} >"$tmp/lacpp.conf"
wait_for 10 eval '[ "$(n_tunnels lns6 established)" = 0 ]'
start_l2tpd lacpp "$tmp/lacpp.conf" -s "$tmp/secrets"
check "lac port per tunnel: two tunnels up" \
	eval "wait_for 5 sessions_are lacpp established 2"
ports=$(ctl_q lns6 '[.tunnels[]|select(.state=="established")|.peer|sub(".*:";"")]|unique|map(select(. != "'"$p6c"'"))|length' tunnels)
check_eq "lac port per tunnel: two ports, neither the shared one" "$ports" 2
stop_daemon lacpp
stop_daemon lns6

# ---------------------------------------------------------------------------
section "RFC 2661 8.1: the LNS answers from another port"
p_raw=$(free_port)
p_m=$(free_port 127.0.0.2)
python3 "$raw" lns --listen "127.0.0.1:$p_raw" --secret s3cret --wait 6 \
	>"$tmp/moved.json" &
raw_pid=$!
proto_track_pid "$raw_pid"
# Python takes seconds to start on a loaded host: wait for its socket.
wait_for 10 eval "ss -Hlun 'sport = :$p_raw' | grep -q ." ||
	fail "raw LNS listens on port $p_raw"
{
	global_conf 127.0.0.2 "$p_m"
	lac_section moved "$p_raw" "redial = no"
} >"$tmp/moved.conf"
start_l2tpd m81 "$tmp/moved.conf" -s "$tmp/secrets"
check "LAC's tunnel up with an LNS answering from a new port" \
	wait_for 5 tunnels_are m81 established 1
peer=$(ctl_q m81 '.tunnels[0].peer' tunnels)
check "the tunnel moved off the dialled port" test "$peer" != "127.0.0.1:$p_raw"
check "the move is logged with both ports" log_has m81 \
	"answered from 127\.0\.0\.1:[0-9]+ instead of 127\.0\.0\.1:$p_raw"
stop_daemon m81
wait "$raw_pid"
out=$(cat "$tmp/moved.json")
check_eq "the tunnel is on the LNS's new port" "$peer" \
	"127.0.0.1:$(jq .new_port <<<"$out")"
check_eq "nothing but the SCCRQ went to the dialled port" \
	"$(jq -c .on_listen <<<"$out")" "[1]"
check_eq "SCCCN, then StopCCN at the end, on the new port" \
	"$(jq -c '[.on_new_port[]|select(.==3 or .==4)]' <<<"$out")" "[3,4]"

# ---------------------------------------------------------------------------
section "hostile input"
p_x=$(free_port)
{
	global_conf 127.0.0.1 "$p_x"
	printf '[lns default]\n'
} >"$tmp/lnsx.conf"
start_l2tpd lnsx "$tmp/lnsx.conf" -s "$tmp/secrets" || proto_abort "hostile LNS started"
to=127.0.0.1:$p_x

out=$(python3 "$raw" junk --to "$to" --src 127.0.0.7 truncated bad-length \
	short-length bad-flags)
check_eq "broken headers: silence" "$(jq .replies <<<"$out")" 0
check_eq "broken headers: rx_malformed 4" "$(status_of lnsx rx_malformed)" 4
out=$(python3 "$raw" junk --to "$to" --src 127.0.0.7 avp-overrun avp-short \
	hidden-no-rv)
check_eq "SCCRQs with broken AVPs: silence" "$(jq .replies <<<"$out")" 0
check_eq "SCCRQs with broken AVPs: rx_malformed 7" "$(status_of lnsx rx_malformed)" 7
out=$(python3 "$raw" junk --to "$to" --src 127.0.0.7 zlb-unknown zlb-zero)
check_eq "ZLBs to unknown tunnels: silence" "$(jq .replies <<<"$out")" 0
check_eq "ZLBs to unknown tunnels: rx_no_tunnel 2" "$(status_of lnsx rx_no_tunnel)" 2
check_eq "no tunnel from junk" "$(status_of lnsx tunnels)" 0

out=$(python3 "$raw" peer --to "$to" --src 127.0.0.6 --secret s3cret \
	avp-overrun avp-short bad-length no-message-type hidden-no-rv \
	duplicate-avp)
check_eq "raw peer opens a tunnel" "$(jq .established <<<"$out")" true
check_eq "6 broken messages in the tunnel: rx_malformed +6" \
	"$(status_of lnsx rx_malformed)" 13
check_eq "the tunnel ignored them: next HELLO acknowledged in step" \
	"$(jq .hello_acked <<<"$out")" true
check_eq "the tunnel is still established" \
	"$(ctl_q lnsx '[.tunnels[]|select(.state=="established")]|length' tunnels)" 1

# A peer with one UDP port for everything (xl2tpd) opens its second tunnel
# from the port of its first: the SCCRQ reaches the first tunnel's socket.
out=$(python3 "$raw" peer --to "$to" --src 127.0.0.8 --twice)
check "second SCCRQ from a tunnel's port: daemon alive" ctl_up lnsx
got=$(jq -r '"\(.established) \(.second_error)"' <<<"$out")
if [ "$got" = "true null" ]; then
	ok "second tunnel from the same port established"
else
	fail "second tunnel from the same port established" "got: $got" \
		"peer: $out" "status: $(ctl lnsx status)" "$(log_tail lnsx)"
fi
check_eq "both tunnels of 127.0.0.8 established" \
	"$(ctl_q lnsx '[.tunnels[]|select(.state=="established" and (.peer|startswith("127.0.0.8:")))]|length' tunnels)" 2

refused0=$(status_of lnsx refused_tunnels)
python3 "$raw" flood --to "$to" --src 127.0.0.5 --count 500 --wait 2 \
	>"$tmp/flood.json" &
flood_pid=$!
proto_track_pid "$flood_pid"
sleep 0.3
t0=$(now_ms)
ctl lnsx status >/dev/null
rc=$?
dt=$(($(now_ms) - t0))
if [ "$rc" = 0 ] && [ "$dt" -lt 1000 ]; then
	ok "status answers during a 500-SCCRQ flood ($dt ms)"
else
	fail "status answers during a 500-SCCRQ flood" "rc $rc, $dt ms"
fi
wait "$flood_pid"
out=$(cat "$tmp/flood.json")
section "flood: $out"
check_eq "flood: 8 half-open tunnels accepted (max half-open per peer)" \
	"$(jq .sccrp <<<"$out")" 8
check_eq "flood: tunnels from the flooder" \
	"$(ctl_q lnsx '[.tunnels[]|select(.peer|startswith("127.0.0.5:"))]|length' tunnels)" 8
refused=$(($(status_of lnsx refused_tunnels) - refused0))
check_eq "flood: every refusal answered by a StopCCN" "$(jq .stopccn <<<"$out")" "$refused"
check_ge "flood: most of the 492 extra SCCRQs refused" "$refused" 250
check_eq "flood: refusals logged once per peer" \
	"$(log_count lnsx 'peer 127\.0\.0\.5:[0-9]+: SCCRQ refused')" 1
p_hon=$(free_port 127.0.0.2)
{
	global_conf 127.0.0.2 "$p_hon"
	lac_section honest "$p_x"
} >"$tmp/honest.conf"
start_l2tpd honest "$tmp/honest.conf" -s "$tmp/secrets"
check "an honest LAC still connects after the flood" \
	wait_for 5 sessions_are honest established 1
check "the LNS is still alive" ctl_up lnsx
stop_daemon honest
stop_daemon lnsx KILL

proto_finish
