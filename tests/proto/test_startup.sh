#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Start-up that tells the truth, for l2tpd and pptpd: started in the
# background (no -D/-f), a daemon that cannot bind its port, open its data
# path, find its pppd plugin or read its pppd options exits non-zero with
# the reason on stderr and leaves nothing running; one that starts answers
# on its control socket when the command returns. -t / --test-config finds
# each problem (and unknown keys with file:line) without starting. In the
# foreground, the service manager's notifications (READY, STATUS,
# RELOADING, STOPPING) arrive on the NOTIFY_SOCKET the test provides.
# Usage: tests/proto/test_startup.sh BUILD_DIR
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
proto_init test_startup "${1:-build}"

for f in "$build/l2tpd" "$build/pptpd" "$build/vpnctl" "$build/vpnsuite.so"; do
	[ -x "$f" ] || [ -f "$f" ] || proto_abort "$f not built"
done

# run NAME CMD...: runs CMD (which must return: it detaches or fails), with
# stdout and stderr in $tmp/NAME.out; sets rc.
run() {
	local name=$1
	shift
	timeout 20 "$@" >"$tmp/$name.out" 2>&1
	rc=$?
}

# expect_fail NAME ERE: the last run exited non-zero (not by timeout) and
# said ERE on stderr; nothing of it is left running.
expect_fail() {
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && grep -Eq -- "$2" "$tmp/$1.out"; then
		ok "$1: exit $rc with the reason"
	else
		fail "$1: exit non-zero with /$2/" "rc $rc" "$(cat "$tmp/$1.out")"
	fi
	check "$1: no pid file, no control socket left" \
		eval "[ ! -e '$tmp/$1.pid' ] && [ ! -e '$tmp/$1.ctl' ]"
	check "$1: no process left" eval "! pgrep -f -- '-p $tmp/$1.pid' >/dev/null"
}

# expect_test NAME RC ERE: a -t run exited RC and printed ERE.
expect_test() {
	if [ "$rc" = "$2" ] && grep -Eq -- "$3" "$tmp/$1.out"; then
		ok "$1: -t exits $2 and reports /$3/"
	else
		fail "$1: -t exits $2 and reports /$3/" "rc $rc" "$(cat "$tmp/$1.out")"
	fi
}

l2tpd_bg() { # NAME CONF ARGS...
	local name=$1 conf=$2
	shift 2
	run "$name" "$build/l2tpd" -c "$conf" -S "$tmp/$name.ctl" -C "$tmp/$name.fifo" \
		-p "$tmp/$name.pid" "$@"
}

pptpd_bg() { # NAME CONF ARGS...
	local name=$1 conf=$2
	shift 2
	run "$name" "$build/pptpd" -c "$conf" -C "$tmp/$name.ctl" \
		-p "$tmp/$name.pid" "$@"
}

port=$(free_port) || proto_abort "no free port"
touch "$tmp/options"
printf '* * s3cret\n' >"$tmp/secrets"
chmod 600 "$tmp/secrets"

