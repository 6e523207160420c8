#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# xl2tpd's control FIFO on l2tpd (dataplane none, loopback): Debian's own
# xl2tpd-control adds, connects, disconnects, removes and lists a LAC, and
# `echo "c NAME" > FIFO` dials; replies are xl2tpd's word for word; a FIFO
# already there is reused, anything else there stops the daemon; result
# files that are not FIFOs get nothing; hostile lines leave it serving.
# Usage: tests/proto/test_l2tpd_fifo.sh BUILD_DIR
. "$(dirname "$0")/lib.sh"
proto_init test_l2tpd_fifo "${1:-build}"

for f in "$build/l2tpd" "$build/vpnctl"; do
	[ -x "$f" ] || proto_abort "$f not built"
done
command -v jq >/dev/null || proto_abort "jq is needed"
XCTL=/usr/sbin/xl2tpd-control
# xl2tpd-control makes its result FIFO there, as under xl2tpd.
mkdir -p /var/run/xl2tpd

echo "* * s3cret" >"$tmp/secrets"
p_lns=$(free_port) && p_lac=$(free_port) || proto_abort "no free port"
printf '[global]\nlisten-addr = 127.0.0.1\nport = %s\ndataplane = none\n[lns default]\nhostname = lns\n' \
	"$p_lns" >"$tmp/lns.conf"
printf '[global]\nlisten-addr = 127.0.0.1\nport = %s\ndataplane = none\n[lac office]\nlns = 127.0.0.1:%s\n' \
	"$p_lac" "$p_lns" >"$tmp/lac.conf"

n_sessions() { ctl_q "$1" '[.sessions[]|select(.state=="established")]|length' sessions; }
sessions_are() { [ "$(n_sessions "$1")" = "$2" ]; }

# xctl ARGS...: Debian's xl2tpd-control against our FIFO; rc in $rc,
# the reply (its debug output) in $reply.
xctl() {
	reply=$(timeout 10 "$XCTL" -c "$tmp/lac.fifo" -d "$@" 2>&1)
	rc=$?
}
# has LINE...: the last reply has every LINE.
has() {
	for l in "$@"; do
		grep -qxF -- "$l" <<<"$reply" || return 1
	done
}
# raw_read LINE: a command with a result FIFO of our own; the reply in $reply.
raw_read() {
	reply=$(python3 "$(dirname "$0")/fifo_call.py" "$tmp/lac.fifo" "$tmp/res" "$1")
}

section "start: the FIFO is made, a FIFO already there is reused"
start_l2tpd lns "$tmp/lns.conf" -s "$tmp/secrets" || proto_abort "LNS did not start"
mkfifo "$tmp/lac.fifo"
start_l2tpd lac "$tmp/lac.conf" -s "$tmp/secrets" || proto_abort "LAC did not start"
check "an existing FIFO is reused" test -p "$tmp/lac.fifo"
check "the LNS made its own FIFO" test -p "$tmp/lns.fifo"
: >"$tmp/plain"
p_x=$(free_port) || proto_abort "no free port"
printf '[global]\nlisten-addr = 127.0.0.1\nport = %s\ndataplane = none\n' "$p_x" >"$tmp/x.conf"
timeout 5 "$build/l2tpd" -D -c "$tmp/x.conf" -S "$tmp/x.ctl" -C "$tmp/plain" \
	-p "$tmp/x.pid" >"$tmp/x.out" 2>&1
check "a regular file at -C stops the daemon, naming it" \
	grep -q "control FIFO $tmp/plain: exists and is no FIFO" "$tmp/x.out"

section "Debian's xl2tpd-control"
if [ ! -x "$XCTL" ]; then
	skip xl2tpd-control "no $XCTL (package xl2tpd)"
