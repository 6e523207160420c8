#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# l2tpd (dataplane none) against the system's xl2tpd, both ways, with and
# without tunnel authentication: SCCRQ..ICCN completes; xl2tpd then cannot
# run pppd (no PPP in a test host's kernel, or no /dev/ppp) and sends CDN,
# which l2tpd must take cleanly. Without xl2tpd the whole script is one skip
# (a failure under make check and CI, see tests/skips.sh).
# Usage: tests/proto/test_l2tpd_interop.sh BUILD_DIR
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
proto_init test_l2tpd_interop "${1:-build}"

XL2TPD=${XL2TPD:-/usr/sbin/xl2tpd}
if [ ! -x "$XL2TPD" ]; then
	skip xl2tpd "no $XL2TPD: none of the interop checks ran"
	proto_finish
fi
for f in "$build/l2tpd" "$build/vpnctl"; do
	[ -x "$f" ] || proto_abort "$f not built"
done
command -v jq >/dev/null || proto_abort "jq is needed"

# Both programs read "us them secret"; one wildcard line serves both.
echo "* * interop-secret" >"$tmp/secrets"
echo "* * not-the-secret" >"$tmp/wrong.secrets"
chmod 600 "$tmp/secrets" "$tmp/wrong.secrets"

# start_xl2tpd NAME CONF: xl2tpd in the foreground, control pipe
# $tmp/NAME.ctl, log $tmp/NAME.log; waits for its "Listening" line.
start_xl2tpd() {
	local s=$tmp/secrets
	[ "${3:-}" != wrong ] || s=$tmp/wrong.secrets
	start_daemon "$1" "$XL2TPD" -D -c "$2" -s "$s" \
		-p "$tmp/$1.pid" -C "$tmp/$1.ctl"
	wait_log "$1" "Listening on IP address" 5
}

n_sessions() { # NAME [STATE]
	local f=true
	[ -z "${2:-}" ] || f=".state==\"$2\""
	ctl_q "$1" "[.sessions[]|select($f)]|length" sessions
}

# check_hidden NAME MODE: xl2tpd's "hidden bit" makes it read hidden AVPs,
# never send them (seen: rx_hidden stays 0 with it and nothing is malformed,
# so nothing hidden arrived). That our hidden AVPs were unhidden by xl2tpd
# is checked from its log below; l2tpd unhiding l2tpd's is asserted in
# test_l2tpd.sh. rx_hidden must be a number: a missing counter fails.
check_hidden() {
	check_eq "$2: no hidden AVP from xl2tpd (rx_hidden)" \
		"$(ctl_q "$1" .rx_hidden status)" 0
}

tunnel_field() { # NAME FIELD: of the only established tunnel
	ctl_q "$1" "[.tunnels[]|select(.state==\"established\")][0].$2" tunnels
}

# What xl2tpd logged about the tunnel: "Local: X, Remote: Y".
xl2tpd_ids() { # NAME WHAT (Connection|Call)
	sed -n "s/.*$2 established.*Local: \([0-9]*\), Remote: \([0-9]*\).*/\1 \2/p" \
		"$tmp/$1.log" | head -n 1
}

# auth_lines MODE: the link options of a scenario.
auth_lines() {
	case $1 in
	plain) ;;
	challenge | wrong) printf 'challenge = yes\n' ;;
	hidden) printf 'challenge = yes\nhidden bit = yes\n' ;;
	xhidden) [ "${2:-}" = xl2tpd ] && printf 'challenge = yes\nhidden bit = yes\n' ||
		printf 'challenge = yes\n' ;;
	esac
}