# l2tp_conf DATAPLANE [MORE...]
l2tp_conf() {
	local dp=$1
	shift
	printf '[global]\nlisten-addr = 127.0.0.1\nport = %s\ndataplane = %s\n' \
		"$port" "$dp"
	printf 'auth file = %s\n' "$tmp/secrets"
	printf '[lns default]\nip range = 10.77.0.2-10.77.0.9\nlocal ip = 10.77.0.1\n'
	printf 'pppoptfile = %s\n' "$tmp/options"
	[ $# -eq 0 ] || printf '%s\n' "$@"
}

section "l2tpd: start-up failures exit non-zero before detaching"
l2tp_conf none >"$tmp/none.conf"
# Somebody else holds the UDP port.
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
open(sys.argv[2], "w").close()
time.sleep(30)' "$port" "$tmp/holder.ready" &
holder=$!
proto_track_pid "$holder"
wait_for 5 test -e "$tmp/holder.ready" || proto_abort "port holder did not start"
l2tpd_bg l2_port "$tmp/none.conf"
expect_fail l2_port "^l2tpd: cannot listen on 127.0.0.1 port $port: Address already in use"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

l2tp_conf kernel >"$tmp/kernel.conf"
l2tpd_bg l2_kernel "$tmp/kernel.conf" -P "$build/vpnsuite.so"
# This host's kernel has no L2TP modules.
expect_fail l2_kernel "^l2tpd: .*no L2TP netlink family.*l2tp_netlink"

l2tpd_bg l2_plugin "$tmp/kernel.conf" -P "$tmp/no/vpnsuite.so"
expect_fail l2_plugin "^l2tpd: pppd plugin \(-P\) $tmp/no/vpnsuite.so: No such file"

l2tp_conf kernel | sed "s#^pppoptfile = .*#pppoptfile = $tmp/no-options#" \
	>"$tmp/noopt.conf"
l2tpd_bg l2_optfile "$tmp/noopt.conf" -P "$build/vpnsuite.so"
expect_fail l2_optfile "^l2tpd: $tmp/noopt.conf:[0-9]+: \[lns default\]: 'pppoptfile' $tmp/no-options: No such file"
# A directory is no options file either.
l2tp_conf kernel | sed "s#^pppoptfile = .*#pppoptfile = $tmp#" >"$tmp/diropt.conf"
l2tpd_bg l2_diropt "$tmp/diropt.conf" -P "$build/vpnsuite.so"
expect_fail l2_diropt "'pppoptfile' $tmp: not a regular file"

section "l2tpd: a start that succeeds is complete when the command returns"
t0=$(now_ms)
l2tpd_bg l2_ok "$tmp/none.conf"
check_eq "l2_ok: exits 0 once started in the background" "$rc" 0
pid=$(cat "$tmp/l2_ok.pid" 2>/dev/null)
[ -z "$pid" ] || proto_track_pid "$pid"
check "l2_ok: the pid file names the running daemon" kill -0 "${pid:-0}"
check "l2_ok: its control socket answers at once" \
	eval "'$build/vpnctl' -s '$tmp/l2_ok.ctl' -t 1 status >/dev/null"
check "l2_ok: nothing on stderr" test ! -s "$tmp/l2_ok.out"
kill -TERM "${pid:-0}" 2>/dev/null
wait_for 5 eval "! kill -0 ${pid:-0} 2>/dev/null"
check "l2_ok: stops on SIGTERM, pid file removed" test ! -e "$tmp/l2_ok.pid"

section "l2tpd -t finds each problem without starting"
run t_ok "$build/l2tpd" -t -c "$tmp/kernel.conf" -P "$build/vpnsuite.so"
expect_test t_ok 0 "^l2tpd: $tmp/kernel.conf: configuration OK$"
run t_long "$build/l2tpd" --test-config -c "$tmp/none.conf"
expect_test t_long 0 "configuration OK"
check "t_long: nothing started" test ! -e "$tmp/t_long.pid"
run t_plugin "$build/l2tpd" -t -c "$tmp/kernel.conf" -P "$tmp/no/vpnsuite.so"
expect_test t_plugin 1 "pppd plugin \(-P\) $tmp/no/vpnsuite.so"
run t_optfile "$build/l2tpd" -t -c "$tmp/noopt.conf" -P "$build/vpnsuite.so"
expect_test t_optfile 1 "noopt.conf:[0-9]+: \[lns default\]: 'pppoptfile' $tmp/no-options"
# 'ppp engine = builtin' reads the pppoptfile's options it supports and
# names every other one, with file:line.
printf 'mtu 1400\nrequire-mppe-128\nproxyarp\n' >"$tmp/mppe-options"
l2tp_conf kernel | sed "s#^pppoptfile = .*#pppoptfile = $tmp/mppe-options\nppp engine = builtin#" \
	>"$tmp/mppe.conf"
run t_builtin "$build/l2tpd" -t -c "$tmp/mppe.conf" -P "$build/vpnsuite.so"
expect_test t_builtin 0 "$tmp/mppe-options:3: 'proxyarp' is not supported by the builtin PPP engine"
expect_test t_builtin 0 "configuration OK, 1 warning above"
# Its ip-up and ip-down scripts must be programs it can run.
sed "s#^ppp engine = builtin#&\nip-up script = $tmp/no-ip-up#" "$tmp/mppe.conf" >"$tmp/ipup.conf"
run t_ipup "$build/l2tpd" -t -c "$tmp/ipup.conf" -P "$build/vpnsuite.so"
expect_test t_ipup 1 "'ip-up script' $tmp/no-ip-up"
l2tp_conf none "frobnicate = 3" >"$tmp/unknown.conf"
run t_unknown "$build/l2tpd" -t -c "$tmp/unknown.conf"
expect_test t_unknown 0 "$tmp/unknown.conf:10: unknown key 'frobnicate'"
expect_test t_unknown 0 "configuration OK, 1 warning above"
l2tp_conf none | sed 's/^dataplane = none$/&\nmax retries = many/' >"$tmp/badval.conf"
run t_badval "$build/l2tpd" -t -c "$tmp/badval.conf"
expect_test t_badval 1 "^l2tpd: $tmp/badval.conf:5: 'max retries'"
cp "$tmp/secrets" "$tmp/open-secrets"
chmod 644 "$tmp/open-secrets"
sed "s#^auth file = .*#auth file = $tmp/open-secrets#" "$tmp/none.conf" >"$tmp/open.conf"
run t_mode "$build/l2tpd" -t -c "$tmp/open.conf"
expect_test t_mode 0 "'auth file' $tmp/open-secrets: mode 0644 lets others read it"
# Several problems at once: all of them in one run.
l2tp_conf kernel | sed "s#^pppoptfile = .*#pppoptfile = $tmp/no-options#" \
	>"$tmp/two.conf"
run t_two "$build/l2tpd" -t -c "$tmp/two.conf" -P "$tmp/no/vpnsuite.so"
expect_test t_two 1 "no-options.*; pppd plugin"

section "pptpd: the same at start and with --test-config"
pptp_conf() { # DATAPLANE [MORE...]
	local dp=$1
	shift
	printf 'option %s\nlocalip 10.78.0.1\nremoteip 10.78.0.2-9\n' "$tmp/options"
	printf 'dataplane %s\nlisten 127.0.0.1\nport %s\n' "$dp" "$port"
	[ $# -eq 0 ] || printf '%s\n' "$@"
}
pptp_conf none >"$tmp/p_none.conf"
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(1)
open(sys.argv[2], "w").close()
time.sleep(30)' "$port" "$tmp/pholder.ready" &
holder=$!
proto_track_pid "$holder"
wait_for 5 test -e "$tmp/pholder.ready" || proto_abort "port holder did not start"
pptpd_bg p_port "$tmp/p_none.conf"
expect_fail p_port "^pptpd: cannot listen on 127.0.0.1.*Address already in use"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

pptp_conf kernel >"$tmp/p_kernel.conf"
pptpd_bg p_kernel "$tmp/p_kernel.conf" -P "$build/vpnsuite.so"
expect_fail p_kernel "^pptpd: 'dataplane kernel': no PPTP sockets"
pptpd_bg p_plugin "$tmp/p_kernel.conf" -P "$tmp/no/vpnsuite.so"
expect_fail p_plugin "^pptpd: pppd plugin \(-P\) $tmp/no/vpnsuite.so: No such file"
pptp_conf kernel | sed "s#^option .*#option $tmp/no-options#" >"$tmp/p_noopt.conf"
pptpd_bg p_optfile "$tmp/p_noopt.conf" -P "$build/vpnsuite.so"
expect_fail p_optfile "^pptpd: $tmp/p_noopt.conf: 'option' $tmp/no-options: No such file"

pptpd_bg p_ok "$tmp/p_none.conf"
check_eq "p_ok: exits 0 once started in the background" "$rc" 0
pid=$(cat "$tmp/p_ok.pid" 2>/dev/null)
[ -z "$pid" ] || proto_track_pid "$pid"
check "p_ok: its control socket answers at once" \
	eval "'$build/vpnctl' -s '$tmp/p_ok.ctl' -t 1 status >/dev/null"
kill -TERM "${pid:-0}" 2>/dev/null
wait_for 5 eval "! kill -0 ${pid:-0} 2>/dev/null"

run pt_ok "$build/pptpd" --test-config -c "$tmp/p_kernel.conf" -P "$build/vpnsuite.so"
expect_test pt_ok 0 "^pptpd: $tmp/p_kernel.conf: configuration OK$"
run pt_optfile "$build/pptpd" --test-config -c "$tmp/p_noopt.conf" -P "$build/vpnsuite.so"
expect_test pt_optfile 1 "'option' $tmp/no-options"
pptp_conf none "frobnicate 3" >"$tmp/p_unknown.conf"
run pt_unknown "$build/pptpd" --test-config -c "$tmp/p_unknown.conf"
expect_test pt_unknown 0 "p_unknown.conf:7: unknown keyword 'frobnicate'"
# 'ppp-engine builtin' names the 'option' lines it does not read, and a
# client profile's 'ppp engine = builtin' its pppoptfile's; it refuses
# 'delegate' (no pppd to give addresses), with file:line.
printf 'require-mschap-v2\nrequire-mppe-128\nproxyarp\n' >"$tmp/p_options"
printf '[client c]\nserver = 127.0.0.1\nppp engine = builtin\npppoptfile = %s\n' \
	"$tmp/p_options" >"$tmp/p_clients.conf"
pptp_conf kernel "ppp-engine builtin" "clients $tmp/p_clients.conf" |
	sed "s#^option .*#option $tmp/p_options#" >"$tmp/p_builtin.conf"
run pt_builtin "$build/pptpd" --test-config -c "$tmp/p_builtin.conf" -P "$build/vpnsuite.so"
expect_test pt_builtin 0 "$tmp/p_options:3: 'proxyarp' is not supported by the builtin PPP engine"
expect_test pt_builtin 0 "configuration OK, 2 warnings above"
pptp_conf none "ppp-engine builtin" delegate >"$tmp/p_delegate.conf"
run pt_delegate "$build/pptpd" --test-config -c "$tmp/p_delegate.conf"
expect_test pt_delegate 1 "p_delegate.conf:7: 'ppp-engine': builtin verifies logins and gives addresses itself: not with 'delegate'"

section "service manager notifications (Type=notify)"
# notify_listen NAME: a datagram socket at $tmp/NAME.notify writing each
# message it gets to $tmp/NAME.msgs, one line per field.
notify_listen() {
	python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        out.write(s.recv(4096).decode() + "\n")' "$tmp/$1.notify" "$tmp/$1.msgs" &
	proto_track_pid $!
	# A datagram to a socket not bound yet is lost: wait for it.
	wait_for 20 test -S "$tmp/$1.notify" ||
		fail "notification socket $1 bound within 20 s"
}
notify_has() { grep -q -- "$2" "$tmp/$1.msgs" 2>/dev/null; }

notify_listen l2
NOTIFY_SOCKET=$tmp/l2.notify start_l2tpd l2n "$tmp/none.conf" ||
	fail "l2tpd -D with NOTIFY_SOCKET starts" "$(log_tail l2n)"
check "l2tpd: READY=1 arrives" wait_for 5 notify_has l2 "^READY=1$"
check "l2tpd: STATUS counts tunnels and sessions" \
	wait_for 5 notify_has l2 "^STATUS=0 tunnels, 0 sessions$"
kill -HUP "${PROTO_PID[l2n]}"
check "l2tpd: SIGHUP sends RELOADING=1" wait_for 5 notify_has l2 "^RELOADING=1$"
check "l2tpd: ... then READY=1 again" \
	wait_for 5 eval "[ \$(grep -c '^READY=1$' '$tmp/l2.msgs') -ge 2 ]"
stop_daemon l2n
check "l2tpd: STOPPING=1 at SIGTERM" notify_has l2 "^STOPPING=1$"

notify_listen pp
NOTIFY_SOCKET=$tmp/pp.notify start_vpnsuite_daemon ppn "$build/pptpd" -f \
	-c "$tmp/p_none.conf" -C "$tmp/ppn.ctl" -p "$tmp/ppn.pid" ||
	fail "pptpd -f with NOTIFY_SOCKET starts" "$(log_tail ppn)"
check "pptpd: READY=1 arrives" wait_for 5 notify_has pp "^READY=1$"
check "pptpd: STATUS counts connections and calls" \
	wait_for 5 notify_has pp "^STATUS=0 connections, 0 calls$"
stop_daemon ppn
check "pptpd: STOPPING=1 at SIGTERM" notify_has pp "^STOPPING=1$"

section "systemd units: ExecStart and ExecReload as installed, run by hand"
# The units as make install writes them, with this build's paths; run in
# a mount namespace of their own with an empty /run, so that the default
# pid file and the runtime directory are the unit's and not the host's.
src=$(cd "$here/../.." && pwd)
mkdir -p "$tmp/etc/vpnsuite"
for u in l2tpd pptpd; do
	sed -e "s#@SBINDIR@#$build#g" -e "s#@SYSCONFDIR@#$tmp/etc#g" \
		"$src/etc/systemd/$u.service.in" >"$tmp/$u.service"
	out=$(systemd-analyze verify --man=no "$tmp/$u.service" 2>&1 | grep -F "$u.service")
	check_eq "$u.service: systemd-analyze verify finds nothing" "$out" ""
	check "$u.service: Type=notify" grep -qx "Type=notify" "$tmp/$u.service"
done
sed "s#^auth file = .*#&\ncontrol socket = $tmp/u_l2.ctl#" "$tmp/none.conf" \
	>"$tmp/etc/vpnsuite/l2tpd.conf"
printf 'control socket %s\n' "$tmp/u_pp.ctl" | cat "$tmp/p_none.conf" - \
	>"$tmp/etc/vpnsuite/pptpd.conf"
for u in l2tpd pptpd; do
	name=u_${u:0:2}
	notify_listen "$name"
	exec_start=$(sed -n 's/^ExecStart=//p' "$tmp/$u.service")
	NOTIFY_SOCKET=$tmp/$name.notify start_vpnsuite_daemon "$name" unshare -m \
		sh -c "mount -t tmpfs tmpfs /run && exec $exec_start" ||
		fail "$u: the unit's ExecStart starts" "$(log_tail "$name")"
	check "$u: READY=1 from the unit's ExecStart" wait_for 5 notify_has "$name" "^READY=1$"
	check "$u: STATUS line" wait_for 5 notify_has "$name" "^STATUS="
	mainpid=$(pgrep -f -n "^$build/$u .*$tmp/etc/vpnsuite/$u.conf")
	reload=$(sed -n 's/^ExecReload=//p' "$tmp/$u.service")
	check "$u: ExecReload runs" env MAINPID="${mainpid:-0}" sh -c "$reload"
	check "$u: ... RELOADING=1 arrives" wait_for 5 notify_has "$name" "^RELOADING=1$"
	stop_daemon "$name"
	check "$u: STOPPING=1 at stop" wait_for 2 notify_has "$name" "^STOPPING=1$"
done

proto_finish