else
	xctl add-lac vpn2 lns=127.0.0.1:"$p_lns" "hostname=lac two" redial=no
	check_eq "add-lac: exit status 0" "$rc" 0
	check "add-lac: reply '00 OK'" grep -q "^00 OK" <<<"$reply"
	xctl available
	check "available lists both LACs" \
		has "00 AVAILABLE lac.0.name=office" "00 AVAILABLE lac.1.name=vpn2"
	check "available counts 2 LACs" grep -q "00 AVAILABLE lac.count=2" <<<"$reply"
	xctl connect-lac vpn2
	check_eq "connect-lac: exit status 0" "$rc" 0
	check "connect-lac: the session comes up on the LNS" wait_for 10 sessions_are lns 1
	check "connect-lac: the LAC's session" wait_for 5 sessions_are lac 1
	xctl connect-lac vpn2
	check "connect-lac again: 'Session already active'" \
		grep -q "01 Session 'vpn2' already active!" <<<"$reply"
	reply=$(timeout 10 "$XCTL" -c "$tmp/lns.fifo" -d status-lns default 2>&1)
	check "status-lns on the LNS: one tunnel with one call" \
		has "00 OK" "00 STATUS tunnels.count=1" "00 STATUS tunnels.0.calls.count=1"
	xctl status-lac vpn2
	check "status-lac: logged as xl2tpd does" wait_log lac "1 tunnels, 1 sessions" 5
	xctl disconnect-lac vpn2
	check_eq "disconnect-lac: exit status 0" "$rc" 0
	check "disconnect-lac: the LNS has no session left" wait_for 10 sessions_are lns 0
	xctl disconnect-lac vpn2
	check "disconnect-lac again: 'not up'" grep -q "01 Session 'vpn2' not up" <<<"$reply"
	xctl remove-lac vpn2
	check_eq "remove-lac: exit status 0" "$rc" 0
	xctl remove-lac vpn2
	check "remove-lac again: 'No such tunnel'" grep -q "01 No such tunnel 'vpn2'" <<<"$reply"
	check_eq "remove-lac again: exit status 1" "$rc" 1
	xctl add-lac bad lns
	check "add-lac without '=': parse error" grep -q "03 Configuration parse error" <<<"$reply"
	xctl status-lns default
	check "status-lns on a LAC without [lns]" has "01 Error: Could not find lns"
fi

section "echo \"c NAME\" > FIFO"
echo "c office" >"$tmp/lac.fifo"
check "echo c office: the session comes up" wait_for 10 sessions_are lns 1
echo "d office" >"$tmp/lac.fifo"
check "echo d office: it goes" wait_for 10 sessions_are lns 0

section "replies word for word"
raw_read "q"
check_eq "unknown command" "$reply" "01 Unknown command q"
raw_read "c nosuch"
check_eq "connect unknown" "$reply" "01 No such tunnel 'nosuch'"
raw_read "d nosuch"
check_eq "disconnect unknown" "$reply" "01 No such tunnel 'nosuch'"
raw_read "h 4711"
check_eq "hangup answers OK" "$reply" "00 OK"
raw_read "t 127.0.0.1"
check_eq "'t' is refused" "$reply" "01 Error"
raw_read "y nosuch"
check_eq "lns status of no LNS" "$reply" "01 Error: Could not find lns"
raw_read "a"
check_eq "add without a name" "$reply" "01 Configuration parse error: lac-name expected"

section "hostile lines"
ln -s "$tmp/target" "$tmp/link"
: >"$tmp/target"
printf '@%s x\n' "$tmp/link" >"$tmp/lac.fifo"
printf '@%s x\n' "$tmp/target" >"$tmp/lac.fifo"
head -c 5000 /dev/zero | tr '\0' 'c' >"$tmp/lac.fifo"
printf '\n@\n@nospace\n\n\0\0\n' >"$tmp/lac.fifo"
raw_read "x"
check "still serving after hostile lines" grep -q "^00 OK" <<<"$reply"
check_eq "a regular result file gets nothing" "$(stat -c %s "$tmp/target")" 0
check "a symbolic link is not followed" test -L "$tmp/link"
check "the over-long line is logged" log_has lac "command over 1023 bytes ignored"

section "stop: the FIFO we made goes, a reused one stays"
proto_stop_daemon lns
proto_stop_daemon lac
check "the LNS's FIFO is removed" test ! -e "$tmp/lns.fifo"
check "the reused FIFO stays" test -p "$tmp/lac.fifo"
proto_finish