# ---------------------------------------------------------------------------
# xl2tpd as LAC, l2tpd as LNS
lns_scenario() {
	local mode=$1 p_lns p_x t0 lns=lns_$1 xl=xlac_$1 ids tid
	section "xl2tpd LAC -> l2tpd LNS ($mode)"
	p_lns=$(free_port) p_x=$(free_port 127.0.0.3)
	{
		printf '[global]\nlisten-addr = 127.0.0.1\nport = %s\n' "$p_lns"
		printf 'dataplane = none\n[lns default]\nhostname = l2tpd-lns\n'
		auth_lines "$mode"
	} >"$tmp/$lns.conf"
	{
		printf '[global]\nlisten-addr = 127.0.0.3\nport = %s\n' "$p_x"
		printf '[lac peer]\nlns = 127.0.0.1:%s\nautodial = yes\n' "$p_lns"
		printf 'redial = no\nhostname = xl2tpd-lac\n'
		auth_lines "$mode" xl2tpd
	} >"$tmp/$xl.conf"
	start_l2tpd "$lns" "$tmp/$lns.conf" -s "$tmp/secrets" ||
		{ fail "l2tpd LNS started ($mode)" "$(log_tail "$lns")"; return; }
	t0=$(now_ms)
	start_xl2tpd "$xl" "$tmp/$xl.conf" "$mode" ||
		{ fail "xl2tpd LAC started ($mode)" "$(log_tail "$xl")"; return; }
	if wait_log "$lns" "incoming call established" 5; then
		ok "$mode: SCCRQ..ICCN from xl2tpd completes ($(($(now_ms) - t0)) ms)"
	else
		fail "$mode: SCCRQ..ICCN from xl2tpd completes" \
			"$(log_tail "$lns" 4)" "$(log_tail "$xl" 4)"
		return
	fi
	check_eq "$mode: l2tpd sees xl2tpd's host name" \
		"$(tunnel_field "$lns" host)" xl2tpd-lac
	ids=$(xl2tpd_ids "$xl" Connection)
	check_eq "$mode: tunnel IDs match crosswise" \
		"$(tunnel_field "$lns" peer_id) $(tunnel_field "$lns" id)" "$ids"
	ids=$(xl2tpd_ids "$xl" Call)
	check "$mode: session IDs match crosswise" log_has "$lns" \
		"session ${ids#* } .*incoming call established \(peer session ${ids% *}\)"
	# pppd cannot run here; xl2tpd hangs up the call.
	if wait_log "$lns" "CDN from peer: result [0-9]+/" 5 &&
		wait_for 3 eval "[ \"\$(n_sessions $lns)\" = 0 ]"; then
		ok "$mode: xl2tpd's CDN taken, session gone"
	else
		fail "$mode: xl2tpd's CDN taken, session gone" "$(log_tail "$lns" 3)"
	fi
	check "$mode: tunnel stays established" \
		eval "[ \"\$(tunnel_field $lns state)\" = established ]"
	check_hidden "$lns" "$mode"
	check "$mode: no malformed message, no error logged" \
		eval "[ \"\$(ctl_q $lns .rx_malformed status)\" = 0 ] && ! log_has $lns '\[(error|warning)\]: tunnel'"
	tid=$(tunnel_field "$lns" id)
	check "$mode: l2tpd closes the tunnel" ctl_ok "$lns" tunnel close "$tid"
	if wait_log "$xl" "Connection closed|StopCCN|control_finish" 3; then
		ok "$mode: xl2tpd takes the StopCCN"
	else
		fail "$mode: xl2tpd takes the StopCCN" "$(log_tail "$xl" 3)"
	fi
	t0=$(now_ms)
	stop_daemon "$lns"
	check_le "$mode: l2tpd stops at once (nothing left unacknowledged)" \
		$(($(now_ms) - t0)) 3000
	stop_daemon "$xl"
}

# ---------------------------------------------------------------------------
# l2tpd as LAC, xl2tpd as LNS
lac_scenario() {
	local mode=$1 p_lac p_x t0 lac=lac_$1 xl=xlns_$1 ids
	section "l2tpd LAC -> xl2tpd LNS ($mode)"
	p_lac=$(free_port 127.0.0.2) p_x=$(free_port 127.0.0.4)
	{
		printf '[global]\nlisten-addr = 127.0.0.4\nport = %s\n' "$p_x"
		# Its AVP log shows the Random Vector that comes with hiding.
		printf 'debug avp = yes\n'
		printf '[lns default]\nip range = 10.99.0.10-10.99.0.20\n'
		printf 'local ip = 10.99.0.1\nhostname = xl2tpd-lns\n'
		auth_lines "$mode" xl2tpd
	} >"$tmp/$xl.conf"
	{
		printf '[global]\nlisten-addr = 127.0.0.2\nport = %s\n' "$p_lac"
		printf 'dataplane = none\n[lac peer]\nlns = 127.0.0.4:%s\n' "$p_x"
		printf 'autodial = yes\nredial = no\nhostname = l2tpd-lac\n'
		auth_lines "$mode"
	} >"$tmp/$lac.conf"
	start_xl2tpd "$xl" "$tmp/$xl.conf" "$mode" ||
		{ fail "xl2tpd LNS started ($mode)" "$(log_tail "$xl")"; return; }
	t0=$(now_ms)
	start_l2tpd "$lac" "$tmp/$lac.conf" -s "$tmp/secrets" ||
		{ fail "l2tpd LAC started ($mode)" "$(log_tail "$lac")"; return; }
	if wait_log "$lac" "incoming call established" 5; then
		ok "$mode: SCCRQ..ICCN to xl2tpd completes ($(($(now_ms) - t0)) ms)"
	else
		fail "$mode: SCCRQ..ICCN to xl2tpd completes" \
			"$(log_tail "$lac" 4)" "$(log_tail "$xl" 4)"
		return
	fi
	check_eq "$mode: l2tpd sees xl2tpd's host name" \
		"$(tunnel_field "$lac" host)" xl2tpd-lns
	ids=$(xl2tpd_ids "$xl" Connection)
	check_eq "$mode: tunnel IDs match crosswise" \
		"$(tunnel_field "$lac" peer_id) $(tunnel_field "$lac" id)" "$ids"
	check "$mode: xl2tpd saw the call" wait_log "$xl" "Call established" 2
	if [ "$mode" = hidden ]; then
		check "$mode: xl2tpd unhid our ICRQ (Random Vector, call serial 1)" \
			eval "log_has $xl 'rand_vector_avp: Random Vector' && log_has $xl 'call_serno_avp: serial number is 1'"
	else
		check "$mode: nothing hidden" eval "! log_has $xl rand_vector_avp"
	fi
	if wait_log "$lac" "CDN from peer: result [0-9]+/" 5 &&
		wait_for 3 eval "[ \"\$(n_sessions $lac)\" = 0 ]"; then
		ok "$mode: xl2tpd's CDN taken, session gone"
	else
		fail "$mode: xl2tpd's CDN taken, session gone" "$(log_tail "$lac" 3)"
	fi
	check "$mode: tunnel stays established" \
		eval "[ \"\$(tunnel_field $lac state)\" = established ]"
	check_hidden "$lac" "$mode"
	check "$mode: 'redial = no' is honoured" \
		log_has "$lac" "\[lac peer\]: not redialling \(redial = no\)"
	check "$mode: no malformed message, no error logged" \
		eval "[ \"\$(ctl_q $lac .rx_malformed status)\" = 0 ] && ! log_has $lac '\[(error|warning)\]: tunnel'"
	t0=$(now_ms)
	stop_daemon "$lac"
	check_eq "$mode: l2tpd exits 0 on SIGTERM" "$?" 0
	check_le "$mode: xl2tpd acknowledges our StopCCN at once" \
		$(($(now_ms) - t0)) 3000
	check "$mode: xl2tpd closed the tunnel" \
		wait_log "$xl" "Connection closed|control_finish" 2
	stop_daemon "$xl"
}

