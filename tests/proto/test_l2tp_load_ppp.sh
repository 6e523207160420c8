#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The load generator's PPP peer (tests/bench/l2tp_load --ppp) against its
# own --lns --ppp server on loopback, no kernel involved: every session
# must open IPCP and get its ICMP echo answered over the L2TP data channel,
# with CHAP-MD5 and with MS-CHAPv2; a wrong password, or no protocol in
# common, must fail every session with the reason named.
# Usage: tests/proto/test_l2tp_load_ppp.sh BUILD_DIR
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
proto_init test_l2tp_load_ppp "${1:-build}"

gen=$build/bench/l2tp_load
[ -x "$gen" ] || proto_abort "$gen not built"
command -v jq >/dev/null || proto_abort "jq is needed (scripts/install-deps)"

# lns NAME PORT ARGS...: a --lns --ppp server, listening once it says so.
lns() {
	local name=$1 port=$2
	shift 2
	start_daemon "$name" "$gen" --lns -s "127.0.0.1:$port" "$@"
	wait_log "$name" "LNS listening" 5 || proto_abort "$name did not start"
}

# run OUT ARGS...: the generator with --json; its report in $tmp/OUT.json.
run() {
	local out=$1
	shift
	timeout 30 "$gen" --json -T 10 "$@" >"$tmp/$out.json" 2>"$tmp/$out.err"
}

field() { jq -r "$2" "$tmp/$1.json"; }

section "CHAP-MD5, 4 tunnels x 50 sessions"
port=$(free_port)
lns chap "$port" --ppp alice:clientPass --ppp-auth chap
check "chap: the generator reports success" run chap -s "127.0.0.1:$port" -t 4 -n 50 --ppp alice:clientPass
check_eq "chap: 200 sessions up (IPCP open, echo answered)" "$(field chap .sessions_up)" 200
check_eq "chap: 200 calls connected" "$(field chap .calls_connected)" 200
check_eq "chap: no failure" "$(field chap '.failures | length')" 0
check_eq "chap: no data message dropped" "$(field chap .data_rx_dropped)" 0
check "chap: setup p99 under 1 s (no Restart timer waited out)" \
	jq -e '.session_latency_ms.p99 < 1000' "$tmp/chap.json" >/dev/null

section "wrong password"
check "wrong password: the generator fails" eval "! run wrong -s 127.0.0.1:$port -t 1 -n 5 --ppp alice:nope"
check_eq "wrong password: no session up" "$(field wrong .sessions_up)" 0
check_eq "wrong password: 5 failed, authentication named" \
	"$(field wrong '.failures["authentication failed"]')" 5
stop_daemon chap
check "chap: the LNS answered 200 echoes" log_has chap "200 links up, 5 failed, 5 logins refused, 200 echoes answered"

section "MS-CHAPv2"
port=$(free_port)
lns mschap "$port" --ppp alice:clientPass --ppp-auth mschapv2
check "mschapv2: the generator reports success" run mschap -s "127.0.0.1:$port" -t 2 -n 20 --ppp alice:clientPass --ppp-auth mschapv2
check_eq "mschapv2: 40 sessions up" "$(field mschap .sessions_up)" 40
check "chap-only client against an MS-CHAPv2-only server fails" \
	eval "! run mismatch -s 127.0.0.1:$port -t 1 -n 2 --ppp alice:clientPass --ppp-auth chap"
check_eq "mismatch: no session up" "$(field mismatch .sessions_up)" 0
check_eq "mismatch: 2 failed" "$(field mismatch .sessions_failed)" 2
stop_daemon mschap

section "the L2TP control plane alone still works without --ppp"
port=$(free_port)
lns plain "$port"
check "without --ppp: 100 sessions up" run plain -s "127.0.0.1:$port" -t 2 -n 50
check_eq "without --ppp: sessions up" "$(field plain .sessions_up)" 100
stop_daemon plain
proto_finish