# ---------------------------------------------------------------------------
# Tunnels that must not come up: different secrets.
refused_scenario() {
	local role=$1 mode=$2 me=r$1_$2 xl=rx$1_$2 p_me p_x myaddr xaddr
	section "refused: l2tpd $role against xl2tpd ($mode)"
	if [ "$role" = lns ]; then
		myaddr=127.0.0.1 xaddr=127.0.0.3
	else
		myaddr=127.0.0.2 xaddr=127.0.0.4
	fi
	p_me=$(free_port $myaddr) p_x=$(free_port $xaddr)
	{
		printf '[global]\nlisten-addr = %s\nport = %s\n' $myaddr "$p_me"
		printf 'dataplane = none\nmax retries = 2\n'
		if [ "$role" = lns ]; then
			printf '[lns default]\n'
		else
			printf '[lac peer]\nlns = %s:%s\nautodial = yes\n' $xaddr "$p_x"
			printf 'redial = no\n'
		fi
		auth_lines "$mode"
	} >"$tmp/$me.conf"
	{
		printf '[global]\nlisten-addr = %s\nport = %s\n' $xaddr "$p_x"
		if [ "$role" = lns ]; then
			printf '[lac peer]\nlns = %s:%s\nautodial = yes\n' $myaddr "$p_me"
			printf 'redial = no\n'
		else
			printf '[lns default]\nip range = 10.99.0.10-10.99.0.20\n'
			printf 'local ip = 10.99.0.1\n'
		fi
		auth_lines "$mode" xl2tpd | grep -v hidden
	} >"$tmp/$xl.conf"
	if [ "$role" = lns ]; then
		start_l2tpd "$me" "$tmp/$me.conf" -s "$tmp/secrets" || fail "$me started"
		start_xl2tpd "$xl" "$tmp/$xl.conf" "$mode" || fail "$xl started"
	else
		start_xl2tpd "$xl" "$tmp/$xl.conf" "$mode" || fail "$xl started"
		start_l2tpd "$me" "$tmp/$me.conf" -s "$tmp/secrets" || fail "$me started"
	fi
	if wait_log "$me" "StopCCN.*result (4|2/6)" 4; then
		ok "$role $mode: refused with StopCCN"
	else
		fail "$role $mode: refused with StopCCN" "$(log_tail "$me" 3)" \
			"$(log_tail "$xl" 3)"
	fi
	check "$role $mode: no call established" \
		eval "! log_has $me 'call established'"
	check "$role $mode: no established tunnel" \
		eval "[ \"\$(ctl_q $me '[.tunnels[]|select(.state==\"established\")]|length' tunnels)\" = 0 ]"
	check "$role $mode: l2tpd still serves its control socket" ctl_up "$me"
	stop_daemon "$me" KILL
	stop_daemon "$xl"
}

lns_scenario plain
lns_scenario challenge
lns_scenario xhidden
lac_scenario plain
lac_scenario challenge
lac_scenario hidden
refused_scenario lns wrong
refused_scenario lac wrong
lns_scenario hidden
lac_scenario xhidden

proto_finish
